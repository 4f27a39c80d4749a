"""`python -m intake`: the same command line as the `intake` script."""

from intake.cli import main

main()

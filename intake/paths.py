"""Where the bundled forms and templates live (inside the package), and where var/ and .env do."""

import os
from importlib.resources import files
from pathlib import Path


def _bundled(name: str) -> Path:
    # Jinja2's loader and Typst read real files: a wheel installs as files, a zipped one would
    # fail here at once rather than at the first render.
    return Path(os.fspath(files("intake").joinpath(name)))


TEMPLATES_DIR = _bundled("templates")
BUNDLED_FORMS_DIR = _bundled("bundled_forms")

_SOURCE_ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout (tests, `make run`), var/ and .env are the checkout's; an installed package
# has no checkout, so they are the working directory's, as with any other command-line tool.
PROJECT_ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "pyproject.toml").is_file() else Path.cwd()

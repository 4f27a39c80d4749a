"""What the tests share: one way to start `intake serve`, one free port, one wait, the fakes.

Imported one way everywhere: `from tests.support.<module> import ...`.
"""

"""Errors that stop codecheck from reading an input or its configuration.

Each carries the message a person needs: which file, where in it, and what is
wrong. The CLI prints them as one line and exits with code 2; no traceback.
"""

from __future__ import annotations


class CodecheckError(Exception):
    """Base for errors shown to the user as one clear line."""


class InputError(CodecheckError):
    """An input file cannot be read at all (missing, wrong format, encrypted...)."""

    def __init__(self, path: str, message: str, location: str | None = None):
        self.path = str(path)
        self.message = message
        self.location = location
        where = f"{self.path}:{location}" if location else self.path
        super().__init__(f"{where}: {message}")


class ConfigError(CodecheckError):
    """The configuration file is invalid; the message names the key path."""


class UsageError(CodecheckError):
    """The command line asks for something that cannot be done."""

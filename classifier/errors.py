"""The few exceptions the analysis side raises on purpose.

Each carries a message written for the user: what went wrong, where, and the
fix. The CLI prints it on one line and exits 2. Anything else that escapes is a
bug (exit 3).
"""

from __future__ import annotations


class ClassifierError(Exception):
    """Base of every error that means "bad input", never "bug"."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(ClassifierError):
    """The command line asks for something that cannot be done."""


class ConfigError(ClassifierError):
    """The configuration file is unreadable or does not match its schema."""


class GitError(ClassifierError):
    """A repository, ref or merge base could not be read."""


class SourceError(ClassifierError):
    """A file could not be read or decoded from a revision."""

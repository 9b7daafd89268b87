"""User-facing errors: each says what went wrong and how to fix it."""

from __future__ import annotations


class CoachError(Exception):
    """An error meant for the person using the tool (shown without a traceback)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(CoachError):
    """A file, message or option the user gave cannot be used."""


class IndexUnavailableError(CoachError):
    """The vector store or index cannot be reached or read."""


class IndexBusyError(CoachError):
    """Another process holds the data folder's writer lock for too long."""


class StoreDamagedError(CoachError):
    """A data file (conversations, ratings) cannot be read; it is never replaced silently."""


class DataFileError(CoachError, RuntimeError):
    """A data file shipped with the tool (templates, fixed replies) is missing or malformed."""


class NotPermittedError(CoachError):
    """A signed-in user asked for something their role may not choose (a 403 in the API)."""

"""Mentor Coach: an offline-first coaching assistant for mentorship."""

from assistant.config import Settings
from assistant.errors import CoachError, InputError

__all__ = ["Coach", "CoachError", "InputError", "Settings"]


def __getattr__(name: str):
    # Coach pulls in the index stack; import it lazily so `coach --help` stays instant.
    if name == "Coach":
        from assistant.coach import Coach

        return Coach
    raise AttributeError(name)

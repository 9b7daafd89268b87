"""Mentor Coach: an offline-first coaching assistant for mentorship."""

from importlib.metadata import PackageNotFoundError, version

from assistant.config import Settings
from assistant.errors import CoachError, InputError

try:
    __version__ = version("mentor-coach")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["Coach", "CoachError", "InputError", "Settings", "__version__"]


def __getattr__(name: str):
    # Coach pulls in the index stack; import it lazily so `coach --help` stays instant.
    if name == "Coach":
        from assistant.coach import Coach

        return Coach
    raise AttributeError(name)

"""One place that turns on logging for the command line and the servers.

Every module logs to ``logging.getLogger(__name__)``; this attaches one stderr handler to the
project's top-level packages, at the level ``COACH_LOG_LEVEL`` or ``-v`` asks for.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

PACKAGES = ("assistant", "evals", "ui")
LEVELS = {0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


class LogLevelError(ValueError):
    """COACH_LOG_LEVEL names no level."""


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (a test runner swaps it per command)."""

    @property
    def stream(self) -> TextIO:  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def level_from(verbosity: int) -> int:
    """``-v`` counts win over ``COACH_LOG_LEVEL``; neither means WARNING."""
    if verbosity:
        return LEVELS[min(verbosity, 2)]
    name = os.environ.get("COACH_LOG_LEVEL", "WARNING").upper()
    level = logging.getLevelName(name)  # the number for a known name
    if not isinstance(level, int):
        raise LogLevelError(
            f"COACH_LOG_LEVEL={name} is not a log level; use DEBUG, INFO, WARNING or ERROR."
        )
    return level


def configure(level: int) -> None:
    """Send the project's log records at ``level`` and above to stderr (once per process)."""
    for package in PACKAGES:
        logger = logging.getLogger(package)
        logger.setLevel(level)
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            logger.addHandler(handler)

"""Text that can be stored and sent: no unpaired UTF-16 surrogate.

JSON allows an escape like ``"\\ud800"`` without its other half, and Linux hands undecodable
command-line bytes to Python as surrogates. Such a string is not text: UTF-8 cannot encode it, so
the database, a JSON response or a terminal fails on it. It is refused where it comes in, with a
clear message, rather than replaced: what is stored or answered is exactly what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.errors import InputError

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_text(text: str, what: str) -> str:
    """``text`` unchanged, or an InputError naming ``what`` and where its surrogate is."""
    found = _SURROGATE.search(text)
    if found is None:
        return text
    raise InputError(
        f"{what} has an unpaired surrogate (\\u{ord(found.group()):04x}) at character "
        f"{found.start() + 1}, which is not text.",
        "Send valid Unicode (UTF-8): a JSON \\ud800-style escape needs both halves of its pair.",
    )


def check_texts(values: Iterable[object], what: str) -> None:
    """Refuse the first string among ``values`` that is not text (other values are ignored)."""
    for value in values:
        if isinstance(value, str):
            check_text(value, what)


def printable(text: str) -> str:
    """``text`` with any surrogate shown as U+FFFD, for a message that quotes what was sent."""
    return _SURROGATE.sub("\ufffd", text)

"""Whether the text to send borrows from the guides: a run of words it shares with them.

The guides' example sentences are about someone else's situation; sent as the person's own
words they would be untrue, so a draft keeps them in its basis. A shared run of ``RUN_WORDS``
words is far longer than common phrases ("in the next session") and shorter than any
sentence worth quoting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

RUN_WORDS = 7
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Runs stop at a placeholder (the person fills it in) and at the end of a sentence.
_BREAK = re.compile(r"\{[^{}]*\}|[.!?]+(?:\s|$)|\n")


def _runs(text: str, size: int) -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for piece in _BREAK.split(text.lower().replace("’", "'")):
        words = _WORD.findall(piece)
        runs |= {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}
    return runs


class Borrowed:
    """The runs of words of some source texts, to find them again in a draft."""

    def __init__(self, sources: Iterable[str], size: int = RUN_WORDS) -> None:
        self.size = size
        self.runs: set[tuple[str, ...]] = set()
        for source in sources:
            self.runs |= _runs(source, size)

    def found_in(self, text: str, given: Iterable[str] = ()) -> list[str]:
        """The runs of ``text`` that a source has, each as words, except those of what the
        person ``given`` (their own words may match an example of the guides)."""
        theirs = set().union(*(_runs(words, self.size) for words in given))
        return sorted(" ".join(run) for run in (_runs(text, self.size) & self.runs) - theirs)

"""Does a question use the program's own words? ("What is the Buddy Board?", "Who is Marisol?")

A program's handbook names things no built-in guide has heard of: its boards, its people, its
codes. The safety classifier, trained on mentoring in general, calls such a question off-topic,
and the search weighs it against guides that never mention the name. A word of the question
that only the user's documents contain (found by the lexical index, exactly) is the program's
own; the sections holding every such word of the question are what it asks about, and it is
answered from them, never refused.
"""

from __future__ import annotations

import re

from assistant.index.lexical import LexicalIndex, tokenize
from assistant.models import RetrievedChunk

# A word found in this many passages or more is common, not a program's name for something.
PROBE = 40
# A section answers a question in the program's words when it holds this share of the
# question's words, each program word counting twice: "What is the Buddy Board?" (1.0) and "Tell
# me about the Buddy Board and how to sign up" (0.6) are about it; a trip to "Lisbon", where
# the handbook only names the Lisbon office, is not (0.3).
MIN_COVERAGE = 0.6
# Words remembered per index (a question's words are mostly words seen before).
MAX_REMEMBERED = 20_000
_WORD = re.compile(r"\w+")


class ProgramTerms:
    """Finds the sections of the user's documents that a question names, over one index."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self.lexical = lexical
        self._tokens: dict[tuple[frozenset[str], str], str | None] = {}

    def sections_naming(self, question: str, own: frozenset[str]) -> list[RetrievedChunk]:
        """The sections of the user's documents (ids in ``own``) that a question in their own
        words is about: each holds every word of the question found only in those documents,
        and covers the question (``coverage``); best covered first. None when the question has
        no such word."""
        if not own:
            return []
        words = set(_WORD.findall(question.lower()))
        program = {t for word in words if (t := self._program_token(own, word))}
        if not program:
            return []
        asked = set(tokenize([question])[0])
        found = [
            (coverage(asked, program, _tokens(section)), section)
            for section in self.lexical.search(" ".join(sorted(program)), PROBE)
            if section.doc_id in own
        ]
        return [
            section
            for covered, section in sorted(found, key=lambda pair: -pair[0])
            if covered >= MIN_COVERAGE and program <= _tokens(section)
        ]

    def _program_token(self, own: frozenset[str], word: str) -> str | None:
        """The index token of ``word`` if only the documents ``own`` contain it (a new
        document changes ``own``, so nothing stale is remembered for it)."""
        key = (own, word)
        if key not in self._tokens:
            if len(self._tokens) >= MAX_REMEMBERED:
                self._tokens.clear()
            tokens = tokenize([word])[0]
            found = self.lexical.search(word, PROBE) if tokens else []
            program = found and len(found) < PROBE and all(c.doc_id in own for c in found)
            self._tokens[key] = tokens[0] if program else None
        return self._tokens[key]


def coverage(asked: set[str], program: set[str], held: set[str]) -> float:
    """The share of the question's words (``asked``) that a section holds (``held``), each of
    the program's own words weighing twice."""
    weight = len(asked) + len(program & asked)
    found = len(asked & held) + len(program & asked & held)
    return found / weight if weight else 0.0


def _tokens(section: RetrievedChunk) -> set[str]:
    return set(tokenize([f"{section.heading_path}\n\n{section.text}"])[0])

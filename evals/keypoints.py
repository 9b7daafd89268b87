"""Key-point coverage: which of a case's key points an answer makes.

A key point is a list of alternative case-insensitive regexes; it is covered when any alternative
matches the answer. Optionally (given a scorer: ``coach eval --semantic-key-points``) a point also
counts as covered when a readable form of one alternative (see ``describe``) has cosine similarity
of at least ``KEY_POINT_SIMILARITY`` with a sentence of the answer. The threshold is conservative:
in ``tests/test_eval_metrics.py`` "tell the program lead" matches "Then talk to your program lead."
(0.74) while "report it to the program lead" (0.65) and unrelated points (< 0.3) do not; short
phrases embed loosely, and a false "covered" would hide a gap.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from evals.dataset import compile_key_point
from evals.support import SupportScorer, split_sentences

KEY_POINT_SIMILARITY = 0.7

_READABLE = [  # (regex syntax, readable replacement), applied in order
    (re.compile(r"\((?:\?:)?([^()|]*)\|[^()]*\)"), r"\1"),  # (a|b) -> a
    (re.compile(r"\\s[+*?]?|\\W[+*?]?"), " "),
    (re.compile(r"\.(?:\{[\d,]*\}|[*+])\??"), " … "),  # .{0,40} .* .+
    (re.compile(r"\\[wd][+*?]?"), "…"),  # prioriti\w* -> prioriti…
    (re.compile(r"\[([^\]])[^\]]*\]"), r"\1"),  # organi[sz]ation -> organisation
    (re.compile(r"\\[bBAZ]|\(\?(?:[a-z]+\)|:)|[\\^$()?*+{}\[\]|]"), ""),
]


class Coverage(BaseModel):
    """Key points an answer covers and misses, by their readable description."""

    found: list[str]
    missing: list[str]

    @property
    def share(self) -> float | None:
        total = len(self.found) + len(self.missing)
        return len(self.found) / total if total else None


def describe(alternatives: list[str]) -> str:
    """A readable label for a key point: its alternatives with regex syntax removed."""
    labels = []
    for pattern in alternatives:
        text = pattern
        for syntax, readable in _READABLE:
            text = syntax.sub(readable, text)
        text = " ".join(text.split())
        if text and text not in labels:
            labels.append(text)
    return " / ".join(labels)


def regex_covered(text: str, alternatives: list[str]) -> bool:
    return any(p.search(text) for p in compile_key_point(alternatives))


def coverage(
    text: str, key_points: list[list[str]], scorer: SupportScorer | None = None
) -> Coverage:
    """Which key points ``text`` covers (regex; plus embedding similarity when given a scorer)."""
    sentences = [s.text for s in split_sentences(text)] if scorer else []
    found: list[str] = []
    missing: list[str] = []
    for alternatives in key_points:
        covered = regex_covered(text, alternatives)
        if not covered and scorer is not None and sentences:
            phrases = describe(alternatives).split(" / ")
            covered = scorer.similarity(phrases, sentences).max() >= KEY_POINT_SIMILARITY
        (found if covered else missing).append(describe(alternatives))
    return Coverage(found=found, missing=missing)

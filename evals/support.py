"""Does a passage support a sentence? Sentence splitting and support scoring without an LLM.

A sentence is *supported* by a passage when either

- lexical overlap: at least ``LEXICAL_MIN`` of the sentence's content words (stemmed, stop words
  removed) occur in the passage — catches quoted and lightly edited sentences; or
- semantic similarity: its cosine similarity (all-MiniLM-L6-v2, unit vectors) to the closest
  sentence of the passage is at least ``SEMANTIC_MIN`` — catches paraphrases.

Both thresholds were calibrated on the labelled (sentence, passage, supported?) examples in
``tests/test_eval_support.py``: every labelled example must be classified correctly. Lines ending
with a colon (list intros such as "Here is what helps:") and sentences with fewer than
``MIN_CLAIM_WORDS`` content words are not claims and are not scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from assistant.index.lexical import tokenize
from evals.metrics import share

LEXICAL_MIN = 0.75
SEMANTIC_MIN = 0.72
MIN_CLAIM_WORDS = 3

CITATION_MARK = re.compile(r"\[(\d+)\]")
_MARKS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')]*\s+(?=[\"“(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^(?:[-*+•]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"[*_`]+")

Encoder = Callable[[list[str]], np.ndarray]


class Sentence(BaseModel):
    """One sentence of a text, without its citation markers, and the numbers it cites."""

    text: str
    citations: list[int]


class Support(BaseModel):
    """How well one passage supports one sentence."""

    overlap: float
    similarity: float

    @property
    def supported(self) -> bool:
        return self.overlap >= LEXICAL_MIN or self.similarity >= SEMANTIC_MIN


def split_sentences(text: str) -> list[Sentence]:
    """Sentences and bullets in order; headings, table rows and list intros (ending ':') dropped.

    A citation marker placed after the full stop ("Do X. [1]") belongs to the sentence before it.
    """
    sentences: list[Sentence] = []
    for raw in text.splitlines():
        line = _EMPHASIS.sub("", _BULLET.sub("", raw.strip()))
        if not line or line.startswith(("#", "|")):
            continue
        for piece in _SENTENCE_END.split(_MARKS_AFTER_STOP.sub(r"\2\1", line)):
            plain = " ".join(CITATION_MARK.sub("", piece).split())
            plain = re.sub(r"\s+([.,;:!?])", r"\1", plain)
            if plain and not plain.endswith(":"):
                numbers = [int(n) for n in CITATION_MARK.findall(piece)]
                sentences.append(Sentence(text=plain, citations=list(dict.fromkeys(numbers))))
    return sentences


def content_words(texts: Sequence[str]) -> list[set[str]]:
    """Stemmed, stop-word-free tokens of each text (the lexical index's tokenizer)."""
    return [set(tokens) for tokens in tokenize(list(texts))] if texts else []


def is_claim(words: set[str]) -> bool:
    return len(words) >= MIN_CLAIM_WORDS


class SupportScorer:
    """Scores sentences against passages; caches embeddings, so passages are embedded once."""

    def __init__(self, encode: Encoder) -> None:
        self._encode = encode
        self._vectors: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit embeddings of the texts (rows), computing only the ones not seen before."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self._encode(missing), strict=True))
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 0))

    def similarity(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray:
        """Cosine similarity matrix, rows = left texts, columns = right texts."""
        if not left or not right:
            return np.zeros((len(left), len(right)))
        return self.vectors(left) @ self.vectors(right).T

    def score(self, sentences: Sequence[str], passages: Sequence[str]) -> list[list[Support]]:
        """Support of every sentence (rows) by every passage (columns)."""
        words = content_words(sentences)
        passage_words = content_words(passages)
        rows: list[list[Support]] = [[] for _ in sentences]
        for passage, p_words in zip(passages, passage_words, strict=True):
            units = [s.text for s in split_sentences(passage)] or [passage]
            closest = self.similarity(sentences, units).max(axis=1, initial=-1.0)
            for row, s_words, sim in zip(rows, words, closest, strict=True):
                overlap = len(s_words & p_words) / len(s_words) if s_words else 0.0
                row.append(Support(overlap=overlap, similarity=float(sim)))
        return rows


class SentenceCheck(BaseModel):
    """One claim of an answer: is it supported, by which passage, and are its citations right."""

    text: str
    supported: bool
    best_passage: int | None = None
    citations: dict[int, bool] = Field(default_factory=dict)


class Grounding(BaseModel):
    """Per-claim support of an answer by its passages."""

    claims: list[SentenceCheck]

    @property
    def groundedness(self) -> float | None:
        """Share of claims supported by at least one cited or retrieved passage."""
        return share([claim.supported for claim in self.claims])

    @property
    def citation_precision(self) -> float | None:
        """Share of (claim, citation) pairs whose cited passage supports the claim."""
        return share([ok for claim in self.claims for ok in claim.citations.values()])

    @property
    def unsupported(self) -> list[str]:
        return [claim.text for claim in self.claims if not claim.supported]


def check_grounding(
    scorer: SupportScorer, text: str, passages: Sequence[str], cited: dict[int, str]
) -> Grounding:
    """Check every claim of ``text`` against ``passages`` and its ``[n]`` against ``cited[n]``.

    A marker with no cited passage counts as a wrong citation.
    """
    pool = list(dict.fromkeys([*passages, *cited.values()]))
    sentences = split_sentences(text)
    words = content_words([s.text for s in sentences])
    claims = [s for s, w in zip(sentences, words, strict=True) if is_claim(w)]
    matrix = scorer.score([c.text for c in claims], pool)
    checks = []
    for claim, row in zip(claims, matrix, strict=True):
        supported = [i for i, support in enumerate(row) if support.supported]
        checks.append(
            SentenceCheck(
                text=claim.text,
                supported=bool(supported),
                best_passage=max(
                    supported, key=lambda i: row[i].similarity + row[i].overlap, default=None
                ),
                citations={
                    n: n in cited and row[pool.index(cited[n])].supported for n in claim.citations
                },
            )
        )
    return Grounding(claims=checks)

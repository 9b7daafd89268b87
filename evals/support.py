"""Does a passage support a sentence? Sentence splitting and support scoring without an LLM.

Two measures per (sentence, passage) pair:

- lexical overlap: the share of the sentence's content words (stemmed, stop words removed) that
  occur in the passage — high for quoted and lightly edited sentences;
- semantic similarity: the cosine similarity (all-MiniLM-L6-v2 unit vectors) of the sentence to
  the passage's closest sentence — high for paraphrases.

The passage supports the sentence when overlap >= ``LEXICAL_MIN``, or similarity >=
``SEMANTIC_MIN``, or overlap + similarity >= ``BLEND_MIN`` (a partial paraphrase). The thresholds
were calibrated on the labelled (sentence, passage, supported?) examples in
``tests/test_eval_support.py``, every one of which they classify correctly, each unsupported one at
least 0.05 below every threshold (at most 0.43 overlap, 0.66 similarity, 1.06 combined). Known
limits (tested as such): a paraphrase sharing few words can be missed, and a sentence that reuses a
passage's words to say something different can pass; the optional LLM judge covers the latter.

Lines ending with a colon (list intros such as "Here is what helps:") and sentences with fewer than
``MIN_CLAIM_WORDS`` content words are not claims and are not scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from assistant.generation.citations import CITATION_MARK
from assistant.index.lexical import tokenize
from assistant.text.sentences import split_into_sentences
from evals.metrics import share

LEXICAL_MIN = 0.65
SEMANTIC_MIN = 0.75
BLEND_MIN = 1.15
MIN_CLAIM_WORDS = 3

_MARKS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
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
        return (
            self.overlap >= LEXICAL_MIN
            or self.similarity >= SEMANTIC_MIN
            or self.overlap + self.similarity >= BLEND_MIN
        )


def split_sentences(text: str) -> list[Sentence]:
    """Sentences and bullets in order; headings, table rows and list intros (ending ':') dropped.

    A citation marker placed after the full stop ("Do X. [1]") belongs to the sentence before it.
    Sentence boundaries are the composer's (``assistant.text.sentences``), so a sentence the
    composer quotes is one claim here.
    """
    sentences: list[Sentence] = []
    for raw in text.splitlines():
        line = _EMPHASIS.sub("", _BULLET.sub("", raw.strip()))
        if not line or line.startswith(("#", "|")):
            continue
        for piece in split_into_sentences(_MARKS_AFTER_STOP.sub(r"\2\1", line)):
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
    """Embeds texts for support checks; caches vectors, so each passage is embedded once."""

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

    def table(self, sentences: Sequence[str], passages: Sequence[str]) -> SupportTable:
        return SupportTable(self, sentences, passages)

    def support(self, sentence: str, passage: str) -> Support:
        """Both measures for one pair (for calibration and explanations)."""
        table = self.table([sentence], [passage])
        return Support(overlap=float(table.overlap[0, 0]), similarity=table.similarity(0, 0))


class SupportTable:
    """Support of sentences (rows) by passages (columns).

    Overlaps are computed up front; similarities only for pairs that need them (a pair with enough
    overlap is supported whatever its similarity), one passage column at a time.
    """

    def __init__(self, scorer: SupportScorer, sentences: Sequence[str], passages: Sequence[str]):
        self._scorer = scorer
        self._sentences = list(sentences)
        self._passages = list(passages)
        self._columns: dict[int, np.ndarray] = {}
        words, passage_words = content_words(sentences), content_words(passages)
        self.overlap = np.array(
            [[len(s & p) / len(s) if s else 0.0 for p in passage_words] for s in words]
        ).reshape(len(words), len(passage_words))

    def similarity(self, i: int, j: int) -> float:
        """Cosine similarity of sentence i to the closest sentence of passage j."""
        if j not in self._columns:
            units = [s.text for s in split_sentences(self._passages[j])] or [self._passages[j]]
            self._columns[j] = self._scorer.similarity(self._sentences, units).max(axis=1)
        return float(self._columns[j][i])

    def supports(self, i: int, j: int) -> bool:
        overlap = float(self.overlap[i, j])
        return (
            overlap >= LEXICAL_MIN
            or Support(overlap=overlap, similarity=self.similarity(i, j)).supported
        )

    def supported(self, i: int) -> bool:
        """Whether any passage supports sentence i (checked lexically first)."""
        return bool((self.overlap[i] >= LEXICAL_MIN).any()) or any(
            self.supports(i, j) for j in range(len(self._passages))
        )


class SentenceCheck(BaseModel):
    """One claim of an answer: is it supported, and does each passage it cites support it."""

    text: str
    supported: bool
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


def claims_of(text: str) -> list[Sentence]:
    """The sentences of ``text`` that make a claim (enough content words to check)."""
    sentences = split_sentences(text)
    words = content_words([s.text for s in sentences])
    return [s for s, w in zip(sentences, words, strict=True) if is_claim(w)]


def check_grounding(
    scorer: SupportScorer, text: str, passages: Sequence[str], cited: dict[int, str]
) -> Grounding:
    """Check every claim of ``text`` against ``passages`` and its ``[n]`` against ``cited[n]``.

    A marker with no cited passage counts as a wrong citation.
    """
    pool = list(dict.fromkeys([*passages, *cited.values()]))
    claims = claims_of(text)
    table = scorer.table([c.text for c in claims], pool)
    return Grounding(
        claims=[
            SentenceCheck(
                text=claim.text,
                supported=table.supported(i),
                citations={
                    n: n in cited and table.supports(i, pool.index(cited[n]))
                    for n in claim.citations
                },
            )
            for i, claim in enumerate(claims)
        ]
    )

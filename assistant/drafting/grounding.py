"""Grounding for drafts: best-practice sentences and questions taken from retrieved passages.

A draft asks for each of its parts (an agenda block, a message paragraph, an agreement section)
with a targeted query. The grounder retrieves passages for it, scores their sentence units with
the composer's relevance, picks non-redundant ones by maximal marginal relevance and numbers the
passages they came from in one CitationBook, so every sentence carries a ``[n]`` that resolves.
A unit is used at most once per draft, so parts do not repeat each other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.drafting.models import DraftPart
from assistant.generation.citations import CitationBook
from assistant.generation.composer import LEAD_IN, Composer, mmr
from assistant.index.sentences import Unit
from assistant.models import Citation, RetrievedChunk
from assistant.retrieval import RetrievalOptions

if TYPE_CHECKING:
    from assistant.config import RetrievalMode
    from assistant.index.sentences import SentenceStore
    from assistant.retrieval import HybridRetriever

_QUOTED_QUESTION = re.compile(r"[\"“]([^\"”]{8,200}\?)[\"”]")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_FIRST_PERSON = re.compile(r"\b(I|I'm|I'd|I've|I'll|me|my|we|we'll|we've|let's|our|us)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”')*]*$")
_SPEAKS_TO = {  # phrases that show a sentence is written for the other party
    "mentor": re.compile(r"^\W*(mentee|program lead)s?\b\W|\byour mentor\b", re.I),
    "mentee": re.compile(r"^\W*(mentor|program lead)s?\b\W|\byour mentee\b", re.I),
}
_TIMING = re.compile(r"\(\d+(?:[-–]\d+)? min")
_QUOTES = re.compile(r"[\"“”]")
Extractor = Callable[[str], str | None]


def quoted_question(text: str) -> str | None:
    """The first question quoted in a unit: an example of what to ask."""
    match = _QUOTED_QUESTION.search(text)
    return match.group(1).strip() if match else None


def advice(text: str) -> str | None:
    """The unit when it reads as guidance: a full sentence in the guide's own voice, not part
    of an example message, a question or a dated reminder (quoted examples inside are fine)."""
    own_words = _QUOTED.sub("", text)
    is_guidance = (
        _SENTENCE_END.search(text)
        and not text.startswith((">", '"', "“"))
        and "?" not in own_words
        and not _QUOTES.search(own_words)
        and not _FIRST_PERSON.search(own_words)
        and not LEAD_IN.match(text)
        and not _TIMING.search(text)
        and 5 <= len(text.split()) <= 50
    )
    return text if is_guidance else None


@dataclass
class Found:
    """Passages retrieved for one part of a draft."""

    query: str
    chunks: list[RetrievedChunk]
    vector: np.ndarray


class Grounder:
    """Finds cited best practice for the parts of one draft."""

    def __init__(
        self,
        retriever: HybridRetriever,
        sentences: SentenceStore,
        mode: RetrievalMode,
        role: str | None = None,
        k: int = 4,
        spread: float = 0.15,
    ) -> None:
        self.retriever = retriever
        self.sentences = sentences
        self.composer = Composer(self.sentences, self.retriever.vectors)
        # Draft queries name a topic ("goals: find a sponsor"); example questions model how
        # people ask about their situation, so they do not route these.
        self.options = RetrievalOptions(
            mode=mode,
            k=k,
            role=role,
            exclude_topics=frozenset({"safety"}),
            question_weight=0.0,
        )
        self.role = role
        self.spread = spread  # picks score within this of the best candidate
        self.book = CitationBook()
        self._used: set[str] = set()
        self._quotes: dict[str, list[str]] = defaultdict(list)

    @property
    def citations(self) -> list[Citation]:
        return self.book.citations

    def search(self, query: str) -> Found:
        found = self.retriever.retrieve(query, self.options)
        return Found(query, found.chunks, np.asarray(found.query_vector, dtype=np.float32))

    def advice(self, found: Found, count: int = 1) -> list[str]:
        """Up to ``count`` best-practice sentences from the passages, each ending in ``[n]``."""
        return self._pick_focused(found, count, advice)

    def questions(self, found: Found, count: int = 2) -> list[str]:
        """Up to ``count`` example questions quoted in the passages, each ending in ``[n]``."""
        return self._pick_focused(found, count, quoted_question)

    def part(self, label: str, text: str, query: str | None) -> DraftPart:
        """A part of a message with the best practice it follows (none when no query)."""
        return DraftPart(
            label=label, text=text, basis=self.advice(self.search(query)) if query else []
        )

    def quoted(self) -> list[str]:
        """Every sentence this draft took from the passages."""
        return [text for quotes in self._quotes.values() for text in quotes]

    def cited_passages(self) -> list[str]:
        """The cited passages as '[n] Title > Section: the sentences used', in citation order."""
        return [
            f"[{c.n}] {c.heading_path}: " + " ".join(self._quotes[c.chunk_id])
            for c in self.book.citations
        ]

    def _for_me(self, text: str) -> bool:
        """False for advice written for the other party ('Mentors, ...' for a mentee)."""
        other_side = _SPEAKS_TO.get(self.role or "")
        return not (other_side and other_side.search(text))

    def _pick_focused(self, found: Found, count: int, extract: Extractor) -> list[str]:
        """Picks from the two best passages when they have any, else from all of them: a
        sentence out of a weaker passage is more often off the point than missing."""
        best = Found(found.query, found.chunks[:2], found.vector)
        return self._pick(best, count, extract) or self._pick(found, count, extract)

    def _pick(self, found: Found, count: int, extract: Extractor) -> list[str]:
        by_id = {chunk.id: chunk for chunk in found.chunks}
        used_texts = set(self.quoted())
        units: list[Unit] = []
        texts: list[str] = []
        for unit in self.sentences.units_for(list(by_id)):
            text = extract(unit.text)
            if text and unit.id not in self._used and text not in used_texts and self._for_me(text):
                units.append(unit)
                texts.append(text)
        if not units:
            return []
        similarity = {
            c.id: c.dense_score if c.dense_score is not None else 0.3 for c in by_id.values()
        }
        relevance = self.composer.relevance(found.query, found.vector, units, similarity)
        vectors = np.stack([u.vector for u in units])
        picked = []
        floor = float(relevance.max()) - self.spread
        for i in mmr(relevance, vectors, count, self.composer.diversity, floor):
            chunk = by_id[units[i].chunk_id]
            self._used.add(units[i].id)
            self._quotes[chunk.id].append(texts[i])
            picked.append(f"{texts[i]} [{self.book.cite(chunk)}]")
        return picked

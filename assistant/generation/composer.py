"""The offline composer: a short, cited answer built only from sentences of retrieved passages.

Sentences (and bullets) were embedded at ingest time. For a question, the composer scores the
sentences of the retrieved passages against the query, picks relevant, non-redundant ones by
maximal marginal relevance, and lays them out as: a framing line, 3-6 cited points, and a next
step for this week. Every point is quoted from a passage and cites it; nothing is invented.
"""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel

from assistant.generation.citations import CitationBook
from assistant.index.lexical import tokenize
from assistant.index.sentences import SentenceStore, Unit, plain
from assistant.index.vectorstore import VectorStore
from assistant.models import Citation, RetrievedChunk

ROLE_PHRASES = {
    "mentee": "for you as the mentee",
    "mentor": "for you as the mentor",
    "program-lead": "for you as a program lead",
}
_ACTION_CUE = re.compile(r"\b(this week|today|tomorrow|before your next|next session)\b", re.I)
_LEAD_IN = re.compile(r"^\W*(this week|today)\W*[:,.\u2014-]*\s*", re.I)


class Composition(BaseModel):
    """A composed reply and the passages it cites."""

    text: str
    citations: list[Citation]


def topic_phrase(title: str) -> str:
    """The title's core as a phrase: 'Restarting X (details)' -> 'restarting X'."""
    core = re.split(r"\s*[(:\u2014]", title, maxsplit=1)[0].strip()
    return core[:1].lower() + core[1:] if core[1:2].islower() else core


def mmr(
    relevance: np.ndarray, vectors: np.ndarray, count: int, diversity: float, floor: float
) -> list[int]:
    """Maximal marginal relevance: indices of relevant items that add something new."""
    chosen: list[int] = []
    candidates = [i for i in np.argsort(-relevance) if relevance[i] >= floor]
    while candidates and len(chosen) < count:
        if chosen:
            redundancy = (vectors[candidates] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        scores = (1 - diversity) * relevance[candidates] - diversity * redundancy
        best = candidates[int(np.argmax(scores))]
        chosen.append(best)
        candidates.remove(best)
    return chosen


class Composer:
    """Extractive, deterministic answer composition over the sentence store."""

    def __init__(
        self,
        sentences: SentenceStore,
        vectors: VectorStore,
        max_points: int = 5,
        min_points: int = 3,
        diversity: float = 0.3,
        floor: float = 0.3,
    ) -> None:
        self.sentences = sentences
        self.vectors = vectors
        self.max_points = max_points
        self.min_points = min_points
        self.diversity = diversity
        self.floor = floor

    def relevance(
        self, query: str, query_vector: np.ndarray, units: list[Unit], chunk_similarity: dict
    ) -> np.ndarray:
        """Blend of the sentence's and its passage's similarity to the query, plus shared terms."""
        if not units:
            return np.zeros(0)
        vectors = np.stack([u.vector for u in units])
        query_terms, *unit_terms = tokenize([query, *(plain(u.text) for u in units)])
        prior = np.asarray([chunk_similarity[u.chunk_id] for u in units])
        overlap = np.asarray([min(3, len(set(query_terms) & set(t))) for t in unit_terms])
        return 0.6 * (vectors @ query_vector) + 0.4 * prior + 0.03 * overlap

    def compose(
        self, query: str, role: str, chunks: list[RetrievedChunk], query_vector: list[float]
    ) -> Composition:
        """A framing line, cited points and a next step, from the given passages only."""
        q = np.asarray(query_vector, dtype=np.float32)
        by_id = {chunk.id: chunk for chunk in chunks}
        rank_of = {chunk.id: rank for rank, chunk in enumerate(chunks)}
        units = self.sentences.units_for(list(by_id))
        similarity = {c.id: c.dense_score if c.dense_score is not None else 0.3 for c in chunks}
        relevance = self.relevance(query, q, units, similarity)
        for i, unit in enumerate(units):  # "This week: ..." advice is kept for the next step
            if _LEAD_IN.match(unit.text):
                relevance[i] = -1.0
        vectors = np.stack([u.vector for u in units]) if units else np.zeros((0, len(q)))
        picked = mmr(relevance, vectors, self.max_points, self.diversity, self.floor)
        if len(picked) < self.min_points:
            picked = mmr(relevance, vectors, self.min_points, self.diversity, -0.5)
        picked.sort(key=lambda i: (rank_of[units[i].chunk_id], units[i].position))

        book = CitationBook()
        lead = by_id[units[picked[0]].chunk_id] if picked else chunks[0]
        lines = [
            f"Here is what mentorship best practice suggests {ROLE_PHRASES.get(role, '')} "
            f"on **{topic_phrase(lead.title)}**:".replace("  ", " "),
            "",
        ]
        for i in picked:
            lines.append(f"- {units[i].text} [{book.cite(by_id[units[i].chunk_id])}]")
        step = self._next_step(q, chunks, {units[i].id for i in picked})
        if step is not None:
            unit, chunk = step
            action = _LEAD_IN.sub("", unit.text)
            action = action[:1].upper() + action[1:]
            lines += ["", f"**Next step this week:** {action} [{book.cite(chunk)}]"]
        return Composition(text="\n".join(lines), citations=book.citations)

    def _next_step(
        self, q: np.ndarray, chunks: list[RetrievedChunk], used: set[str]
    ) -> tuple[Unit, RetrievedChunk] | None:
        """The most relevant concrete action from the leading documents' own advice."""
        doc_ids = list(dict.fromkeys(chunk.doc_id for chunk in chunks))[:2]
        units = [
            u
            for u in self.sentences.units_of_documents(doc_ids)
            if u.id not in used and _ACTION_CUE.search(u.text)
        ]
        if not units:
            return None
        best = max(units, key=lambda u: float(u.vector @ q))
        known = {chunk.id: chunk for chunk in chunks}
        if best.chunk_id in known:
            return best, known[best.chunk_id]
        stored = self.vectors.get([best.chunk_id])
        if not stored:
            return None
        chunk = RetrievedChunk(
            **stored[0].model_dump(include=set(RetrievedChunk.model_fields)), score=0.0
        )
        return best, chunk

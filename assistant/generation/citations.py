"""Numbered citations: ``[n]`` markers in generated text and the passages they point to."""

from __future__ import annotations

import re

from assistant.models import Citation, RetrievedChunk

CITATION_MARK = re.compile(r"\[(\d+)\]")


def snippet(text: str, limit: int = 280) -> str:
    """A one-paragraph preview of a passage."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def to_citation(n: int, chunk: RetrievedChunk, quote: str | None = None) -> Citation:
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        title=chunk.title,
        section=chunk.section,
        source=chunk.source,
        snippet=snippet(quote or chunk.text),
        chunk_id=chunk.id,
    )


class CitationBook:
    """Hands out citation numbers to passages in order of first use."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self.citations: list[Citation] = []

    def cite(self, chunk: RetrievedChunk) -> int:
        """The number for this passage (a new one the first time it is cited)."""
        if chunk.id not in self._numbers:
            self._numbers[chunk.id] = len(self.citations) + 1
            self.citations.append(to_citation(self._numbers[chunk.id], chunk))
        return self._numbers[chunk.id]


def validate_citations(text: str, passages: list[RetrievedChunk]) -> tuple[str, list[Citation]]:
    """Keep only ``[n]`` markers that point at a numbered passage; renumber them 1..m in order.

    ``passages[i]`` is passage ``i + 1`` as it was shown to the model.
    """
    mapping: dict[int, int] = {}
    citations: list[Citation] = []

    def renumber(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(passages):
            return ""
        if n not in mapping:
            mapping[n] = len(citations) + 1
            citations.append(to_citation(mapping[n], passages[n - 1]))
        return f"[{mapping[n]}]"

    cleaned = CITATION_MARK.sub(renumber, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned))
    return cleaned.strip(), citations

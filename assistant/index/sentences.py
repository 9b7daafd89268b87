"""Sentence-level units of each chunk, embedded at ingest time for extractive answer composition.

A chunk's units (its sentences and bullets) and their vectors are kept in the chunk's own metadata
in the vector store: reading the units of a few chunks is one lookup by id, whatever the size of
the index, and units are written and deleted with their chunk, never searched or deleted by filter.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from assistant.index.lexical import tokenize
from assistant.index.memo import Memo
from assistant.models import Chunk
from assistant.text.sentences import split_into_sentences

if TYPE_CHECKING:
    from assistant.index.embeddings import PackagedEmbeddings
    from assistant.index.vectorstore import VectorStore

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MIN_WORDS = 4
UNITS_KEY = "units"
UNIT_VECTORS_KEY = "unit_vectors"


class Unit(BaseModel):
    """One sentence or bullet of a chunk, with its embedding."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str
    chunk_id: str
    doc_id: str
    position: int
    chunk_position: int = 0
    text: str
    vector: np.ndarray


def split_units(text: str) -> list[str]:
    """Bullets and sentences of a passage, in order; list intros ending in ':' are dropped.

    A bullet is one unit; other lines are split by the shared sentence rule
    (``assistant.text.sentences``), the one the evaluator's claims are split by.
    """
    units: list[str] = []
    in_code = False
    for raw_line in text.splitlines():
        if raw_line.strip().startswith("```"):
            in_code = not in_code
            continue
        line = raw_line.strip().lstrip(">").strip()
        if in_code or not line or line.startswith("|"):
            continue
        bullet = _BULLET.match(line)
        candidates = [_BULLET.sub("", line)] if bullet else split_into_sentences(line)
        for candidate in candidates:
            candidate = candidate.strip()
            if len(candidate.split()) >= _MIN_WORDS and not candidate.endswith(":"):
                units.append(candidate)
    return units


def plain(text: str) -> str:
    """Unit text without Markdown emphasis, for embedding and matching."""
    return re.sub(r"[*_`]+", "", text)


def unit_metadata(texts: list[str], vectors: np.ndarray) -> dict[str, str]:
    """A chunk's units as metadata values: the texts as JSON, the vectors as base64 float16
    (half the bytes of float32; cosine similarities move by less than 1e-3)."""
    packed = np.asarray(vectors, dtype=np.float16).tobytes()
    return {UNITS_KEY: json.dumps(texts), UNIT_VECTORS_KEY: base64.b64encode(packed).decode()}


def units_metadata(units: list[list[str]], vectors: np.ndarray) -> list[dict[str, str]]:
    """``unit_metadata`` for each chunk, from all their units' vectors in one array, in order."""
    if not units:
        return []
    bounds = np.cumsum([len(texts) for texts in units])[:-1]
    parts = np.split(np.asarray(vectors), bounds)
    return [unit_metadata(texts, part) for texts, part in zip(units, parts, strict=True)]


def units_from_metadata(chunk: Chunk, meta: dict) -> list[Unit] | None:
    """The units stored with a chunk, or None when it has none stored (an earlier release's)."""
    if UNITS_KEY not in meta or UNIT_VECTORS_KEY not in meta:
        return None
    texts = json.loads(str(meta[UNITS_KEY]))
    if not texts:
        return []
    raw = base64.b64decode(str(meta[UNIT_VECTORS_KEY]))
    vectors = np.frombuffer(raw, dtype=np.float16).reshape(len(texts), -1).astype(np.float32)
    return [
        Unit(
            id=f"{chunk.id}:{position}",
            chunk_id=chunk.id,
            doc_id=chunk.doc_id,
            position=position,
            chunk_position=chunk.position,
            text=text,
            vector=vector,
        )
        for position, (text, vector) in enumerate(zip(texts, vectors, strict=True))
    ]


class SentenceStore:
    """Reads the units stored with each chunk; units never change for a chunk id (a content
    hash), so they are cached per process."""

    def __init__(
        self,
        vectors: VectorStore,
        embeddings: PackagedEmbeddings,
        chunk_ids_of: Callable[[str], list[str]],
    ) -> None:
        self.vectors = vectors
        self.embeddings = embeddings
        self._chunk_ids_of = chunk_ids_of
        self._by_chunk: Memo[list[Unit]] = Memo(limit=20_000)
        self._terms: Memo[set[str]] = Memo(limit=150_000)

    def units_for(self, chunk_ids: list[str]) -> list[Unit]:
        """Units of these chunks, in the order of the chunks given, then in reading order."""
        wanted = list(dict.fromkeys(chunk_ids))
        found = {cid: self._by_chunk[cid] for cid in wanted if cid in self._by_chunk}
        missing = [cid for cid in wanted if cid not in found]
        if missing:
            unstored = []
            for chunk, meta in self.vectors.records(missing):
                units = units_from_metadata(chunk, meta)
                if units is None:
                    unstored.append(chunk)
                else:
                    found[chunk.id] = units
            found.update(self._store_units(unstored))
            self._by_chunk.update((cid, found[cid]) for cid in missing if cid in found)
        return [unit for cid in wanted for unit in found.get(cid, [])]

    def prefetch(self, doc_ids: list[str], chunk_ids: list[str]) -> None:
        """Read the units of these documents and chunks in one lookup (a composer needs them
        all; one read costs the same as each of several)."""
        self.units_for(self._document_chunk_ids(doc_ids) + chunk_ids)

    def units_of_documents(self, doc_ids: list[str]) -> list[Unit]:
        """Every unit of these documents, in reading order."""
        return self.units_for(self._document_chunk_ids(doc_ids))

    def _document_chunk_ids(self, doc_ids: list[str]) -> list[str]:
        return [cid for doc_id in doc_ids for cid in self._chunk_ids_of(doc_id)]

    def terms(self, units: list[Unit]) -> list[set[str]]:
        """Each unit's BM25 terms (tokenized once per process: answers reuse the same units)."""
        terms = {u.id: self._terms[u.id] for u in units if u.id in self._terms}
        new = [u for u in units if u.id not in terms]
        if new:
            for unit, tokens in zip(new, tokenize([plain(u.text) for u in new]), strict=True):
                terms[unit.id] = self._terms[unit.id] = set(tokens)
        return [terms[u.id] for u in units]

    def _store_units(self, chunks: list[Chunk]) -> dict[str, list[Unit]]:
        """Compute and store the units of chunks indexed before units were kept with them."""
        if not chunks:
            return {}
        texts = [split_units(chunk.text) for chunk in chunks]
        vectors = self.embeddings.encode([plain(t) for unit_texts in texts for t in unit_texts])
        metadatas = units_metadata(texts, vectors)
        self.vectors.annotate([chunk.id for chunk in chunks], metadatas)
        return {
            chunk.id: units_from_metadata(chunk, meta) or []
            for chunk, meta in zip(chunks, metadatas, strict=True)
        }

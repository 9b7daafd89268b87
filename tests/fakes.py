"""Stand-ins for the unit tier: a deterministic embedder and in-memory search indexes.

``FakeEmbeddings`` hashes the words of a text into a fixed number of dimensions and normalises
the sum, so texts that share words are close and the same text always gets the same vector. It has
the methods the code calls on ``PackagedEmbeddings`` (``encode``, ``embed_documents``,
``embed_query``, ``texts_encoded``). Its similarities mean nothing semantically: a test whose
assertion rests on MiniLM's calibrated thresholds (relevance floors, the safety classifier,
support scoring, retrieval quality) belongs in the integration tier with the real model.

``FakeTools`` gives the drafts a grounder that "finds" a marked echo of each query, so a unit test
drafts with the offline composer: the text to send is the same as with the real index.
"""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

import numpy as np

from assistant.drafting.models import DraftPart
from assistant.models import Chunk, RetrievedChunk

DIMENSION = 384  # as all-MiniLM-L6-v2, so code that assumes its width accepts these vectors
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class FakeEmbeddings:
    """Bag-of-hashed-words vectors: unit-length float32, one row per text, deterministic."""

    def __init__(self, dimension: int = DIMENSION) -> None:
        self.dimension = dimension
        self.texts_encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in words(text) or [text]:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dimension
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:  # words whose signs cancel: still a unit vector, still deterministic
            digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dimension] = 1.0
            norm = 1.0
        return vector / norm

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(text) for text in texts])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


class MemoryVectors:
    """The vector store's ``search`` over a few chunks in memory (cosine, best first)."""

    def __init__(self, chunks: list[Chunk], embeddings: FakeEmbeddings) -> None:
        self.chunks = chunks
        self.matrix = embeddings.encode([chunk.indexed_text for chunk in chunks])

    def search(
        self, query_vector: list[float], k: int, doc_ids: frozenset[str] = frozenset()
    ) -> list[RetrievedChunk]:
        similarity = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        order = [
            i
            for i in np.argsort(-similarity, kind="stable")
            if not doc_ids or self.chunks[i].doc_id in doc_ids
        ][:k]
        return [
            self.chunks[i].retrieved(float(similarity[i]), dense_score=float(similarity[i]))
            for i in order
        ]


class MemoryLexical:
    """The lexical index's ``search``: chunks sharing words with the query, by shared words."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks

    def search(self, query: str, k: int) -> list[RetrievedChunk]:
        asked = set(words(query))
        scored = [
            (len(asked & set(words(chunk.indexed_text))), position, chunk)
            for position, chunk in enumerate(self.chunks)
        ]
        ranked = sorted((s for s in scored if s[0]), key=lambda s: (-s[0], s[1]))[:k]
        return [chunk.retrieved(float(n), lexical_score=float(n)) for n, _, chunk in ranked]


class FakeGrounder:
    """Stands in for retrieval: every query 'finds' a marked echo of itself."""

    citations: list = []

    def search(self, query: str) -> str:
        return query

    def advice(self, found: str, count: int = 1) -> list[str]:
        return [f"advice {n} on {found} [1]" for n in range(1, count + 1)]

    def questions(self, found: str, count: int = 2) -> list[str]:
        return [f"question {n} on {found}? [1]" for n in range(1, count + 1)]

    def part(self, label: str, text: str, query: str | None = None) -> DraftPart:
        return DraftPart(label=label, text=text, basis=self.advice(query) if query else [])

    def cited_passages(self) -> list[str]:
        return []

    def quoted(self) -> list[str]:
        return []


class FakeTools:
    """The composer's inputs without an index: drafts are written by the offline composer."""

    settings = SimpleNamespace(backend="composer")

    def grounder(self, role: str | None = None) -> FakeGrounder:
        return FakeGrounder()

"""Sentence-level units of each chunk, embedded at ingest time for extractive answer composition."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

from assistant.models import Chunk

if TYPE_CHECKING:
    from assistant.index.embeddings import PackagedEmbeddings

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”')]))\s+(?=[\"“(]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MIN_WORDS = 4


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
    """Bullets and sentences of a passage, in order; list intros ending in ':' are dropped."""
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
        candidates = (
            [_BULLET.sub("", line)] if bullet else join_open_quotes(_SENTENCE_END.split(line))
        )
        for candidate in candidates:
            candidate = candidate.strip()
            if len(candidate.split()) >= _MIN_WORDS and not candidate.endswith(":"):
                units.append(candidate)
    return units


def join_open_quotes(sentences: list[str]) -> list[str]:
    """Sentences split inside a quotation joined back, so a quoted example stays whole."""
    joined: list[str] = []
    for sentence in sentences:
        if joined and sum(joined[-1].count(mark) for mark in '"\u201c\u201d') % 2:
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


def plain(text: str) -> str:
    """Unit text without Markdown emphasis, for embedding and matching."""
    return re.sub(r"[*_`]+", "", text)


class SentenceStore:
    """Units in their own Chroma collection, keyed by chunk id, vectors computed once at ingest."""

    def __init__(self, client, collection: str, embeddings: PackagedEmbeddings) -> None:
        self._client = client
        self._name = collection
        self.embeddings = embeddings
        self._collection = client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        # Units never change for a chunk id (a content hash), so reads are cached per process.
        self._by_chunk: dict[str, list[Unit]] = {}
        self._by_document: dict[str, list[Unit]] = {}

    def upsert(self, chunks: list[Chunk]) -> None:
        ids, texts, metadatas = [], [], []
        for chunk in chunks:
            for position, unit in enumerate(split_units(chunk.text)):
                ids.append(f"{chunk.id}:{position}")
                texts.append(unit)
                metadatas.append(
                    {
                        "chunk_id": chunk.id,
                        "doc_id": chunk.doc_id,
                        "position": position,
                        "chunk_position": chunk.position,
                    }
                )
        self._by_document.clear()
        self.delete_chunks([chunk.id for chunk in chunks])  # a changed splitter leaves no strays
        if ids:
            vectors = self.embeddings.encode([plain(t) for t in texts])
            self._collection.upsert(
                ids=ids, documents=texts, metadatas=metadatas, embeddings=vectors
            )

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        self._by_document.clear()
        if chunk_ids:
            self._collection.delete(where={"chunk_id": {"$in": chunk_ids}})

    def units_for(self, chunk_ids: list[str]) -> list[Unit]:
        """Units of these chunks, in the order of the chunks given, then in reading order."""
        missing = [cid for cid in chunk_ids if cid not in self._by_chunk]
        if missing:
            for cid in missing:
                self._by_chunk[cid] = []
            for unit in self._get({"chunk_id": {"$in": missing}}):
                self._by_chunk[unit.chunk_id].append(unit)
        return [
            unit
            for cid in dict.fromkeys(chunk_ids)
            for unit in sorted(self._by_chunk[cid], key=lambda u: u.position)
        ]

    def units_of_documents(self, doc_ids: list[str]) -> list[Unit]:
        """Every unit of these documents."""
        for doc_id in doc_ids:
            if doc_id not in self._by_document:
                self._by_document[doc_id] = self._get({"doc_id": doc_id})
        return [unit for doc_id in doc_ids for unit in self._by_document[doc_id]]

    def _get(self, where: dict) -> list[Unit]:
        data = self._collection.get(where=where, include=["documents", "metadatas", "embeddings"])
        return [
            Unit(
                id=uid,
                chunk_id=str(meta["chunk_id"]),
                doc_id=str(meta["doc_id"]),
                position=int(meta["position"]),
                chunk_position=int(meta.get("chunk_position", 0)),
                text=text,
                vector=np.asarray(vector, dtype=np.float32),
            )
            for uid, text, meta, vector in zip(
                data["ids"], data["documents"], data["metadatas"], data["embeddings"], strict=True
            )
        ]

    def reset(self) -> None:
        self._by_chunk.clear()
        self._by_document.clear()
        self._client.delete_collection(self._name)
        self._collection = self._client.get_or_create_collection(
            self._name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

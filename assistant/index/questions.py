"""Example questions per document ("doc2query"): route conversational questions to documents.

A document may list, in its front matter, questions that people ask and that it answers
(``questions:``). They are embedded at ingest into their own Chroma collection. At search time
the closest example question of each document scores the document: a user's situation, told in
their own words, is usually nearer to another user's question than to the guidance itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from assistant.index.embeddings import PackagedEmbeddings


class QuestionIndex:
    """Example questions in a Chroma collection, scored in memory (they are few)."""

    def __init__(self, client, collection: str, embeddings: PackagedEmbeddings) -> None:
        self.embeddings = embeddings
        self._collection = client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._doc_ids: np.ndarray | None = None
        self._vectors: np.ndarray | None = None

    def replace(self, documents: list[tuple[str, list[str], np.ndarray]], known: set[str]) -> None:
        """Store exactly these example questions, with their vectors, for each document (none
        removes them), in one write. Documents not in ``known`` are new: nothing to delete."""
        stale = sorted(known & {doc_id for doc_id, _, _ in documents})
        if stale:
            self._collection.delete(where={"doc_id": {"$in": stale}})
        rows = [
            (f"{doc_id}:{i}", question, doc_id, vector)
            for doc_id, questions, vectors in documents
            for i, (question, vector) in enumerate(zip(questions, vectors, strict=True))
        ]
        if rows:
            self._collection.upsert(
                ids=[row[0] for row in rows],
                documents=[row[1] for row in rows],
                metadatas=[{"doc_id": row[2]} for row in rows],
                embeddings=np.asarray([row[3] for row in rows], dtype=np.float32).tolist(),
            )
        self._doc_ids = self._vectors = None

    def doc_ids(self) -> set[str]:
        """The documents that have example questions stored (for consistency checks)."""
        return {str(m["doc_id"]) for m in self._collection.get(include=["metadatas"])["metadatas"]}

    def of_documents(self, doc_ids: list[str]) -> list[tuple[str, list[str], np.ndarray]]:
        """These documents' questions with their vectors, in ``replace``'s form."""
        if not doc_ids:
            return []
        data = self._collection.get(
            where={"doc_id": {"$in": doc_ids}}, include=["metadatas", "documents", "embeddings"]
        )
        grouped: dict[str, list[tuple[str, list[float]]]] = {}
        for meta, text, vector in zip(
            data["metadatas"], data["documents"], data["embeddings"], strict=True
        ):
            grouped.setdefault(str(meta["doc_id"]), []).append((text, vector))
        return [
            (doc_id, [t for t, _ in rows], np.asarray([v for _, v in rows], dtype=np.float32))
            for doc_id, rows in grouped.items()
        ]

    def delete_documents(self, doc_ids: list[str]) -> None:
        if doc_ids:
            self._collection.delete(where={"doc_id": {"$in": doc_ids}})
        self._doc_ids = self._vectors = None

    def document_scores(self, query_vector: list[float] | np.ndarray) -> dict[str, float]:
        """Each document's highest cosine similarity between the query and its questions."""
        if self._vectors is None or self._doc_ids is None:  # both are set (and reset) together
            data = self._collection.get(include=["metadatas", "embeddings"])
            self._doc_ids = np.asarray([str(m["doc_id"]) for m in data["metadatas"]])
            self._vectors = np.asarray(data["embeddings"], dtype=np.float32).reshape(
                len(self._doc_ids), 384
            )
        if not len(self._doc_ids):
            return {}
        similarity = self._vectors @ np.asarray(query_vector, dtype=np.float32)
        scores: dict[str, float] = {}
        for doc_id, value in zip(self._doc_ids.tolist(), similarity.tolist(), strict=True):
            scores[doc_id] = max(value, scores.get(doc_id, -1.0))
        return scores

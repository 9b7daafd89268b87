"""Dense vector store: Chroma, embedded on disk or as a server, always with our own embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.errors import IndexUnavailableError
from assistant.models import Chunk, RetrievedChunk

if TYPE_CHECKING:
    from pathlib import Path

    from langchain_chroma import Chroma

    from assistant.index.embeddings import PackagedEmbeddings


def _list_field(value: object) -> list[str]:
    return [item for item in str(value or "").split(",") if item]


def open_client(chroma_dir: Path, chroma_url: str | None):
    """A Chroma client: embedded on disk, or HTTP when a server URL is set (telemetry off)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not chroma_url:
        chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(chroma_dir), settings=settings)
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    if not url.hostname:
        raise IndexUnavailableError(
            f"COACH_CHROMA_URL='{chroma_url}' is not a URL.",
            "Use the form http://HOST:PORT, or unset it to use the embedded store.",
        )
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    except Exception as exc:  # chromadb raises bare ValueError/ConnectionError variants
        raise IndexUnavailableError(
            f"The Chroma server at COACH_CHROMA_URL={chroma_url} does not answer ({exc}).",
            "Start it with 'chroma run --path DIR --port PORT' or unset COACH_CHROMA_URL.",
        ) from exc


class VectorStore:
    """Chunks in a Chroma collection (cosine space), searched with the packaged embeddings."""

    def __init__(self, embeddings: PackagedEmbeddings, client, collection: str) -> None:
        from langchain_chroma import Chroma

        self.embeddings = embeddings
        self._store: Chroma = Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        # Ids are content hashes, so a passage read once never changes: answers re-read the same
        # sections all the time.
        self._passages: dict[str, RetrievedChunk] = {}

    def upsert(self, chunks: list[Chunk]) -> None:
        """Embed and store chunks (ids are content hashes, so this never duplicates)."""
        if not chunks:
            return
        self._store.add_texts(
            texts=[chunk.indexed_text for chunk in chunks],
            ids=[chunk.id for chunk in chunks],
            metadatas=[
                {
                    "doc_id": chunk.doc_id,
                    "title": chunk.title,
                    "section": chunk.section,
                    "source": chunk.source,
                    "position": chunk.position,
                    "audience": ",".join(chunk.audience),
                    "topics": ",".join(chunk.topics),
                }
                for chunk in chunks
            ],
        )

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._store.delete(ids=ids)
            for cid in ids:
                self._passages.pop(cid, None)

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids are already stored."""
        if not ids:
            return set()
        return set(self._store.get(ids=ids, include=[])["ids"])

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, e.g. to rebuild the lexical index."""
        return self.get([])

    def get(self, ids: list[str]) -> list[Chunk]:
        """These chunks (every chunk when ``ids`` is empty)."""
        data = self._store.get(
            ids=list(dict.fromkeys(ids)) or None, include=["documents", "metadatas"]
        )
        return [
            self._to_chunk(cid, text, meta)
            for cid, text, meta in zip(
                data["ids"], data["documents"], data["metadatas"], strict=True
            )
        ]

    def passages(self, ids: list[str]) -> list[RetrievedChunk]:
        """These chunks as unscored passages, in the order given (none when ``ids`` is empty)."""
        missing = [cid for cid in dict.fromkeys(ids) if cid not in self._passages]
        if missing:
            self._passages.update((chunk.id, chunk.retrieved()) for chunk in self.get(missing))
        return [self._passages[cid] for cid in dict.fromkeys(ids) if cid in self._passages]

    def count(self) -> int:
        return self._store._collection.count()

    def search(self, query_vector: list[float], k: int) -> list[RetrievedChunk]:
        """Nearest chunks by cosine similarity (score in [-1, 1], higher is closer)."""
        hits = self._store.similarity_search_by_vector_with_relevance_scores(query_vector, k=k)
        results = []
        for doc, distance in hits:
            chunk = self._to_chunk(doc.id or "", doc.page_content, doc.metadata)
            results.append(chunk.retrieved(1.0 - distance, dense_score=1.0 - distance))
        return results

    def reset(self) -> None:
        """Drop every chunk (used by reindex)."""
        self._store.reset_collection()
        self._passages.clear()

    @staticmethod
    def _to_chunk(cid: str, indexed_text: str, meta: dict) -> Chunk:
        body = indexed_text.split("\n\n", 1)[1] if "\n\n" in indexed_text else indexed_text
        return Chunk(
            id=cid,
            doc_id=str(meta.get("doc_id", "")),
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            source=str(meta.get("source", "")),
            text=body,
            position=int(meta.get("position", 0)),
            audience=_list_field(meta.get("audience")),
            topics=_list_field(meta.get("topics")),
        )

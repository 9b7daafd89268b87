"""Dense vector store: Chroma, embedded on disk or as a server, always with our own embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.errors import IndexUnavailableError
from assistant.index.memo import Memo
from assistant.models import Chunk, RetrievedChunk

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

    from assistant.index.embeddings import PackagedEmbeddings


def _list_field(value: object) -> list[str]:
    return [item for item in str(value or "").split(",") if item]


def _metadata(chunk: Chunk) -> dict:
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": chunk.section,
        "source": chunk.source,
        "position": chunk.position,
        "audience": ",".join(chunk.audience),
        "topics": ",".join(chunk.topics),
    }


def open_client(chroma_dir: Path, chroma_url: str | None):
    """A Chroma client: embedded on disk, or HTTP when a server URL is set (telemetry off)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not chroma_url:
        chroma_dir.mkdir(parents=True, exist_ok=True)
        _forget_cached_system(str(chroma_dir))
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


def _forget_cached_system(path: str) -> None:
    """Make the next embedded client load the store from disk.

    chromadb shares one in-memory system per path within a process, and that system's vector
    index never sees what other processes wrote: a client opened after another process's
    ingest would answer from (and write back) a stale copy. Removing the path from chromadb's
    cache (there is no public call for one path) gives the new client its own fresh system,
    while clients already open keep theirs until they are re-opened."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


def drop_collection(client, name: str) -> None:
    """Delete a collection if it exists."""
    if name in {getattr(c, "name", c) for c in client.list_collections()}:
        client.delete_collection(name)


class VectorStore:
    """Chunks in a Chroma collection (cosine space), always with our own vectors.

    The collection is used directly rather than through LangChain's Chroma wrapper: ingest
    writes vectors it computed for many files at once, in the client's largest batches (the
    wrapper embeds again, one call at a time), and importing the wrapper pulls in LangChain's
    tracing stack, about half a second of every cold `coach ask`.
    """

    def __init__(self, embeddings: PackagedEmbeddings, client, collection: str) -> None:
        self.embeddings = embeddings
        self._client = client
        self._name = collection
        self._open()
        # Ids are content hashes, so a passage read once never changes: answers re-read the same
        # sections all the time.
        self._passages: Memo[RetrievedChunk] = Memo(limit=20_000)

    def _open(self) -> None:
        self._collection = self._client.get_or_create_collection(
            self._name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    def _batches(self, items: list) -> list[list]:
        size = self._client.get_max_batch_size()
        return [items[start : start + size] for start in range(0, len(items), size)]

    def upsert(
        self, chunks: list[Chunk], vectors: np.ndarray, extra: list[dict] | None = None
    ) -> None:
        """Store chunks with their vectors and any extra metadata (ids are content hashes, so
        this never duplicates)."""
        rows = list(zip(chunks, vectors.tolist(), extra or [{}] * len(chunks), strict=True))
        for batch in self._batches(rows):
            self._collection.upsert(
                ids=[chunk.id for chunk, _, _ in batch],
                documents=[chunk.indexed_text for chunk, _, _ in batch],
                embeddings=[vector for _, vector, _ in batch],
                metadatas=[_metadata(chunk) | more for chunk, _, more in batch],
            )

    def annotate(self, ids: list[str], metadatas: list[dict]) -> None:
        """Add these metadata fields to stored chunks."""
        for batch in self._batches(list(zip(ids, metadatas, strict=True))):
            self._collection.update(ids=[i for i, _ in batch], metadatas=[m for _, m in batch])

    def delete(self, ids: list[str]) -> None:
        for batch in self._batches(ids):
            self._collection.delete(ids=batch)
        for cid in ids:
            self._passages.pop(cid, None)

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids are already stored."""
        found: set[str] = set()
        for batch in self._batches(list(dict.fromkeys(ids))):
            found.update(self._collection.get(ids=batch, include=[])["ids"])
        return found

    def all_ids(self) -> set[str]:
        """Every stored chunk id (for consistency checks)."""
        return set(self._collection.get(include=[])["ids"])

    def stored(self, ids: list[str]) -> dict[str, tuple[list[float], str, dict]]:
        """These chunks as stored: vector, indexed text and metadata, by id (a rebuild copies
        them instead of embedding unchanged chunks again)."""
        found: dict[str, tuple[list[float], str, dict]] = {}
        for batch in self._batches(list(dict.fromkeys(ids))):
            data = self._collection.get(ids=batch, include=["embeddings", "documents", "metadatas"])
            for cid, vector, text, meta in zip(
                data["ids"],
                data["embeddings"],
                data["documents"],
                data["metadatas"],
                strict=True,
            ):
                found[cid] = (list(vector), text, dict(meta or {}))
        return found

    def put_stored(self, records: dict[str, tuple[list[float], str, dict]]) -> None:
        """Write chunks exactly as ``stored`` returned them."""
        for batch in self._batches(list(records.items())):
            self._collection.upsert(
                ids=[cid for cid, _ in batch],
                embeddings=[record[0] for _, record in batch],
                documents=[record[1] for _, record in batch],
                metadatas=[record[2] for _, record in batch],
            )

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, e.g. to rebuild the lexical index."""
        return [chunk for chunk, _ in self._records(None)]

    def get(self, ids: list[str]) -> list[Chunk]:
        """These chunks (none when ``ids`` is empty)."""
        return [chunk for chunk, _ in self.records(ids)]

    def records(self, ids: list[str]) -> list[tuple[Chunk, dict]]:
        """These chunks with their stored metadata (none when ``ids`` is empty)."""
        return self._records(list(dict.fromkeys(ids))) if ids else []

    def _records(self, ids: list[str] | None) -> list[tuple[Chunk, dict]]:
        data = self._collection.get(ids=ids, include=["documents", "metadatas"])
        records = [
            (self._to_chunk(cid, text, meta or {}), meta or {})
            for cid, text, meta in zip(
                data["ids"], data["documents"], data["metadatas"], strict=True
            )
        ]
        if ids is not None:  # kept for `passages`: a chunk read once is often shown later
            self._passages.update((chunk.id, chunk.retrieved()) for chunk, _ in records)
        return records

    def passages(self, ids: list[str]) -> list[RetrievedChunk]:
        """These chunks as unscored passages, in the order given (none when ``ids`` is empty)."""
        missing = [cid for cid in dict.fromkeys(ids) if cid not in self._passages]
        if missing:
            self.records(missing)
        return [self._passages[cid] for cid in dict.fromkeys(ids) if cid in self._passages]

    def count(self) -> int:
        return self._collection.count()

    def search(
        self, query_vector: list[float], k: int, doc_ids: frozenset[str] = frozenset()
    ) -> list[RetrievedChunk]:
        """Nearest chunks by cosine similarity (score in [-1, 1], higher is closer), only of
        the documents ``doc_ids`` when given."""
        where = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids else None
        data = self._collection.query(
            query_embeddings=[list(query_vector)],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        results = []
        for cid, text, meta, distance in zip(
            data["ids"][0],
            data["documents"][0],
            data["metadatas"][0],
            data["distances"][0],
            strict=True,
        ):
            chunk = self._to_chunk(cid, text, meta or {})
            results.append(chunk.retrieved(1.0 - distance, dense_score=1.0 - distance))
        return results

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

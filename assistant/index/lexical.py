"""Lexical (BM25) index over the same chunks as the vector store, persisted with bm25s."""

from __future__ import annotations

import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.models import Chunk, RetrievedChunk

if TYPE_CHECKING:
    import bm25s

_IDS_FILE = "chunks.json"


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lowercase, stop-word-free, stemmed tokens (shared by indexing and querying)."""
    import bm25s

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


class LexicalIndex:
    """BM25 over chunk texts; rebuilt from the chunks on every write, loaded from disk on open."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._retriever: bm25s.BM25 | None = None
        self._chunks: list[Chunk] = []
        self._load()

    @property
    def chunk_ids(self) -> set[str]:
        return {chunk.id for chunk in self._chunks}

    def _load(self) -> None:
        ids_file = self.directory / _IDS_FILE
        if not ids_file.exists():
            return
        import bm25s

        try:
            self._chunks = [Chunk(**item) for item in json.loads(ids_file.read_text())]
            self._retriever = bm25s.BM25.load(str(self.directory), show_progress=False)
        except (OSError, ValueError):
            self._chunks, self._retriever = [], None  # stale or corrupt: caller rebuilds

    def rebuild(self, chunks: list[Chunk]) -> None:
        """Index exactly these chunks and save atomically (write aside, then swap)."""
        import bm25s

        self._chunks = list(chunks)
        self._retriever = None
        staging = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if chunks:
            retriever = bm25s.BM25()
            retriever.index(tokenize([c.indexed_text for c in chunks]), show_progress=False)
            retriever.save(str(staging), show_progress=False)
            self._retriever = retriever
        (staging / _IDS_FILE).write_text(json.dumps([c.model_dump() for c in chunks]))
        shutil.rmtree(self.directory, ignore_errors=True)
        staging.rename(self.directory)

    def search(self, query: str, k: int) -> list[RetrievedChunk]:
        """Top chunks by BM25 score; only chunks sharing at least one term with the query."""
        if self._retriever is None or not self._chunks:
            return []
        vocab = self._retriever.vocab_dict
        tokens = [token for token in tokenize([query])[0] if token in vocab]
        if not tokens:
            return []
        k = min(k, len(self._chunks))
        indices, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        results = []
        for index, score in zip(indices[0], scores[0], strict=True):
            if score <= 0:
                continue
            chunk = self._chunks[int(index)]
            results.append(chunk.retrieved(float(score), lexical_score=float(score)))
        return results

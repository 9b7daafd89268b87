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
# Each chunk's tokens, in the order of chunks.json: adding or removing a document re-indexes from
# them instead of reading every chunk back from the vector store and tokenizing it again.
_TOKENS_FILE = "tokens.json"


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
    """BM25 over chunk texts, loaded from disk on open; every write re-indexes from the stored
    tokens (only new chunks are tokenized) and is saved atomically."""

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

    def _stored_tokens(self) -> list[list[str]]:
        """The tokens of the indexed chunks (tokenized again if the file is missing or stale,
        e.g. an index written by an earlier release)."""
        try:
            tokens = json.loads((self.directory / _TOKENS_FILE).read_text())
            if isinstance(tokens, list) and len(tokens) == len(self._chunks):
                return tokens
        except (OSError, ValueError):
            pass
        return tokenize([c.indexed_text for c in self._chunks]) if self._chunks else []

    def rebuild(self, chunks: list[Chunk]) -> None:
        """Index exactly these chunks."""
        chunks = list(chunks)
        self._write(chunks, tokenize([c.indexed_text for c in chunks]) if chunks else [])

    def update(self, added: list[Chunk], removed: set[str]) -> None:
        """Remove the chunks with these ids and add those of ``added`` not indexed yet."""
        present = self.chunk_ids - removed
        new = [c for c in dict((c.id, c) for c in added).values() if c.id not in present]
        if not new and not removed & self.chunk_ids:
            return
        tokens = self._stored_tokens()
        keep = [i for i, chunk in enumerate(self._chunks) if chunk.id not in removed]
        self._write(
            [self._chunks[i] for i in keep] + new,
            [tokens[i] for i in keep] + (tokenize([c.indexed_text for c in new]) if new else []),
        )

    def _write(self, chunks: list[Chunk], tokens: list[list[str]]) -> None:
        """Index these chunks from their tokens; write aside, then swap."""
        import bm25s

        self._chunks = chunks
        self._retriever = None
        staging = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if chunks:
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
            retriever.save(str(staging), show_progress=False)
            self._retriever = retriever
        (staging / _IDS_FILE).write_text(json.dumps([c.model_dump() for c in chunks]))
        (staging / _TOKENS_FILE).write_text(json.dumps(tokens))
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

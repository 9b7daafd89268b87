"""Lexical (BM25) index over the same chunks as the vector store, on tantivy.

bm25s, used before, stores scores computed from corpus-wide statistics, so adding one document
re-indexed every chunk (seconds at 30k chunks, growing with the corpus). tantivy (a Lucene-like
engine; official Python bindings) adds and deletes documents in segments and applies BM25 at
query time: adding a file costs milliseconds at any size, searches stay near a millisecond, and
a process sees another's commits when it reloads. Tokens are made by bm25s's tokenizer (English
stop words, Snowball stemmer), shared by indexing and querying (``evals/bench_scale.py``).
"""

from __future__ import annotations

import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IndexUnavailableError
from assistant.models import Chunk, RetrievedChunk

if TYPE_CHECKING:
    import tantivy

# Files of the bm25s index that earlier releases kept in the same folder.
_EARLIER_RELEASE = ("chunks.json", "tokens.json", "params.index.json")
_WRITER_HEAP = 64_000_000


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


def _schema() -> tantivy.Schema:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("tokens", tokenizer_name="whitespace", index_option="freq")
    builder.add_bytes_field("chunk", stored=True)
    return builder.build()


class LexicalIndex:
    """BM25 over chunk texts; each chunk is stored with its tokens, so results need no other
    lookup. A folder that is missing, damaged or from an earlier release opens empty (the
    knowledge index then rebuilds it from the vector store)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._schema = _schema()
        self._index = self._open()

    def _open(self) -> tantivy.Index:
        import tantivy

        if any((self.directory / name).exists() for name in _EARLIER_RELEASE):
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            return tantivy.Index(self._schema, path=str(self.directory), reuse=True)
        except ValueError:  # unreadable or another schema
            shutil.rmtree(self.directory)
            self.directory.mkdir(parents=True)
            return tantivy.Index(self._schema, path=str(self.directory), reuse=True)

    def _searcher(self) -> tantivy.Searcher:
        self._index.reload()  # commits made since, by this process or another
        return self._index.searcher()

    @property
    def count(self) -> int:
        return self._searcher().num_docs

    @property
    def chunk_ids(self) -> set[str]:
        """Every indexed chunk id (reads every document: for checks, not for the ask path)."""
        import tantivy

        searcher = self._searcher()
        hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1)).hits
        return {searcher.doc(address)["id"][0] for _, address in hits}

    def rebuild(self, chunks: list[Chunk]) -> None:
        """Index exactly these chunks."""
        self._write(list(chunks), set(), everything=True)

    def update(self, added: list[Chunk], removed: set[str]) -> None:
        """Remove the chunks with these ids, and index (or index again) those of ``added``."""
        added = list({chunk.id: chunk for chunk in added}.values())
        if added or removed:
            self._write(added, removed)

    def _write(self, added: list[Chunk], removed: set[str], everything: bool = False) -> None:
        import tantivy

        try:
            writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        except ValueError as exc:  # the lock file is held
            raise IndexUnavailableError(
                f"The lexical index at {self.directory} is being written by another process.",
                "Wait for the other indexing to finish, then retry.",
            ) from exc
        if everything:
            writer.delete_all_documents()
        else:
            for cid in removed | {chunk.id for chunk in added}:
                writer.delete_documents_by_term("id", cid)
        tokens = tokenize([chunk.indexed_text for chunk in added]) if added else []
        for chunk, chunk_tokens in zip(added, tokens, strict=True):
            writer.add_document(
                tantivy.Document(
                    id=chunk.id,
                    tokens=" ".join(chunk_tokens),
                    chunk=chunk.model_dump_json().encode(),
                )
            )
        writer.commit()
        writer.wait_merging_threads()

    def search(self, query: str, k: int) -> list[RetrievedChunk]:
        """Top chunks by BM25 score; only chunks sharing at least one term with the query."""
        import tantivy

        tokens = tokenize([query])[0]
        if not tokens:
            return []
        searcher = self._searcher()
        terms = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "tokens", token))
            for token in tokens
        ]
        results = []
        for score, address in searcher.search(tantivy.Query.boolean_query(terms), k).hits:
            chunk = Chunk(**json.loads(searcher.doc(address)["chunk"][0]))
            results.append(chunk.retrieved(float(score), lexical_score=float(score)))
        return results

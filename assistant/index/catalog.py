"""Catalog of ingested documents (SQLite): id, source, title, content hash, chunk ids, time;
the sections held back at ingest, and the held sections a program lead approved."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import datetime, timezone
from typing import NamedTuple

from assistant.models import DocumentInfo, HeldSection
from assistant.sqlite_store import SQLiteStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS held_chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS approved_chunks (
    chunk_id TEXT PRIMARY KEY,
    approved_at TEXT NOT NULL
);
"""


class CatalogEntry(NamedTuple):
    """What the catalog records of a document when it is indexed."""

    doc_id: str
    source: str
    title: str
    content_hash: str
    chunk_ids: list[str]
    builtin: bool
    held: tuple[HeldSection, ...] = ()


class Catalog(SQLiteStore):
    """What has been ingested; the source of truth for 'coach list' and for reindexing."""

    schema = _SCHEMA

    def _query(self, sql: str, params: tuple = ()) -> list[DocumentInfo]:
        with closing(self.connect()) as conn:
            rows = conn.execute(sql, params).fetchall()
            held: dict[str, list[HeldSection]] = {}
            if rows:  # few: the whole table is read rather than one query per document
                for row in conn.execute("SELECT * FROM held_chunks ORDER BY rowid"):
                    held.setdefault(row["doc_id"], []).append(
                        HeldSection(
                            chunk_id=row["chunk_id"],
                            section=row["section"],
                            text=row["text"],
                            reason=row["reason"],
                        )
                    )
        return [
            DocumentInfo(
                doc_id=row["doc_id"],
                source=row["source"],
                title=row["title"],
                content_hash=row["content_hash"],
                chunk_ids=json.loads(row["chunk_ids"]),
                ingested_at=datetime.fromisoformat(row["ingested_at"]),
                builtin=bool(row["builtin"]),
                held=held.get(row["doc_id"], []),
            )
            for row in rows
        ]

    def all(self) -> list[DocumentInfo]:
        return self._query("SELECT * FROM documents ORDER BY builtin DESC, doc_id")

    def builtin(self) -> list[DocumentInfo]:
        return self._query("SELECT * FROM documents WHERE builtin = 1 ORDER BY doc_id")

    def is_empty(self) -> bool:
        with closing(self.connect()) as conn:
            return conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None

    def chunk_count(self) -> int:
        """How many chunks the catalogued documents have (counted in SQL: opening a large
        index must not parse every entry)."""
        with closing(self.connect()) as conn:
            row = conn.execute("SELECT SUM(json_array_length(chunk_ids)) FROM documents")
            return int(row.fetchone()[0] or 0)

    def get(self, doc_id: str) -> DocumentInfo | None:
        found = self._query("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return found[0] if found else None

    def by_source(self, source: str) -> DocumentInfo | None:
        found = self._query("SELECT * FROM documents WHERE source = ?", (source,))
        return found[0] if found else None

    def by_sources(self, sources: list[str]) -> dict[str, DocumentInfo]:
        """The entries of these sources (the rest are not catalogued), by source."""
        found: dict[str, DocumentInfo] = {}
        for start in range(0, len(sources), 500):
            batch = sources[start : start + 500]
            marks = ",".join("?" * len(batch))
            for document in self._query(
                f"SELECT * FROM documents WHERE source IN ({marks})", tuple(batch)
            ):
                found[document.source] = document
        return found

    def put(self, entries: list[CatalogEntry]) -> None:
        """Insert or replace the entries of these documents, in one transaction."""
        now = datetime.now(timezone.utc).isoformat()
        with closing(self.connect()) as conn, conn:
            for entry in entries:
                replaced = "SELECT doc_id FROM documents WHERE source = ? OR doc_id = ?"
                conn.execute(
                    f"DELETE FROM held_chunks WHERE doc_id = ? OR doc_id IN ({replaced})",
                    (entry.doc_id, entry.source, entry.doc_id),
                )
                conn.execute(
                    "DELETE FROM documents WHERE source = ? OR doc_id = ?",
                    (entry.source, entry.doc_id),
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO held_chunks VALUES (?, ?, ?, ?, ?)",
                    [(h.chunk_id, entry.doc_id, h.section, h.text, h.reason) for h in entry.held],
                )
                conn.execute(
                    "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.doc_id,
                        entry.source,
                        entry.title,
                        entry.content_hash,
                        json.dumps(entry.chunk_ids),
                        now,
                        int(entry.builtin),
                    ),
                )

    def delete(self, doc_id: str) -> None:
        with closing(self.connect()) as conn, conn:
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM held_chunks WHERE doc_id = ?", (doc_id,))

    def clear(self) -> None:
        with closing(self.connect()) as conn, conn:
            conn.execute("DELETE FROM documents")
            conn.execute("DELETE FROM held_chunks")

    def approve(self, chunk_ids: list[str]) -> None:
        """Record held sections (by chunk id, a hash of their content) as approved by a
        program lead: the same text is indexed from now on, in any later ingest or rebuild."""
        now = datetime.now(timezone.utc).isoformat()
        with closing(self.connect()) as conn, conn:
            conn.executemany(
                "INSERT OR IGNORE INTO approved_chunks VALUES (?, ?)",
                [(cid, now) for cid in chunk_ids],
            )

    def approved(self) -> set[str]:
        """The chunk ids a program lead approved."""
        with closing(self.connect()) as conn:
            return {row[0] for row in conn.execute("SELECT chunk_id FROM approved_chunks")}

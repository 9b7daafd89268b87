"""Base of the small SQLite stores under COACH_HOME (catalog, sessions, ratings)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


class SQLiteStore:
    """Creates the database file and its schema on first use; hands out connections."""

    schema: str = ""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with closing(self.connect()) as conn, conn:
            conn.executescript(self.schema)

    def connect(self) -> sqlite3.Connection:
        """A connection with named-column rows and foreign keys enforced."""
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

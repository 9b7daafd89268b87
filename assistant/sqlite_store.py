"""Base of the small SQLite stores under COACH_HOME (catalog, sessions, ratings)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from assistant.errors import StoreDamagedError


class SQLiteStore:
    """Creates the database file and its schema on first use; hands out connections."""

    schema: str = ""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            with closing(self.connect()) as conn, conn:
                (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
                if verdict != "ok":
                    raise sqlite3.DatabaseError(verdict)
                conn.executescript(self.schema)
        except sqlite3.DatabaseError as exc:
            raise StoreDamagedError(
                f"{path} is damaged and cannot be read ({exc}).",
                f"Nothing was changed. Restore it from a backup, or move it aside "
                f"(mv '{path}' '{path}.damaged') to start an empty one.",
            ) from exc

    def connect(self) -> sqlite3.Connection:
        """A connection with named-column rows and foreign keys enforced."""
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

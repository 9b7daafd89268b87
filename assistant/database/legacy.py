"""Bringing a data folder of release 0.2 and earlier into the shared database.

Those releases kept conversations in ``sessions.sqlite3`` and ratings in ``ratings.sqlite3``.
On first open their rows are copied in (ids kept, so a copy interrupted halfway is finished next
time without doubles), then each file is renamed ``*.imported``: kept, never deleted.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.database.engine import Database
from assistant.database.tables import ConversationRow, RatingRow, TurnRow
from assistant.errors import StoreDamagedError

log = logging.getLogger(__name__)

SESSIONS_FILE = "sessions.sqlite3"
RATINGS_FILE = "ratings.sqlite3"


def _rows(path: Path, sql: str) -> list[sqlite3.Row]:
    try:
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql).fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreDamagedError(
            f"{path} (from an earlier release) is damaged and cannot be read ({exc}).",
            f"Nothing was changed. Restore it from a backup, or move it aside "
            f"(mv '{path}' '{path}.damaged') to go on without it.",
        ) from exc


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _copy_sessions(path: Path, session: Session) -> int:
    known = set(session.scalars(select(ConversationRow.id)))
    conversations = [row for row in _rows(path, "SELECT * FROM sessions") if row["id"] not in known]
    turns = _rows(path, "SELECT * FROM turns ORDER BY session_id, position")
    session.add_all(
        ConversationRow(
            id=row["id"],
            owner=None,
            title=row["title"],
            role=row["role"],
            created_at=_when(row["created_at"]),
            updated_at=_when(row["updated_at"]),
        )
        for row in conversations
    )
    session.flush()  # the conversations first: turns refer to them
    new = {row["id"] for row in conversations}
    session.add_all(
        TurnRow(
            conversation_id=row["session_id"],
            position=row["position"],
            speaker=row["speaker"],
            content=row["content"],
            answer_json=row["answer_json"],
            created_at=_when(row["created_at"]),
        )
        for row in turns
        if row["session_id"] in new
    )
    return len(conversations)


def _copy_ratings(path: Path, session: Session) -> int:
    known = set(session.scalars(select(RatingRow.id)))
    ratings = [row for row in _rows(path, "SELECT * FROM ratings") if row["id"] not in known]
    session.add_all(
        RatingRow(
            **{key: value for key, value in dict(row).items() if key != "created_at"},
            created_at=_when(row["created_at"]),
            owner=None,
        )
        for row in ratings
    )
    return len(ratings)


def import_legacy_files(home: Path, database: Database) -> dict[str, int]:
    """Copy the earlier release's files in ``home`` into ``database``; rows copied per file."""
    copied: dict[str, int] = {}
    for name, copy in ((SESSIONS_FILE, _copy_sessions), (RATINGS_FILE, _copy_ratings)):
        path = home / name
        if not path.is_file():
            continue
        with database.session() as session:
            copied[name] = copy(path, session)
        path.rename(path.with_name(f"{name}.imported"))
        log.info("imported %d rows of %s into %s", copied[name], path, database.where)
    return copied

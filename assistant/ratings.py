"""Thumbs up/down ratings of answers, with an optional comment, in SQLite under COACH_HOME.

Trainers export them as CSV to see which answers people found helpful and why.
"""

from __future__ import annotations

import csv
import io
import uuid
from contextlib import closing
from datetime import datetime, timezone
from typing import Literal, get_args

from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.models import Answer
from assistant.sqlite_store import SQLiteStore

Thumb = Literal["up", "down"]
THUMBS: tuple[Thumb, ...] = get_args(Thumb)
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT NOT NULL,
    role TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, mode TEXT NOT NULL,
    backend TEXT NOT NULL, session_id TEXT, sources TEXT NOT NULL
);
"""
CSV_COLUMNS = (
    "id",
    "created_at",
    "rating",
    "comment",
    "role",
    "question",
    "answer",
    "mode",
    "backend",
    "session_id",
    "sources",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Rating(BaseModel):
    """One person's verdict on one answer."""

    id: str
    created_at: datetime
    rating: Thumb
    comment: str = ""
    role: str
    question: str
    answer: str
    mode: str
    backend: str
    session_id: str | None = None
    sources: list[str] = Field(default_factory=list)


def _spreadsheet_safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


class RatingStore(SQLiteStore):
    """Appends ratings to a SQLite file and reads them back (oldest first)."""

    schema = _SCHEMA

    def add(self, answer: Answer, rating: str, comment: str = "") -> Rating:
        """Store a thumbs up/down (``"up"`` or ``"down"``) for an answer."""
        thumb = next((known for known in THUMBS if known == rating), None)
        if thumb is None:
            raise InputError(f"Unknown rating '{rating}'.", "Use up or down.")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT_CHARS:
            raise InputError(
                f"The comment is too long ({len(comment)} characters).",
                f"Keep it under {MAX_COMMENT_CHARS}.",
            )
        stored = Rating(
            id=uuid.uuid4().hex[:12],
            created_at=datetime.now(timezone.utc),
            rating=thumb,
            comment=comment,
            role=answer.role,
            question=answer.question,
            answer=answer.text,
            mode=answer.mode,
            backend=answer.backend,
            session_id=answer.session_id,
            sources=[c.doc_id for c in answer.citations],
        )
        row = stored.model_dump(mode="json")
        row["sources"] = ";".join(stored.sources)
        with closing(self.connect()) as conn, conn:
            conn.execute(
                f"INSERT INTO ratings ({', '.join(CSV_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(CSV_COLUMNS))})",
                [row[column] for column in CSV_COLUMNS],
            )
        return stored

    def all(self) -> list[Rating]:
        """Every rating, oldest first."""
        with closing(self.connect()) as conn:
            rows = conn.execute("SELECT * FROM ratings ORDER BY created_at, id").fetchall()
        return [
            Rating(**{**dict(row), "sources": [s for s in row["sources"].split(";") if s]})
            for row in rows
        ]

    def to_csv(self) -> str:
        """Every rating as CSV (header row first), safe to open in a spreadsheet."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for rating in self.all():
            row = rating.model_dump(mode="json")
            row["sources"] = ";".join(rating.sources)
            writer.writerow(_spreadsheet_safe(str(row[c] or "")) for c in CSV_COLUMNS)
        return out.getvalue()

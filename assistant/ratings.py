"""Thumbs up/down ratings of answers, with an optional comment, in the shared database.

Trainers export them as CSV to see which answers people found helpful and why. An export is
anonymous: a rater's name appears only when the lead asks for names and that user agreed.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone
from typing import Literal, get_args

from pydantic import BaseModel, Field
from sqlalchemy import select

from assistant.database import Database
from assistant.database.tables import RatingRow, UserRow
from assistant.errors import InputError
from assistant.models import Answer
from assistant.text.unicode import check_text

Thumb = Literal["up", "down"]
THUMBS: tuple[Thumb, ...] = get_args(Thumb)
MAX_COMMENT_CHARS = 2000

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
    "user",
)
# The columns stored as they are (sources are joined with ';'; the user is the row's owner).
_STORED = [column for column in CSV_COLUMNS if column not in ("sources", "user")]
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
    # The rater's name, filled only in an export that asked for names, for users who agreed.
    user: str = ""


def _spreadsheet_safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


class RatingStore:
    """Appends ratings to the database and reads them back (oldest first)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(
        self, answer: Answer, rating: str, comment: str = "", owner: str | None = None
    ) -> Rating:
        """Store a thumbs up/down (``"up"`` or ``"down"``) for an answer."""
        thumb = next((known for known in THUMBS if known == rating), None)
        if thumb is None:
            raise InputError(f"Unknown rating '{rating}'.", "Use up or down.")
        comment = check_text(comment, "The comment").strip()
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
        with self.database.session() as session:
            session.add(
                RatingRow(
                    **stored.model_dump(exclude={"sources", "user"}),
                    sources=";".join(stored.sources),
                    owner=owner,
                )
            )
        return stored

    def all(self, names: bool = False) -> list[Rating]:
        """Every rating, oldest first; with ``names``, the names of raters who agreed."""
        with self.database.session() as session:
            rows = session.execute(
                select(RatingRow, UserRow.named_exports)
                .outerjoin(UserRow, UserRow.name == RatingRow.owner)
                .order_by(RatingRow.created_at, RatingRow.id)
            ).all()
        return [
            Rating(
                **{column: getattr(row, column) for column in _STORED},
                sources=[s for s in row.sources.split(";") if s],
                user=row.owner if names and agreed and row.owner else "",
            )
            for row, agreed in rows
        ]

    def to_csv(self, names: bool = False) -> str:
        """Every rating as CSV (header row first), safe to open in a spreadsheet."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for rating in self.all(names):
            row = rating.model_dump(mode="json")
            row["sources"] = ";".join(rating.sources)
            writer.writerow(_spreadsheet_safe(str(row[c] or "")) for c in CSV_COLUMNS)
        return out.getvalue()

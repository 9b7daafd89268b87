"""The tables of the shared database (the Alembic migrations create and change them)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC; SQLite gives stored times back without their zone, so it is put back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    """Every table of Mentor Coach's shared state."""


def owned_by(row_type: Any, owner: str | None) -> Any:
    """The filter for rows of ``row_type`` that belong to ``owner`` (None: the one person
    using this machine, whose rows have no owner)."""
    return row_type.owner.is_(None) if owner is None else row_type.owner == owner


class UserRow(Base):
    """An account: a person with one role who signs in with a password or an API key."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    # The user agreed that a program lead's rating export may show their name.
    named_exports: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKeyRow(Base):
    """A Bearer key of one user; only its SHA-256 digest is stored."""

    __tablename__ = "api_keys"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ConversationRow(Base):
    """A conversation; ``owner`` is None for the one person using this machine (CLI, 'coach ui')."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # What the coach knows about it (a ConversationState as JSON); None: nothing yet.
    state_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class TurnRow(Base):
    """One message of a conversation; an assistant turn keeps its whole Answer as JSON."""

    __tablename__ = "turns"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    answer_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RatingRow(Base):
    """A thumbs up/down of one answer; kept (without its owner) when the account is removed."""

    __tablename__ = "ratings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    rating: Mapped[str] = mapped_column(String(4))
    comment: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sources: Mapped[str] = mapped_column(Text)


class WebSessionRow(Base):
    """A signed-in browser of the web app; only the SHA-256 digest of its cookie is stored, so
    a copy of the database signs nobody in. Deleted with the user and on a password reset."""

    __tablename__ = "web_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


# ---------------------------------------------------------------- the mentorship record
# Every entry belongs to its owner alone (None: the one person using this machine) and says
# where it came from (``source``: "by hand", "notes", or "conversation <id>"). A lead's program
# figures count rows; no lead-facing query reads an entry's text.


class MentorshipRow(Base):
    """A mentorship the owner is in: their role, the other person, since when, how often."""

    __tablename__ = "mentorships"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), nullable=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # the owner's: mentee or mentor
    other_name: Mapped[str] = mapped_column(String(80))
    started: Mapped[date | None] = mapped_column(Date, nullable=True)
    cadence_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The owner agreed that a program lead's list of stalled pairs may name this pair.
    named_to_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GoalRow(Base):
    __tablename__ = "goals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), nullable=True, index=True
    )
    mentorship_id: Mapped[str] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, done, dropped
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), nullable=True, index=True
    )
    mentorship_id: Mapped[str] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # held, or cancelled (by whom is in ``notes`` when said)
    status: Mapped[str] = mapped_column(String(10), default="held")
    notes: Mapped[str] = mapped_column(Text, default="")
    agreed: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActionItemRow(Base):
    __tablename__ = "action_items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), nullable=True, index=True
    )
    mentorship_id: Mapped[str] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[str | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(80))  # "me", or the other person's name
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

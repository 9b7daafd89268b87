"""The mentorship record in the shared database: each person's own, nobody else's.

``owner`` is the signed-in user's name, or None for the one person using this machine. An entry
of another owner is "not found", as if it did not exist; deleting an entry (or everything)
deletes its rows, and a mentorship's goals, meetings and action items go with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from assistant.database import Database
from assistant.database.tables import (
    ActionItemRow,
    GoalRow,
    MeetingRow,
    MentorshipRow,
    owned_by,
)
from assistant.errors import InputError
from assistant.record.export import record_markdown
from assistant.record.models import (
    ENTRY_INPUTS,
    ENTRY_KINDS,
    ActionItem,
    Entry,
    EntryKind,
    Goal,
    Meeting,
    Mentorship,
    Record,
)
from assistant.record.smart import smart_lines

BY_HAND = "by hand"
ROWS: dict[EntryKind, Any] = {
    "mentorship": MentorshipRow,
    "goal": GoalRow,
    "meeting": MeetingRow,
    "action": ActionItemRow,
}
STORED: dict[EntryKind, Any] = {
    "mentorship": Mentorship,
    "goal": Goal,
    "meeting": Meeting,
    "action": ActionItem,
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def check_kind(kind: str) -> EntryKind:
    if kind not in ENTRY_KINDS:
        raise InputError(
            f"No kind of entry '{kind[:40]}'.", f"Use one of: {', '.join(ENTRY_KINDS)}."
        )
    return kind


def parsed(
    kind: EntryKind,
    fields: dict[str, Any],
    labels: Mapping[str, str] | None = None,
    hint: str = "Correct it and try again.",
) -> Entry:
    """``fields`` checked as an entry of ``kind``; InputError naming each bad field, by its
    name in ``labels`` where given (how the surface asking calls it: a form's label, a CLI
    option), and ending with ``hint``."""
    try:
        return ENTRY_INPUTS[kind].model_validate(fields)
    except ValidationError as exc:
        names = labels or {}
        problems = []
        for error in exc.errors()[:5]:
            field = ".".join(str(p) for p in error["loc"]) or kind
            problems.append(f"{names.get(field, field)}: {error['msg']}")
        raise InputError(f"That {kind} cannot be saved ({'; '.join(problems)}).", hint) from None


class RecordStore:
    """Adds, changes, lists and deletes the entries of each person's record."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # ------------------------------------------------------------------ writing

    def add(
        self, entry: Entry, owner: str | None = None, source: str = BY_HAND
    ) -> Mentorship | Goal | Meeting | ActionItem:
        """Store a new entry; one that names a mentorship (or meeting) the owner does not have
        is refused."""
        kind = _kind_of(entry)
        with self.database.session() as session:
            self._check_links(session, entry, owner)
            row = ROWS[kind](
                id=uuid.uuid4().hex[:12],
                owner=owner,
                source=source[:60],
                created_at=_now(),
                **entry.model_dump(),
            )
            session.add(row)
            session.flush()
            return _stored(kind, row)

    def update(
        self, kind: EntryKind, entry_id: str, changes: dict[str, Any], owner: str | None = None
    ) -> Mentorship | Goal | Meeting | ActionItem:
        """Change some fields of an entry (checked as a whole afterwards)."""
        with self.database.session() as session:
            row = self._row(session, kind, entry_id, owner)
            current = ENTRY_INPUTS[kind].model_fields
            fields = {name: getattr(row, name) for name in current}
            entry = parsed(kind, {**fields, **changes})
            self._check_links(session, entry, owner)
            for name, value in entry.model_dump().items():
                setattr(row, name, value)
            session.flush()
            return _stored(kind, row)

    def delete(self, kind: EntryKind, entry_id: str, owner: str | None = None) -> None:
        """Delete one entry (a mentorship with everything recorded under it)."""
        with self.database.session() as session:
            row = self._row(session, kind, entry_id, owner)
            if kind == "mentorship":
                self._delete_under(session, [row.id])
            elif kind == "meeting":
                session.execute(
                    update(ActionItemRow)
                    .where(ActionItemRow.meeting_id == row.id)
                    .values(meeting_id=None)
                )
            session.delete(row)

    def delete_all(self, owner: str | None = None) -> int:
        """Delete the owner's whole record; how many entries were deleted."""
        with self.database.session() as session:
            ids = list(
                session.scalars(select(MentorshipRow.id).where(owned_by(MentorshipRow, owner)))
            )
            count = len(ids) + self._delete_under(session, ids)
            session.execute(delete(MentorshipRow).where(MentorshipRow.id.in_(ids)))
        return count

    # ------------------------------------------------------------------ reading

    def record(self, owner: str | None = None) -> Record:
        """Everything recorded for the owner."""
        with self.database.session() as session:

            def rows(kind: EntryKind, *order: Any) -> list[Any]:
                row_type = ROWS[kind]
                query = select(row_type).where(owned_by(row_type, owner)).order_by(*order)
                return [_stored(kind, row) for row in session.scalars(query)]

            return Record(
                mentorships=rows("mentorship", MentorshipRow.created_at),
                goals=rows("goal", GoalRow.created_at),
                meetings=rows("meeting", MeetingRow.held_on.desc(), MeetingRow.created_at.desc()),
                actions=rows(
                    "action",
                    ActionItemRow.done,
                    ActionItemRow.due.is_(None),
                    ActionItemRow.due,
                    ActionItemRow.created_at,
                ),
            )

    def export_markdown(self, owner: str | None = None) -> str:
        """The owner's whole record as Markdown, each entry saying where it came from."""
        return record_markdown(self.record(owner))

    def entry(
        self, kind: EntryKind, entry_id: str, owner: str | None = None
    ) -> Mentorship | Goal | Meeting | ActionItem:
        with self.database.session() as session:
            return _stored(kind, self._row(session, kind, entry_id, owner))

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _row(session: Session, kind: EntryKind, entry_id: str, owner: str | None) -> Any:
        row_type = ROWS[kind]
        row = session.scalar(
            select(row_type).where(row_type.id == entry_id, owned_by(row_type, owner))
        )
        if row is None:
            raise InputError(
                f"No {kind} '{entry_id[:40]}' in your record.",
                "Your record lists each entry with its id.",
            )
        return row

    def _check_links(self, session: Session, entry: Entry, owner: str | None) -> None:
        mentorship_id = getattr(entry, "mentorship_id", None)
        if mentorship_id is not None:
            self._row(session, "mentorship", mentorship_id, owner)
        meeting_id = getattr(entry, "meeting_id", None)
        if meeting_id is not None:
            meeting = self._row(session, "meeting", meeting_id, owner)
            if meeting.mentorship_id != mentorship_id:
                raise InputError(
                    "That meeting belongs to another mentorship.",
                    "Choose a meeting of the same mentorship, or none.",
                )

    @staticmethod
    def _delete_under(session: Session, mentorship_ids: list[str]) -> int:
        """Delete the goals, meetings and action items of these mentorships; how many."""
        count = 0
        for row_type in (ActionItemRow, GoalRow, MeetingRow):
            result = session.execute(
                delete(row_type).where(row_type.mentorship_id.in_(mentorship_ids))
            )
            count += result.rowcount or 0  # type: ignore[attr-defined]
        return count


def _kind_of(entry: Entry) -> EntryKind:
    for kind, model in ENTRY_INPUTS.items():
        if type(entry) is model:
            return kind
    raise TypeError(f"not a record entry: {type(entry).__name__}")


def _stored(kind: EntryKind, row: Any) -> Any:
    """The entry a row holds; a goal with what the SMART check finds missing (``Goal.smart``),
    so every surface shows it."""
    model = STORED[kind]
    stored = model.model_validate(
        {name: getattr(row, name) for name in model.model_fields if hasattr(row, name)}
    )
    if isinstance(stored, Goal):
        stored.smart = smart_lines(stored.text, stored.due)
    return stored

"""REST: the caller's own mentorship record (any signed-in role), and the program's figures
for its leads.

Every route works within the caller's record: another user's entry is "not found", exactly like
a missing one (the store checks the owner on every read and write). Bodies are checked by the
record's own entry models, so the API refuses what the CLI and the web app refuse, naming the
field. The program's figures are counts and agreed names only, never any entry's text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from assistant.record.health import ProgramHealth, program_health
from assistant.record.models import ActionItem, Goal, Meeting, Mentorship, Record
from assistant.record.nudges import Nudge, nudges
from assistant.record.store import check_kind, parsed
from assistant.server.auth import CoachDep, LeadDep, UserDep

router = APIRouter(prefix="/v1", tags=["record"])

Fields = Annotated[dict[str, Any], Body()]  # the entry's fields, checked by the record
StoredEntry = Mentorship | Goal | Meeting | ActionItem


class RecordView(BaseModel):
    """The caller's whole record and what the coach notices in it today."""

    record: Record
    nudges: list[Nudge]


class Deleted(BaseModel):
    deleted: int


@router.get("/record")
def record(coach: CoachDep, user: UserDep) -> RecordView:
    mine = coach.record.record(user.name)
    return RecordView(record=mine, nudges=nudges(mine, date.today()))


@router.get("/record/export", response_class=PlainTextResponse)
def export(coach: CoachDep, user: UserDep) -> PlainTextResponse:
    """The caller's record as Markdown (a download, never rendered as HTML)."""
    return PlainTextResponse(
        coach.record.export_markdown(user.name),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mentorship-record.md"'},
    )


@router.post("/record/{kind}", status_code=201)
def add(kind: str, coach: CoachDep, user: UserDep, body: Fields) -> StoredEntry:
    """Add a mentorship, goal, meeting or action item (the body: the entry's fields)."""
    return coach.record.add(parsed(check_kind(kind), body), user.name)


@router.patch("/record/{kind}/{entry_id}")
def change(kind: str, entry_id: str, coach: CoachDep, user: UserDep, body: Fields) -> StoredEntry:
    """Change some fields of one of your entries (the entry is checked as a whole)."""
    return coach.record.update(check_kind(kind), entry_id, body, user.name)


@router.delete("/record/{kind}/{entry_id}", status_code=204)
def delete(kind: str, entry_id: str, coach: CoachDep, user: UserDep) -> None:
    """Delete one entry (a mentorship with everything recorded under it)."""
    coach.record.delete(check_kind(kind), entry_id, user.name)


@router.delete("/record")
def delete_all(coach: CoachDep, user: UserDep) -> Deleted:
    """Delete your whole record; how many entries were deleted."""
    return Deleted(deleted=coach.record.delete_all(user.name))


@router.get("/program/health")
def health(coach: CoachDep, _lead: LeadDep) -> ProgramHealth:
    """The program's figures (program leads only): counts, and the stalled pairs whose two
    people both agreed to be named; no goal, note or action item."""
    return program_health(coach.database, date.today())

"""What the coach notices in a record: a meeting overdue by the agreed cadence, repeated
cancellations, action items past their date. Each nudge is short, says what to ask the coach
for (``draft``: the draft that helps), and comes from the record alone (no model, no text sent
anywhere)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from assistant.record.models import Mentorship, Record

NudgeKind = Literal["cadence_missed", "cancellations", "overdue"]
# Cancellations among a mentorship's last meetings that make a pattern.
RECENT_MEETINGS = 3
CANCELLED_PATTERN = 2


class Nudge(BaseModel):
    kind: NudgeKind
    mentorship_id: str
    text: str
    draft: Literal["reengage", "reschedule", "agenda"]  # the draft that helps


def last_meeting(record: Record, mentorship: Mentorship) -> date | None:
    """The day of the last meeting held (cancelled ones do not count)."""
    last = record.last_held(mentorship.id)
    return last.held_on if last else None


def days_without_meeting(record: Record, mentorship: Mentorship, today: date) -> int | None:
    """Days since the last meeting held, or since the mentorship started (None: unknown)."""
    since = last_meeting(record, mentorship) or mentorship.started
    return (today - since).days if since else None


def past_cadence(days: int | None, cadence_days: int | None) -> bool:
    """More days without a meeting than the agreed cadence (never before a cadence is set);
    the one rule for a person's nudge and a program's stalled pairs."""
    return cadence_days is not None and days is not None and days > cadence_days


def stalled(record: Record, mentorship: Mentorship, today: date) -> bool:
    """No meeting held for longer than the agreed cadence."""
    return past_cadence(days_without_meeting(record, mentorship, today), mentorship.cadence_days)


def nudges(record: Record, today: date) -> list[Nudge]:
    """Everything worth a short nudge today, one kind per mentorship at most."""
    found: list[Nudge] = []
    for mentorship in record.mentorships:
        name = mentorship.other_name
        days = days_without_meeting(record, mentorship, today)
        if past_cadence(days, mentorship.cadence_days):
            found.append(
                Nudge(
                    kind="cadence_missed",
                    mentorship_id=mentorship.id,
                    text=f"No meeting with {name} for {days} days; you agreed to meet every "
                    f"{mentorship.cadence_days} days. Ask the coach for a short message to "
                    "restart.",
                    draft="reengage",
                )
            )
        recent = [m for m in record.meetings if m.mentorship_id == mentorship.id][:RECENT_MEETINGS]
        cancelled = sum(m.status == "cancelled" for m in recent)
        if cancelled >= CANCELLED_PATTERN:
            found.append(
                Nudge(
                    kind="cancellations",
                    mentorship_id=mentorship.id,
                    text=f"{cancelled} of your last {len(recent)} meetings with {name} were "
                    "cancelled. Ask the coach for a message proposing a time that suits you "
                    "both.",
                    draft="reschedule",
                )
            )
        overdue = [
            a
            for a in record.actions
            if a.mentorship_id == mentorship.id and not a.done and a.due and a.due < today
        ]
        if overdue:
            items = "; ".join(f"'{a.text}' (due {a.due:%d %b})" for a in overdue[:3])
            found.append(
                Nudge(
                    kind="overdue",
                    mentorship_id=mentorship.id,
                    text=f"{len(overdue)} action item{'s' if len(overdue) > 1 else ''} with "
                    f"{name} past due: {items}. Start your next meeting with them.",
                    draft="agenda",
                )
            )
    return found

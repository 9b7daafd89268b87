"""A program's health for its leads, counted from every record without reading any entry's
text: pairs active, meetings per month, stalled pairs (named only where both people agreed),
escalations per month as a count."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import select

from assistant.database import Database
from assistant.database.tables import MeetingRow, MentorshipRow, TurnRow
from assistant.record.nudges import past_cadence

# A pair is active when it held a meeting within this many days.
ACTIVE_DAYS = 60
MONTHS = 6


class NamedPair(BaseModel):
    mentor: str
    mentee: str


class ProgramHealth(BaseModel):
    mentorships: int
    active: int
    stalled: int
    stalled_named: list[NamedPair]  # only pairs whose two people both agreed to be named
    meetings_per_month: dict[str, int]  # "2026-11": meetings held
    escalations_per_month: dict[str, int]


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _months(today: date) -> list[str]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(_month(first))
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


def program_health(database: Database, today: date) -> ProgramHealth:
    """The program's figures on ``today``; only ids, owners, names agreed to, dates and
    statuses are read (never a goal, a note or an action item)."""
    months = _months(today)
    with database.session() as session:
        pairs = session.execute(
            select(
                MentorshipRow.id,
                MentorshipRow.owner,
                MentorshipRow.role,
                MentorshipRow.other_name,
                MentorshipRow.started,
                MentorshipRow.cadence_days,
                MentorshipRow.named_to_lead,
            )
        ).all()
        meetings = session.execute(
            select(MeetingRow.mentorship_id, MeetingRow.held_on).where(MeetingRow.status == "held")
        ).all()
        # An escalation is an assistant turn whose stored answer's mode says so (counted only).
        escalated = session.scalars(
            select(TurnRow.created_at).where(
                TurnRow.speaker == "assistant",
                TurnRow.answer_json.like('%"mode":"escalation"%'),
            )
        ).all()
    last: dict[str, date] = {}
    per_month: Counter[str] = Counter()
    for mentorship_id, held_on in meetings:
        last[mentorship_id] = max(last.get(mentorship_id, held_on), held_on)
        per_month[_month(held_on)] += 1
    active = sum(1 for p in pairs if p.id in last and (today - last[p.id]).days <= ACTIVE_DAYS)
    stalled_pairs = [
        p
        for p in pairs
        if past_cadence(
            (today - since).days if (since := last.get(p.id) or p.started) else None,
            p.cadence_days,
        )
    ]
    agreed = {(p.owner, p.other_name) for p in pairs if p.named_to_lead and p.owner}
    named = sorted(
        {
            (p.owner, p.other_name) if p.role == "mentor" else (p.other_name, p.owner)
            for p in stalled_pairs
            if p.named_to_lead and p.owner and (p.other_name, p.owner) in agreed
        }
    )
    escalations = Counter(_month(when.date()) for when in escalated)
    return ProgramHealth(
        mentorships=len(pairs),
        active=active,
        stalled=len(stalled_pairs),
        stalled_named=[NamedPair(mentor=m, mentee=e) for m, e in named],
        meetings_per_month={m: per_month.get(m, 0) for m in months},
        escalations_per_month={m: escalations.get(m, 0) for m in months},
    )

"""Drafts made from the record: the next agenda of a mentorship (its open action items carried
over, its goals and their status), a follow-up message after a meeting (what was agreed and the
action items) and a calendar file (``.ics``, RFC 5545) for the next meeting.

The agenda and the message are drafted by the existing Drafter, so they cite the practice they
follow as every draft does; their wording from the record lives in ``data/drafts.yaml``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import model_validator

from assistant.data_files import DataModel, Text, check_placeholders, load_data_file
from assistant.drafting.models import (
    Agenda,
    AgendaRequest,
    DraftStyle,
    MessageDraft,
    MessageRequest,
)
from assistant.errors import InputError
from assistant.record.models import ActionItem, Goal, Mentorship, Record
from assistant.record.nudges import last_meeting, stalled
from assistant.resources import package_folder
from assistant.text.words import clipped

if TYPE_CHECKING:
    from assistant.drafting.drafter import Drafter

DRAFTS_FILE = package_folder("assistant.record", "data") / "drafts.yaml"
MAX_INPUTS = 5  # AgendaRequest's goals and challenges
MAX_PROGRESS = 500
MAX_DETAIL = 300
DEFAULT_MINUTES = 60
PRODID = "-//Mentor Coach//Mentorship record//EN"


class DraftWording(DataModel):
    """``data/drafts.yaml``."""

    carried: Text
    carried_undated: Text
    goal: Text
    goal_undated: Text
    no_goal: Text
    progress_goals: Text
    progress_more: Text
    follow_up_about: Text
    follow_up_item: Text
    follow_up_item_undated: Text
    me: Text
    you: Text
    event_summary: Text
    event_description: Text
    no_items: Text
    event_item: Text
    event_item_undated: Text
    day_format: Text

    @model_validator(mode="after")
    def _placeholders(self) -> DraftWording:
        allowed = {
            "carried": {"text", "who", "due"},
            "carried_undated": {"text", "who"},
            "goal": {"text", "status", "due"},
            "goal_undated": {"text", "status"},
            "no_goal": {"name"},
            "progress_goals": {"goals"},
            "progress_more": {"more"},
            "follow_up_about": {"day"},
            "follow_up_item": {"text", "who", "due"},
            "follow_up_item_undated": {"text", "who"},
            "event_summary": {"name"},
            "event_description": {"items"},
            "event_item": {"text", "who", "due"},
            "event_item_undated": {"text", "who"},
        }
        for name, names in allowed.items():
            known = ", ".join(f"{{{n}}}" for n in sorted(names))
            check_placeholders(getattr(self, name), names, known, name)
        for name in ("me", "you", "no_items", "day_format"):
            check_placeholders(getattr(self, name), set(), "none", name)
        return self


def load_draft_wording(path: Path = DRAFTS_FILE) -> DraftWording:
    return load_data_file(path, DraftWording)


@cache
def draft_wording() -> DraftWording:
    """The shipped wording, read once."""
    return load_draft_wording()


# ---------------------------------------------------------------------------- helpers


def _mentorship(record: Record, mentorship_id: str) -> Mentorship:
    for mentorship in record.mentorships:
        if mentorship.id == mentorship_id:
            return mentorship
    raise InputError(
        f"No mentorship '{mentorship_id[:40]}' in your record.",
        "Your record lists each entry with its id.",
    )


def _day(day: date) -> str:
    return day.strftime(draft_wording().day_format)


def _who(item: ActionItem, mentorship: Mentorship, to_them: bool = False) -> str:
    wording = draft_wording()
    if item.who == "me":
        return wording.me
    if to_them and item.who.lower() == mentorship.other_name.lower():
        return wording.you
    return item.who


def _item(item: ActionItem, mentorship: Mentorship, dated: str, undated: str, to_them: bool) -> str:
    values = {"text": item.text.rstrip(" ."), "who": _who(item, mentorship, to_them)}
    if item.due is None:
        return undated.format_map(values)
    return dated.format_map({**values, "due": _day(item.due)})


def _goal(goal: Goal) -> str:
    wording = draft_wording()
    values = {"text": goal.text, "status": goal.status}
    if goal.due is None:
        return wording.goal_undated.format_map(values)
    return wording.goal.format_map({**values, "due": _day(goal.due)})


def open_items(record: Record, mentorship_id: str) -> list[ActionItem]:
    """The mentorship's open action items, earliest due first (undated last)."""
    items = [a for a in record.actions if a.mentorship_id == mentorship_id and not a.done]
    return sorted(items, key=lambda a: (a.due is None, a.due or date.min, a.created_at))


# ---------------------------------------------------------------------------- the agenda


def agenda_request(
    record: Record,
    mentorship_id: str,
    today: date,
    minutes: int | None = None,
    style: DraftStyle = "standard",
) -> AgendaRequest:
    """The next agenda's request from the record: open goals with their status as its goals,
    the open action items carried over (with who and due date) as its challenges, the goals
    done or dropped as its progress (items done are left out); "stalled-reset" when the cadence
    was missed, else "regular"."""
    wording = draft_wording()
    mentorship = _mentorship(record, mentorship_id)
    part = record.of(mentorship_id)
    goals = [g for g in part.goals if g.status == "open"]
    closed = [g for g in part.goals if g.status != "open"]
    carried = [
        _item(a, mentorship, wording.carried, wording.carried_undated, False)
        for a in open_items(part, mentorship_id)
    ]
    last = part.last_held(mentorship_id)
    progress = []  # items done are not brought up again; goals closed are
    if closed:
        progress.append(
            wording.progress_goals.format_map({"goals": "; ".join(_goal(g) for g in closed)})
        )
    if len(carried) > MAX_INPUTS:  # the rest are still shown, as progress
        more = "; ".join(carried[MAX_INPUTS:])
        progress.insert(0, wording.progress_more.format_map({"more": more}))
    length = minutes or (last.minutes if last and last.minutes else DEFAULT_MINUTES)
    return AgendaRequest(
        session="stalled-reset" if stalled(part, mentorship, today) else "regular",
        minutes=min(max(length, 15), 180),
        goals=[_goal(g) for g in goals[:MAX_INPUTS]]
        or [wording.no_goal.format_map({"name": mentorship.other_name})],
        challenges=carried[:MAX_INPUTS],
        progress=clipped(" ".join(progress), MAX_PROGRESS) if progress else None,
        role=mentorship.role,
        style=style,
    )


def draft_next_agenda(
    drafter: Drafter,
    record: Record,
    mentorship_id: str,
    today: date,
    minutes: int | None = None,
    style: DraftStyle = "standard",
    backend: str | None = None,
) -> Agenda:
    """The next session's agenda, drafted and cited as every agenda is."""
    return drafter.agenda(agenda_request(record, mentorship_id, today, minutes, style), backend)


# ---------------------------------------------------------------------------- the follow-up


def follow_up_request(
    record: Record,
    meeting_id: str,
    sender: str | None = None,
    next_time: str | None = None,
    style: DraftStyle = "standard",
) -> MessageRequest:
    """A follow-up message's request: what was agreed at the meeting and its action items (who
    and by when), to the other person of the mentorship; ``next_time`` proposes the next one."""
    wording = draft_wording()
    meeting = next((m for m in record.meetings if m.id == meeting_id), None)
    if meeting is None:
        raise InputError(
            f"No meeting '{meeting_id[:40]}' in your record.",
            "Your record lists each entry with its id.",
        )
    mentorship = _mentorship(record, meeting.mentorship_id)
    agreed = "; ".join(
        line.strip().rstrip(" .;") for line in meeting.agreed.splitlines() if line.strip()
    )
    items = [
        _item(a, mentorship, wording.follow_up_item, wording.follow_up_item_undated, True)
        for a in record.actions
        if a.meeting_id == meeting.id
    ]
    return MessageRequest(
        kind="follow-up",
        to="mentee" if mentorship.role == "mentor" else "mentor",
        name=mentorship.other_name,
        sender=sender,
        about=wording.follow_up_about.format_map({"day": _day(meeting.held_on)}),
        detail=clipped(agreed, MAX_DETAIL) or None,
        items=[clipped(item, MAX_DETAIL) for item in items[:12]],
        times=[next_time] if next_time else [],
        style=style,
    )


def draft_follow_up(
    drafter: Drafter,
    record: Record,
    meeting_id: str,
    sender: str | None = None,
    next_time: str | None = None,
    style: DraftStyle = "standard",
    backend: str | None = None,
) -> MessageDraft:
    """The follow-up message after a meeting, drafted and cited as every message is."""
    return drafter.message(follow_up_request(record, meeting_id, sender, next_time, style), backend)


# ---------------------------------------------------------------------------- the calendar file


def next_meeting_day(record: Record, mentorship_id: str, today: date) -> date:
    """The last meeting held plus the cadence; when that has passed, the next day on the same
    rhythm from ``today`` on. InputError when there is no meeting held or no cadence."""
    mentorship = _mentorship(record, mentorship_id)
    last = last_meeting(record, mentorship)
    if last is None or mentorship.cadence_days is None:
        raise InputError(
            "The next meeting's day cannot be worked out: "
            + ("no meeting is recorded as held." if last is None else "no cadence is set."),
            "Give the next meeting's date (and time).",
        )
    day = last + timedelta(mentorship.cadence_days)
    while day < today:
        day += timedelta(mentorship.cadence_days)
    return day


def escape_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 says (backslash, semicolon, comma, newline)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """A content line folded at ``limit`` octets (UTF-8), never inside a character: each
    continuation starts with one space and the lines are joined by CRLF."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        room = limit if not parts else limit - 1  # a continuation's leading space counts
        if size + width > room:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def next_meeting_ics(
    record: Record,
    mentorship_id: str,
    now: datetime,
    day: date | None = None,
    at: time | None = None,
    minutes: int | None = None,
) -> str:
    """A calendar file (RFC 5545) with one event: the next meeting with the other person, its
    description the open action items. ``day`` defaults to the last meeting held plus the
    cadence; without ``at`` the event lasts the whole day, with it ``minutes`` (the last
    meeting's length, else an hour), in the reader's local time."""
    wording = draft_wording()
    mentorship = _mentorship(record, mentorship_id)
    day = day or next_meeting_day(record, mentorship_id, now.date())
    if at is None:
        start = f"DTSTART;VALUE=DATE:{day:%Y%m%d}"
        end = f"DTEND;VALUE=DATE:{day + timedelta(1):%Y%m%d}"
    else:
        last = record.last_held(mentorship_id)
        length = minutes or (last.minutes if last and last.minutes else DEFAULT_MINUTES)
        begins = datetime.combine(day, at)
        start = f"DTSTART:{begins:%Y%m%dT%H%M%S}"
        end = f"DTEND:{begins + timedelta(minutes=length):%Y%m%dT%H%M%S}"
    lines = [
        _item(a, mentorship, wording.event_item, wording.event_item_undated, False)
        for a in open_items(record, mentorship_id)
    ]
    description = wording.event_description.format_map(
        {"items": "\n".join(lines) if lines else wording.no_items}
    )
    summary = wording.event_summary.format_map({"name": mentorship.other_name})
    content = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{mentorship.id}-{day:%Y%m%d}@mentor-coach",
        f"DTSTAMP:{_stamp(now)}",
        start,
        end,
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in content)

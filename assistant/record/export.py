"""A person's mentorship record as Markdown: theirs to keep, print or take elsewhere.

Each mentorship with its goals (status and due date), its meetings newest first (notes and what
was agreed) and its action items (who, due, done); every entry says where it came from.
"""

from __future__ import annotations

from datetime import date

from assistant.record.models import ActionItem, Goal, Meeting, Mentorship, Record

ROLE_WORDS = {"mentor": "You mentor", "mentee": "Your mentor is"}


def _day(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "no date"


def _quoted(text: str) -> list[str]:
    """Free text kept as written, as a block quote (one quoted line per line)."""
    return [f"> {line}".rstrip() for line in text.strip().splitlines()] + [""]


def _mentorship(pair: Mentorship) -> list[str]:
    facts = [f"started {_day(pair.started)}" if pair.started else "start not recorded"]
    if pair.cadence_days:
        facts.append(f"meeting every {pair.cadence_days} days")
    facts.append("may be named to a program lead" if pair.named_to_lead else "not named to leads")
    return [
        f"## {ROLE_WORDS[pair.role]} {pair.other_name}",
        "",
        f"_{' · '.join(facts)} · id {pair.id} · source: {pair.source}_",
        "",
    ]


def _goal(goal: Goal) -> str:
    due = f", due {_day(goal.due)}" if goal.due else ""
    return f"- {goal.text} ({goal.status}{due}; id {goal.id}, source: {goal.source})"


def _meeting(meeting: Meeting) -> list[str]:
    length = f", {meeting.minutes} minutes" if meeting.minutes else ""
    lines = [
        f"#### {_day(meeting.held_on)}: {meeting.status}{length}",
        "",
        f"_id {meeting.id} · source: {meeting.source}_",
        "",
    ]
    if meeting.notes.strip():
        lines += ["Notes:", "", *_quoted(meeting.notes)]
    if meeting.agreed.strip():
        lines += ["Agreed:", "", *_quoted(meeting.agreed)]
    return lines


def _action(item: ActionItem) -> str:
    box = "x" if item.done else " "
    due = f", due {_day(item.due)}" if item.due else ""
    return f"- [{box}] {item.text} ({item.who}{due}; id {item.id}, source: {item.source})"


def record_markdown(record: Record, title: str = "Your mentorship record") -> str:
    """The whole record as Markdown (a file to download, never rendered as HTML here)."""
    lines = [f"# {title}", ""]
    if record.empty:
        return "\n".join([*lines, "Nothing recorded yet."]) + "\n"
    for pair in record.mentorships:
        part = record.of(pair.id)
        lines += _mentorship(pair)
        lines += ["### Goals", ""]
        lines += [_goal(goal) for goal in part.goals] or ["None yet."]
        lines += ["", "### Meetings (newest first)", ""]
        for meeting in part.meetings:
            lines += _meeting(meeting)
        if not part.meetings:
            lines += ["None yet.", ""]
        lines += ["### Action items", ""]
        lines += [_action(item) for item in part.actions] or ["None yet."]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

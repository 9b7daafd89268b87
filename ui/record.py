"""The Your record tab: what the coach remembers for the viewer (mentorships, goals, meetings,
action items) as tables, forms to add to it, marking an item done, deleting an entry or the
whole record, and what the coach notices (nudges). Every handler works on the viewer's own
record: the store finds no entry of another owner."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import InputError
from assistant.record.models import EntryKind, Record
from assistant.record.nudges import nudges
from assistant.record.store import check_kind, parsed
from assistant.text.words import clipped
from ui.common import Viewer, esc, readable_errors

if TYPE_CHECKING:
    from assistant.coach import Coach

INTRO = (
    "### What the coach remembers\n"
    "Your mentorships, goals, meetings and action items. Only you see your record; each entry "
    "says where it came from, and you can delete any of it, or all of it, at any time."
)
EMPTY = "_Nothing recorded yet. Start by adding a mentorship below._"
DATE_HINT = "Correct the fields named above (dates as YYYY-MM-DD, e.g. 2026-12-08), then try again."
KIND_WORDS: dict[EntryKind, str] = {
    "mentorship": "mentorship",
    "goal": "goal",
    "meeting": "meeting",
    "action": "action item",
}
# The form's words for the fields a bad-input message names.
FIELD_LABELS = {
    "role": "I am the",
    "other_name": "Their name",
    "started": "Started",
    "cadence_days": "Meet every … days",
    "mentorship_id": "Mentorship",
    "text": "Text",
    "due": "Due",
    "held_on": "Meeting date",
    "minutes": "Minutes",
    "status": "Held or cancelled",
    "notes": "Notes",
    "agreed": "What was agreed",
    "who": "Who does it",
}
KIND_FIELD_LABELS: dict[EntryKind, dict[str, str]] = {
    "goal": {"text": "Goal", "due": "Goal due"},
    "action": {"text": "Action item", "due": "Item due"},
}

# Each table: (header, width) per column, the id last. Widths in pixels: on a phone a table
# scrolls sideways inside itself instead of squeezing its columns to a letter each.
MENTORSHIP_COLUMNS = [
    ("With", 200),
    ("I am the", 110),
    ("Started", 130),
    ("Meet every (days)", 170),
    ("From", 160),
    ("ID", 140),
]
GOAL_COLUMNS = [
    ("With", 140),
    ("Goal", 360),
    ("Due", 120),
    ("Status", 100),
    ("SMART check", 180),
    ("From", 120),
    ("ID", 140),
]
MEETING_COLUMNS = [
    ("With", 140),
    ("Date", 120),
    ("Minutes", 100),
    ("Held or cancelled", 170),
    ("Notes", 210),
    ("Agreed", 190),
    ("From", 120),
    ("ID", 140),
]
ACTION_COLUMNS = [
    ("With", 140),
    ("Action item", 380),
    ("Who", 120),
    ("Due", 120),
    ("Done", 80),
    ("From", 120),
    ("ID", 140),
]


def _short(text: str, limit: int = 60) -> str:
    """One line of at most ``limit`` characters (a dropdown's summary of an entry)."""
    return clipped(" ".join(text.split()), limit)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _blank(value: Any) -> Any:
    """A form's empty box as no value (the field is optional or said to be missing)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def checked(kind: EntryKind, fields: dict[str, Any]) -> Any:
    """``fields`` as an entry of ``kind``; a bad one is refused in the form's own words."""
    return parsed(
        kind,
        {name: value for name, value in fields.items() if value is not None},
        labels={**FIELD_LABELS, **KIND_FIELD_LABELS.get(kind, {})},
        hint=DATE_HINT,
    )


def said(message: str) -> str:
    """A change's confirmation (already escaped), also as a toast: the forms are far below the
    line at the top of the tab that says it."""
    gr.Info(message)
    return message


def nudges_markdown(record: Record, today: date) -> str:
    found = nudges(record, today)
    return "\n".join(
        ["**The coach noticed**", ""] + [f"- {esc(nudge.text)}" for nudge in found] if found else []
    )


def tables(record: Record) -> dict[str, list[list[Any]]]:
    """The record's four tables, one row per entry, each with where it came from and its id."""
    names = record.names
    return {
        "mentorship": [
            [m.other_name, m.role, _day(m.started), m.cadence_days or "", m.source, m.id]
            for m in record.mentorships
        ],
        "goal": [
            [
                names.get(g.mentorship_id, ""),
                g.text,
                _day(g.due),
                g.status,
                "; ".join(g.smart) if g.smart else "",
                g.source,
                g.id,
            ]
            for g in record.goals
        ],
        "meeting": [  # newest first, as the store lists them
            [
                names.get(m.mentorship_id, ""),
                _day(m.held_on),
                m.minutes or "",
                m.status,
                m.notes,
                m.agreed,
                m.source,
                m.id,
            ]
            for m in record.meetings
        ],
        "action": [  # open first
            [
                names.get(a.mentorship_id, ""),
                a.text,
                a.who,
                _day(a.due),
                "yes" if a.done else "no",
                a.source,
                a.id,
            ]
            for a in record.actions
        ],
    }


def mentorship_choices(record: Record) -> list[tuple[str, str]]:
    return [(f"{m.other_name} (you are the {m.role}) · {m.id}", m.id) for m in record.mentorships]


def open_item_choices(record: Record) -> list[tuple[str, str]]:
    return [
        (f"{_short(a.text)}{f' (due {a.due})' if a.due else ''} · {a.id}", a.id)
        for a in record.actions
        if not a.done
    ]


def entry_choices(record: Record) -> list[tuple[str, str]]:
    """Every entry as "kind · summary · id" (the value: "kind:id")."""
    names = record.names
    summaries: list[tuple[EntryKind, str, str]] = [
        ("mentorship", m.id, f"with {m.other_name} (you are the {m.role})")
        for m in record.mentorships
    ]
    summaries += [("goal", g.id, _short(g.text)) for g in record.goals]
    summaries += [
        ("meeting", m.id, f"{m.held_on} with {names.get(m.mentorship_id, '?')}, {m.status}")
        for m in record.meetings
    ]
    summaries += [("action", a.id, _short(a.text)) for a in record.actions]
    return [
        (f"{KIND_WORDS[kind]} · {text} · {id_}", f"{kind}:{id_}") for kind, id_, text in summaries
    ]


def build(demo: gr.Blocks, coach: Coach, viewer: Viewer) -> None:
    """The Your record tab's components and events (inside ``demo``, an open gr.Blocks)."""
    gr.Markdown(INTRO)
    noticed = gr.Markdown(visible=False, elem_id="record-nudges")
    status = gr.Markdown(elem_id="record-status")
    empty = gr.Markdown(EMPTY, visible=False)  # shown once the record is read

    def table(columns: list[tuple[str, int]], label: str, elem_id: str) -> gr.Dataframe:
        return gr.Dataframe(
            headers=[header for header, _ in columns],
            column_widths=[f"{width}px" for _, width in columns],
            label=label,
            interactive=False,
            wrap=True,
            visible=False,  # shown when there is an entry
            elem_id=elem_id,
        )

    mentorships = table(MENTORSHIP_COLUMNS, "Mentorships", "record-mentorships")
    goals = table(GOAL_COLUMNS, "Goals", "record-goals")
    meetings = table(MEETING_COLUMNS, "Meetings (newest first)", "record-meetings")
    actions = table(ACTION_COLUMNS, "Action items (open first)", "record-actions")

    with gr.Accordion("Add a mentorship", open=False, elem_id="record-add-mentorship"):
        with gr.Row(equal_height=False):
            pair_role = gr.Radio(
                [("Mentee", "mentee"), ("Mentor", "mentor")],
                value="mentee",
                label="In this mentorship I am the",
                min_width=200,
            )
            other_name = gr.Textbox(label="Their name", max_lines=1, min_width=200)
        with gr.Row(equal_height=False):
            started = gr.Textbox(
                label="Started (YYYY-MM-DD, optional)",
                placeholder="2026-09-01",
                max_lines=1,
                min_width=200,
            )
            cadence = gr.Textbox(
                label="Meet every … days (optional)",
                placeholder="14",
                max_lines=1,
                min_width=200,
            )
        add_pair = gr.Button("Add mentorship", variant="primary")

    with gr.Accordion(
        "Add a goal, a meeting or an action item", open=False, elem_id="record-add-entry"
    ):
        mentorship = gr.Dropdown(label="Mentorship", choices=[], value=None)
        gr.Markdown("#### Goal")
        with gr.Group(elem_id="record-goal-form"):
            goal_text = gr.Textbox(label="Goal", max_lines=3)
            goal_due = gr.Textbox(
                label="Goal due (YYYY-MM-DD, optional)", placeholder="2027-03-31", max_lines=1
            )
        add_goal = gr.Button("Add goal")
        gr.Markdown("#### Meeting")
        with gr.Group(elem_id="record-meeting-form"):
            with gr.Row(equal_height=False):
                held_on = gr.Textbox(
                    label="Meeting date (YYYY-MM-DD)",
                    placeholder="2026-12-01",
                    max_lines=1,
                    min_width=180,
                )
                minutes = gr.Textbox(
                    label="Minutes (optional)", placeholder="45", max_lines=1, min_width=140
                )
                held = gr.Radio(
                    [("Held", "held"), ("Cancelled", "cancelled")],
                    value="held",
                    label="The meeting was",
                    min_width=180,
                )
            notes = gr.Textbox(label="Meeting notes (optional)", lines=2)
            agreed = gr.Textbox(label="What was agreed (optional)", lines=2)
        add_meeting = gr.Button("Add meeting")
        gr.Markdown("#### Action item")
        with gr.Group(elem_id="record-action-form"), gr.Row(equal_height=False):
            action_text = gr.Textbox(label="Action item", max_lines=2, min_width=240)
            who = gr.Textbox(label="Who does it", value="me", max_lines=1, min_width=140)
            action_due = gr.Textbox(
                label="Item due (YYYY-MM-DD, optional)",
                placeholder="2027-01-15",
                max_lines=1,
                min_width=180,
            )
        add_action = gr.Button("Add action item")

    with gr.Accordion("Mark done or delete", open=False, elem_id="record-change"):
        open_item = gr.Dropdown(label="Open action item", choices=[], value=None)
        mark_done = gr.Button("Mark done")
        chosen = gr.Dropdown(label="Entry to delete", choices=[], value=None)
        delete = gr.Button("Delete entry", variant="stop")
        gr.Markdown(
            "Deleting a mentorship deletes its goals, meetings and action items too. "
            "Deleting everything cannot be undone."
        )
        with gr.Row(equal_height=True):
            confirm = gr.Checkbox(label="I understand this deletes my whole record", scale=3)
            delete_all = gr.Button("Delete everything", variant="stop", scale=1, min_width=140)

    shown = [noticed, empty, mentorships, goals, meetings, actions, mentorship, open_item, chosen]

    def view(request: gr.Request, keep: str | None = None) -> dict[Any, Any]:
        """The viewer's record as the tab shows it (``keep``: the mentorship left chosen)."""
        record = coach.record.record(viewer.user(request))
        rows = tables(record)
        said = nudges_markdown(record, date.today())
        pairs = mentorship_choices(record)
        if keep not in {value for _, value in pairs}:
            keep = pairs[0][1] if len(pairs) == 1 else None
        return {
            noticed: gr.Markdown(said, visible=bool(said)),
            empty: gr.Markdown(visible=record.empty),
            mentorships: gr.Dataframe(rows["mentorship"], visible=bool(rows["mentorship"])),
            goals: gr.Dataframe(rows["goal"], visible=bool(rows["goal"])),
            meetings: gr.Dataframe(rows["meeting"], visible=bool(rows["meeting"])),
            actions: gr.Dataframe(rows["action"], visible=bool(rows["action"])),
            mentorship: gr.Dropdown(choices=pairs, value=keep),
            open_item: gr.Dropdown(choices=open_item_choices(record), value=None),
            chosen: gr.Dropdown(choices=entry_choices(record), value=None),
        }

    def chosen_pair(value: str | None) -> str:
        if not value:
            raise InputError(
                "No mentorship chosen.", "Pick one under Mentorship, or add a mentorship first."
            )
        return value

    def added(kind: EntryKind, entry: Any, request: gr.Request, keep: str | None) -> dict[Any, Any]:
        stored = coach.record.add(entry, viewer.user(request))
        return {**view(request, keep), status: said(f"Added the {KIND_WORDS[kind]} ({stored.id}).")}

    @readable_errors
    def new_mentorship(
        role: str, name: str, start: str, every: str, request: gr.Request
    ) -> dict[Any, Any]:
        entry = checked(
            "mentorship",
            {
                "role": role,
                "other_name": name,
                "started": _blank(start),
                "cadence_days": _blank(every),
            },
        )
        reply = added("mentorship", entry, request, None)
        return {**reply, other_name: "", started: "", cadence: ""}

    @readable_errors
    def new_goal(pair: str | None, text: str, due: str, request: gr.Request) -> dict[Any, Any]:
        entry = checked(
            "goal", {"mentorship_id": chosen_pair(pair), "text": text, "due": _blank(due)}
        )
        return {**added("goal", entry, request, pair), goal_text: "", goal_due: ""}

    @readable_errors
    def new_meeting(
        pair: str | None,
        day: str,
        length: str,
        how: str,
        notes_: str,
        agreed_: str,
        request: gr.Request,
    ) -> dict[Any, Any]:
        if not _blank(day):
            raise InputError("The meeting has no date.", "Write it as YYYY-MM-DD.")
        entry = checked(
            "meeting",
            {
                "mentorship_id": chosen_pair(pair),
                "held_on": _blank(day),
                "minutes": _blank(length),
                "status": how,
                "notes": notes_ or "",
                "agreed": agreed_ or "",
            },
        )
        reply = added("meeting", entry, request, pair)
        return {**reply, held_on: "", minutes: "", notes: "", agreed: ""}

    @readable_errors
    def new_action(
        pair: str | None, text: str, whom: str, due: str, request: gr.Request
    ) -> dict[Any, Any]:
        entry = checked(
            "action",
            {
                "mentorship_id": chosen_pair(pair),
                "text": text,
                "who": _blank(whom) or "me",
                "due": _blank(due),
            },
        )
        return {**added("action", entry, request, pair), action_text: "", action_due: ""}

    @readable_errors
    def done(item: str | None, pair: str | None, request: gr.Request) -> dict[Any, Any]:
        if not item:
            raise InputError("No action item chosen.", "Pick one under Open action item.")
        stored = coach.record.update("action", item, {"done": True}, viewer.user(request))
        text = esc(_short(getattr(stored, "text", "")))
        return {**view(request, pair), status: said(f"Marked done: {text}.")}

    @readable_errors
    def remove(value: str | None, pair: str | None, request: gr.Request) -> dict[Any, Any]:
        if not value or ":" not in value:
            raise InputError("No entry chosen.", "Pick one under Entry to delete.")
        kind_value, entry_id = value.split(":", 1)
        kind = check_kind(kind_value)
        coach.record.delete(kind, entry_id, viewer.user(request))
        return {
            **view(request, pair),
            status: said(f"Deleted the {KIND_WORDS[kind]} ({esc(entry_id)})."),
        }

    @readable_errors
    def remove_all(sure: bool, request: gr.Request) -> dict[Any, Any]:
        if not sure:
            raise InputError(
                "Nothing was deleted.",
                "Tick 'I understand this deletes my whole record' first, then press "
                "Delete everything.",
            )
        count = coach.record.delete_all(viewer.user(request))
        entries = "entry" if count == 1 else "entries"
        return {
            **view(request),
            confirm: False,
            status: said(f"Deleted your whole record ({count} {entries})."),
        }

    private: dict[str, Any] = {"api_visibility": "private"}
    add_pair.click(
        new_mentorship,
        [pair_role, other_name, started, cadence],
        [*shown, status, other_name, started, cadence],
        **private,
    )
    add_goal.click(
        new_goal,
        [mentorship, goal_text, goal_due],
        [*shown, status, goal_text, goal_due],
        **private,
    )
    add_meeting.click(
        new_meeting,
        [mentorship, held_on, minutes, held, notes, agreed],
        [*shown, status, held_on, minutes, notes, agreed],
        **private,
    )
    add_action.click(
        new_action,
        [mentorship, action_text, who, action_due],
        [*shown, status, action_text, action_due],
        **private,
    )
    mark_done.click(done, [open_item, mentorship], [*shown, status], **private)
    delete.click(remove, [chosen, mentorship], [*shown, status], **private)
    delete_all.click(remove_all, confirm, [*shown, confirm, status], **private)

    @readable_errors
    def refresh(pair: str | None, request: gr.Request) -> dict[Any, Any]:
        return view(request, pair)

    # Read once when the page opens; every change made here shows the record anew. (Refreshing
    # on opening the tab as well would race a change made at once: an older read could land
    # after it.)
    demo.load(refresh, mentorship, shown, **private)

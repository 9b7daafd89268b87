"""`coach record ...`: your mentorship record (mentorships, goals, meetings, action items), what
the coach notices in it, its Markdown export, and a program lead's figures for the program.

The record lives in the database alone: these commands open it without the knowledge index.
On this machine the record is the local person's (the one with no account name).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.common import DebugOpt, HomeOpt, JsonOpt, console, print_json, user_errors
from assistant.errors import InputError

if TYPE_CHECKING:
    from assistant.database import Database
    from assistant.record.models import Record
    from assistant.record.store import RecordStore

commands = typer.Typer(
    name="record",
    help="Your mentorship record: mentorships, goals, meetings and action items.",
    invoke_without_command=True,
)
add_commands = typer.Typer(
    name="add",
    help="Add a mentorship, goal, meeting or action item to your record.",
    no_args_is_help=True,
)
commands.add_typer(add_commands)

MentorshipOpt = Annotated[
    str, typer.Option("--mentorship", "-m", help="The mentorship's id (see 'coach record').")
]
DueOpt = Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")]
# An entry's field, as the option that sets it here: the record's errors name it so.
FLAGS = {
    "other_name": "--name",
    "cadence_days": "--cadence-days",
    "named_to_lead": "--named-to-lead",
    "mentorship_id": "--mentorship",
    "meeting_id": "--meeting",
    "held_on": "--date",
}


def _database(home: Path | None) -> Database:
    """The database alone (fast, and works while a server is running)."""
    from assistant.config import Settings
    from assistant.database import open_database

    settings = Settings(home=home) if home else Settings()
    return open_database(settings.home, settings.database_url)


def _store(home: Path | None) -> RecordStore:
    from assistant.record.store import RecordStore

    return RecordStore(_database(home))


def _add(home: Path | None, kind: str, fields: dict[str, Any], json_out: bool) -> None:
    """Check ``fields`` as an entry of ``kind`` (the field named when bad) and store it."""
    from assistant.record.store import check_kind, parsed

    fields = {k: v for k, v in fields.items() if v is not None}
    entry = parsed(check_kind(kind), fields, labels=FLAGS)
    stored = _store(home).add(entry)
    if json_out:
        print_json(stored)
    else:
        typer.echo(f"Added {kind} {stored.id}.")


def _day(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def _sections(record: Record) -> list[tuple[str, list[str], list[list[str]]]]:
    """The record as (title, columns, rows) for a table or plain lines."""
    names = record.names
    return [
        (
            "Mentorships",
            ["id", "you are", "with", "started", "every"],
            [
                [
                    m.id,
                    m.role,
                    m.other_name,
                    _day(m.started),
                    f"{m.cadence_days} days" if m.cadence_days else "",
                ]
                for m in record.mentorships
            ],
        ),
        (
            "Goals",
            ["id", "with", "goal", "status", "due"],
            [
                [g.id, names.get(g.mentorship_id, ""), g.text, g.status, _day(g.due)]
                for g in record.goals
            ],
        ),
        (
            "Meetings",
            ["id", "with", "date", "status", "minutes", "agreed"],
            [
                [
                    m.id,
                    names.get(m.mentorship_id, ""),
                    _day(m.held_on),
                    m.status,
                    str(m.minutes or ""),
                    " ".join(m.agreed.split())[:80],
                ]
                for m in record.meetings
            ],
        ),
        (
            "Action items",
            ["id", "with", "item", "who", "due", "done"],
            [
                [
                    a.id,
                    names.get(a.mentorship_id, ""),
                    a.text,
                    a.who,
                    _day(a.due),
                    "done" if a.done else "open",
                ]
                for a in record.actions
            ],
        ),
    ]


def _print_sections(sections: list[tuple[str, list[str], list[list[str]]]]) -> None:
    """Rich tables on a terminal; tab-separated lines otherwise (for scripts and pipes)."""
    out = console()
    terminal = sys.stdout.isatty()
    for title, columns, rows in sections:
        if not rows:
            continue
        if terminal:
            from rich.table import Table

            table = Table(title=title, title_justify="left")
            for column in columns:
                table.add_column(column)
            for row in rows:
                table.add_row(*row)
            out.print(table)
        else:
            typer.echo(f"{title}:")
            for row in rows:
                typer.echo("\t".join(row))


@commands.callback()
def show(
    ctx: typer.Context,
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show your record and what the coach notices in it today."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors(debug):
        from assistant.record.nudges import nudges

        record = _store(home).record()
        noticed = nudges(record, date.today())
        if json_out:
            print_json(
                {
                    "record": record.model_dump(mode="json"),
                    "nudges": [nudge.model_dump(mode="json") for nudge in noticed],
                }
            )
            return
        if record.empty:
            typer.echo(
                "Your record is empty: start with "
                "'coach record add mentorship --role mentee --name NAME'."
            )
            return
        _print_sections(_sections(record))
        if noticed:
            typer.echo("Today:")
            for nudge in noticed:
                typer.echo(f"- {nudge.text}")


@add_commands.command("mentorship")
def add_mentorship(
    role: Annotated[str, typer.Option("--role", "-r", help="Your side: mentor or mentee.")],
    name: Annotated[str, typer.Option("--name", help="The other person's name.")],
    cadence_days: Annotated[
        int | None, typer.Option("--cadence-days", help="How often you agreed to meet (days).")
    ] = None,
    started: Annotated[
        str | None, typer.Option("--started", help="When it started, YYYY-MM-DD.")
    ] = None,
    named_to_lead: Annotated[
        bool,
        typer.Option(
            "--named-to-lead",
            help="You agree a program lead's list of stalled pairs may name you both.",
        ),
    ] = False,
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Add a mentorship: you and the person you mentor, or your mentor."""
    with user_errors(debug):
        fields = {
            "role": role,
            "other_name": name,
            "cadence_days": cadence_days,
            "started": started,
            "named_to_lead": named_to_lead,
        }
        _add(home, "mentorship", fields, json_out)


@add_commands.command("goal")
def add_goal(
    mentorship: MentorshipOpt,
    text: Annotated[str, typer.Option("--text", help="The goal, in a sentence.")],
    due: DueOpt = None,
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Add a goal to a mentorship."""
    with user_errors(debug):
        fields = {"mentorship_id": mentorship, "text": text, "due": due}
        _add(home, "goal", fields, json_out)


@add_commands.command("meeting")
def add_meeting(
    mentorship: MentorshipOpt,
    held_on: Annotated[str, typer.Option("--date", help="The meeting's day, YYYY-MM-DD.")],
    minutes: Annotated[int | None, typer.Option("--minutes", help="How long it took.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Your notes.")] = None,
    agreed: Annotated[str | None, typer.Option("--agreed", help="What you agreed.")] = None,
    cancelled: Annotated[
        bool, typer.Option("--cancelled", help="The meeting was cancelled.")
    ] = False,
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Add a meeting (held, or cancelled) to a mentorship."""
    with user_errors(debug):
        fields = {
            "mentorship_id": mentorship,
            "held_on": held_on,
            "minutes": minutes,
            "notes": notes,
            "agreed": agreed,
            "status": "cancelled" if cancelled else "held",
        }
        _add(home, "meeting", fields, json_out)


@add_commands.command("action")
def add_action(
    mentorship: MentorshipOpt,
    text: Annotated[str, typer.Option("--text", help="What is to be done.")],
    who: Annotated[str | None, typer.Option("--who", help="Who does it (default: me).")] = None,
    due: DueOpt = None,
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="The meeting it was agreed in (its id).")
    ] = None,
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Add an action item to a mentorship."""
    with user_errors(debug):
        fields = {
            "mentorship_id": mentorship,
            "text": text,
            "who": who,
            "due": due,
            "meeting_id": meeting,
        }
        _add(home, "action", fields, json_out)


@commands.command("done")
def done(
    action_id: Annotated[str, typer.Argument(help="The action item's id.")],
    json_out: JsonOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Mark an action item done."""
    with user_errors(debug):
        item = _store(home).update("action", action_id, {"done": True})
        if json_out:
            print_json(item)
        else:
            typer.echo(f"Done: {getattr(item, 'text', action_id)}")


@commands.command("delete")
def delete(
    kind: Annotated[str, typer.Argument(help="mentorship, goal, meeting or action.")],
    entry_id: Annotated[str, typer.Argument(help="The entry's id.")],
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Delete one entry (a mentorship with everything recorded under it)."""
    with user_errors(debug):
        from assistant.record.store import check_kind

        _store(home).delete(check_kind(kind), entry_id)
        typer.echo(f"Deleted {kind} {entry_id}.")


@commands.command("clear")
def clear(
    yes: Annotated[bool, typer.Option("--yes", help="Yes, delete my whole record.")] = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Delete your whole record (every mentorship, goal, meeting and action item)."""
    with user_errors(debug):
        if not yes:
            raise InputError(
                "This deletes your whole record and cannot be undone.",
                "Run 'coach record clear --yes' to delete it.",
            )
        count = _store(home).delete_all()
        typer.echo(f"Deleted your record ({count} entr{'y' if count == 1 else 'ies'}).")


@commands.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the Markdown to this file.")
    ] = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Your record as Markdown (printed, or written to --out)."""
    with user_errors(debug):
        text = _store(home).export_markdown()
        if out is None:
            typer.echo(text, nl=False)
            return
        out.expanduser().write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {out}.")


@commands.command("health")
def health(json_out: JsonOpt = False, home: HomeOpt = None, debug: DebugOpt = False) -> None:
    """A program lead's view of the whole program: counts, and the stalled pairs whose two
    people both agreed to be named (never any record's text)."""
    with user_errors(debug):
        from assistant.record.health import ACTIVE_DAYS, program_health

        figures = program_health(_database(home), date.today())
        if json_out:
            print_json(figures)
            return
        typer.echo(f"Mentorships: {figures.mentorships}")
        typer.echo(f"Active (met in the last {ACTIVE_DAYS} days): {figures.active}")
        typer.echo(f"Stalled (agreed cadence missed): {figures.stalled}")
        for pair in figures.stalled_named:
            typer.echo(f"  stalled, named with consent: {pair.mentor} (mentor), {pair.mentee}")
        typer.echo("Meetings held per month:")
        for month, count in figures.meetings_per_month.items():
            typer.echo(f"  {month}: {count}")
        typer.echo("Escalations per month:")
        for month, count in figures.escalations_per_month.items():
            typer.echo(f"  {month}: {count}")

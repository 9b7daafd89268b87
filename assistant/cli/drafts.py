"""`coach agenda | feedback | message | agreement`: drafting commands for the Typer app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from assistant.cli.common import (
    BackendOpt,
    DebugOpt,
    HomeOpt,
    JsonOpt,
    open_coach,
    print_json,
    user_errors,
)
from assistant.drafting.models import (
    AgendaRequest,
    AgreementRequest,
    DraftStyle,
    FeedbackDirection,
    FeedbackKind,
    FeedbackRequest,
    MentoringStyle,
    MessageKind,
    MessageRequest,
    Party,
    SessionType,
)
from assistant.errors import InputError

if TYPE_CHECKING:
    from pydantic import BaseModel

MdOpt = Annotated[bool, typer.Option("--md", help="Print Markdown (citations as footnotes).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write the draft to this file.")]
StyleOpt = Annotated[
    DraftStyle,
    typer.Option(
        help="short keeps the essentials; casual, formal and warm change the voice of any draft."
    ),
]


commands = typer.Typer()


class Output(NamedTuple):
    """Where and how to show a draft."""

    as_json: bool
    markdown: bool
    out: Path | None


def _emit(draft: Any, output: Output) -> None:
    """Print the draft, or write it to a file, as JSON, Markdown or plain text."""
    from assistant.drafting.render import to_markdown, to_text

    if output.as_json and output.out is None:
        print_json(draft)
        return
    if output.as_json:
        text = draft.model_dump_json(indent=2) + "\n"
    else:
        text = to_markdown(draft) if output.markdown else to_text(draft)
    if output.out is None:
        typer.echo(text, nl=False)
        return
    try:
        output.out.expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        message = f"Cannot write {output.out}: {exc.strerror}."
        raise InputError(message, "Choose another --out path.") from None
    typer.echo(f"wrote {output.out}")


def _draft(
    method: str,
    model: type[BaseModel],
    fields: dict[str, Any],
    backend: str | None,
    output: Output,
    home: Path | None,
    debug: bool,
) -> None:
    """Validate the request (bad input exits 2), draft it with the Coach and show it."""
    from assistant.drafting.requests import build_request

    with user_errors(debug):
        request = build_request(model, "See --help for the accepted values.", **fields)
        draft = getattr(open_coach(home), method)(request, backend=backend)
        _emit(draft, output)


@commands.command()
def agenda(
    goal: Annotated[list[str], typer.Option("--goal", help="A goal to work on (repeat).")],
    session: Annotated[SessionType, typer.Option(help="Which session.")] = "regular",
    minutes: Annotated[int, typer.Option(help="Session length, 15-180.")] = 60,
    challenge: Annotated[
        list[str] | None, typer.Option("--challenge", help="A current challenge (repeat).")
    ] = None,
    progress: Annotated[str | None, typer.Option(help="Progress since last time.")] = None,
    mentoring_style: Annotated[MentoringStyle | None, typer.Option(help="Mentoring style.")] = None,
    role: Annotated[Party, typer.Option(help="Who prepares it.")] = "mentor",
    style: StyleOpt = "standard",
    backend: BackendOpt = None,
    markdown: MdOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Draft a timed session agenda; every item cites the practice it came from."""
    fields = dict(
        session=session, minutes=minutes, goals=goal, challenges=challenge or [],
        progress=progress, mentoring_style=mentoring_style, role=role, style=style,
    )  # fmt: skip
    _draft("agenda", AgendaRequest, fields, backend, Output(as_json, markdown, out), home, debug)


@commands.command()
def feedback(
    situation: Annotated[str, typer.Option(help="When and where it happened.")],
    behavior: Annotated[
        str, typer.Option("--behavior", "--behaviour", help="What they did or said.")
    ],
    impact: Annotated[str, typer.Option(help="The effect it had.")],
    kind: Annotated[FeedbackKind, typer.Option(help="What the feedback does.")] = "reinforcing",
    direction: Annotated[
        FeedbackDirection, typer.Option(help="Who gives it to whom.")
    ] = "mentor-to-mentee",
    request: Annotated[
        str | None, typer.Option("--request", help="What should happen next.")
    ] = None,
    style: StyleOpt = "standard",
    backend: BackendOpt = None,
    markdown: MdOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Draft feedback in situation-behaviour-impact form, with a tone check."""
    fields = dict(
        situation=situation, behavior=behavior, impact=impact, kind=kind,
        direction=direction, request=request, style=style,
    )  # fmt: skip
    _draft(
        "feedback",
        FeedbackRequest,
        fields,
        backend,
        Output(as_json, markdown, out),
        home,
        debug,
    )


@commands.command()
def message(
    kind: Annotated[MessageKind, typer.Argument(help="Which message.")],
    to: Annotated[Party, typer.Option(help="Who it is for.")] = "mentor",
    name: Annotated[str | None, typer.Option(help="Their name.")] = None,
    sender: Annotated[str | None, typer.Option(help="Your name, to sign it.")] = None,
    about: Annotated[str | None, typer.Option(help="The goal, topic or meeting.")] = None,
    detail: Annotated[
        str | None, typer.Option(help="A specific: why them, what helped, or why.")
    ] = None,
    time: Annotated[
        list[str] | None, typer.Option("--time", help="A time you propose (repeat).")
    ] = None,
    style: StyleOpt = "standard",
    backend: BackendOpt = None,
    markdown: MdOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Draft a short message with {placeholders} for what you leave out."""
    fields = dict(
        kind=kind, to=to, name=name, sender=sender, about=about, detail=detail,
        times=time or [], style=style,
    )  # fmt: skip
    _draft("message", MessageRequest, fields, backend, Output(as_json, markdown, out), home, debug)


@commands.command()
def agreement(
    mentor: Annotated[str | None, typer.Option(help="The mentor's name.")] = None,
    mentee: Annotated[str | None, typer.Option(help="The mentee's name.")] = None,
    goal: Annotated[list[str] | None, typer.Option("--goal", help="A goal (repeat).")] = None,
    cadence: Annotated[str | None, typer.Option(help="e.g. 'every two weeks'.")] = None,
    minutes: Annotated[int, typer.Option(help="Meeting length, 15-180.")] = 60,
    channel: Annotated[
        list[str] | None, typer.Option("--channel", help="video, phone, in person (repeat).")
    ] = None,
    months: Annotated[int | None, typer.Option(help="How many months it runs.")] = None,
    review: Annotated[str | None, typer.Option(help="The review date.")] = None,
    style: StyleOpt = "standard",
    backend: BackendOpt = None,
    markdown: MdOpt = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Draft a mentoring agreement: goals, roles, cadence, confidentiality, ending."""
    fields = dict(
        mentor=mentor, mentee=mentee, goals=goal or [], cadence=cadence, minutes=minutes,
        channels=channel or [], months=months, review=review, style=style,
    )  # fmt: skip
    _draft(
        "agreement",
        AgreementRequest,
        fields,
        backend,
        Output(as_json, markdown, out),
        home,
        debug,
    )

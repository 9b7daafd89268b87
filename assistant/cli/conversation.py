"""`coach ask | chat | sessions`: questions, conversations and their history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.common import (
    BackendOpt,
    DebugOpt,
    HomeOpt,
    JsonOpt,
    RetrievalOpt,
    RoleOpt,
    console,
    open_coach,
    print_json,
    user_errors,
)
from assistant.config import Detail
from assistant.errors import CoachError

if TYPE_CHECKING:
    from assistant.coach import Coach

commands = typer.Typer()
DetailOpt = Annotated[
    Detail | None,
    typer.Option(
        "--detail",
        help="brief: about 250 words, the rest offered as 'more on' items; full: every step.",
    ),
]


def print_answer(answer: Any, streamed: bool = False) -> None:
    """Show an answer's text (unless it was streamed already), its sources and warnings; on a
    terminal the text's Markdown is rendered, piped it stays plain text."""
    out = console()
    if not streamed:
        out.print(rendered(answer.text, out.is_terminal))
    if answer.citations:
        out.print("\nSources:", style="bold")
        for c in answer.citations:
            out.print(f"  [{c.n}] {c.heading_path} ({c.doc_id})", markup=False)
    for warning in answer.warnings:
        out.print(f"Warning: {warning}", style="yellow", markup=False)


def rendered(text: str, terminal: bool) -> Any:
    """Markdown for a terminal, the text as it is for a pipe or a file."""
    from rich.markdown import Markdown
    from rich.text import Text

    return Markdown(text) if terminal else Text(text)


def stream_answer(pieces: Iterator[Any]) -> Any:
    """Show streamed text as it comes (rendered as Markdown on a terminal), then the sources;
    returns the final Answer."""
    out = console()
    answer = None
    if out.is_terminal:
        from rich.live import Live

        text = ""
        with Live(rendered("", True), console=out, refresh_per_second=8) as live:
            for piece in pieces:
                if isinstance(piece, str):
                    text += piece
                    live.update(rendered(text, True))
                else:
                    answer = piece
                    live.update(rendered(answer.text, True))
    else:
        for piece in pieces:
            if isinstance(piece, str):
                typer.echo(piece, nl=False)
            else:
                answer = piece
        typer.echo("")
    print_answer(answer, streamed=True)
    return answer


@commands.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in your own words.")],
    role: RoleOpt = "mentee",
    backend: BackendOpt = None,
    retrieval: RetrievalOpt = None,
    session: Annotated[
        str | None, typer.Option("--session", help="Continue this conversation (see 'sessions').")
    ] = None,
    detail: DetailOpt = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ask a question; the answer cites the best practice it comes from."""
    with user_errors(debug):
        coach = open_coach(home)
        if as_json:
            print_json(coach.ask(question, role, session, backend, retrieval, detail=detail))
            return
        stream_answer(coach.stream(question, role, session, backend, retrieval, detail=detail))


CHAT_HELP = "Commands: /new  /sources  /known  /forget  /export FILE  /quit"


def print_known(coach: Coach, session_id: str | None) -> None:
    """What the coach knows about this conversation (names, days, what happened)."""
    from assistant.conversation.state import FACT_LABELS

    known = coach.conversation_state(session_id).facts.known() if session_id else {}
    out = console()
    if not known:
        out.print("Nothing yet: the coach learns names, days and facts from what you tell it.")
    for name, value in known.items():
        out.print(f"  {FACT_LABELS[name]}: {value}", markup=False)


@commands.command()
def chat(
    role: RoleOpt = "mentee",
    backend: BackendOpt = None,
    session: Annotated[str | None, typer.Option("--session", help="Resume a conversation.")] = None,
    detail: DetailOpt = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Talk with the coach in the terminal: follow-ups, drafts ("write it for me") and
    revisions ("shorter", "less formal") keep to the conversation."""
    with user_errors(debug):
        coach = open_coach(home)
        if session:
            coach.sessions.info(session)
        session_id = session  # a new conversation is stored with its first answer
        out = console()
        out.print(f"Mentor Coach ({role}). {CHAT_HELP}", markup=False)
        last = None
        while True:
            try:
                line = input("\nyou> ").strip()
            except EOFError:
                break
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line == "/new":
                session_id, last = None, None
                out.print("Started a new conversation.")
            elif line == "/sources":
                print_answer(last, streamed=True) if last else out.print("No answer yet.")
            elif line == "/known":
                print_known(coach, session_id)
            elif line == "/forget":
                if session_id:
                    coach.clear_conversation_state(session_id)
                out.print("Forgot what I knew about this conversation (its messages stay).")
            elif line.startswith("/export"):
                target = line.removeprefix("/export").strip()
                if not target:
                    out.print("Usage: /export FILE")
                    continue
                if session_id is None:
                    out.print("Nothing to export yet: ask a question first.")
                    continue
                Path(target).expanduser().write_text(coach.export_session(session_id))
                out.print(f"Saved the conversation to {target}")
            elif line.startswith("/"):
                out.print(f"Unknown command {line}. {CHAT_HELP}", markup=False)
            else:
                try:
                    last = stream_answer(
                        coach.stream(line, role, session_id, backend, store=True, detail=detail)
                    )
                    session_id = last.session_id
                except CoachError as exc:
                    out.print(f"Error: {exc}", style="red", markup=False)


@commands.command()
def sessions(
    export: Annotated[
        str | None, typer.Option("--export", help="Print this conversation as Markdown.")
    ] = None,
    delete: Annotated[
        str | None, typer.Option("--delete", help="Delete this conversation.")
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List saved conversations, export one as Markdown, or delete one."""
    with user_errors(debug):
        coach = open_coach(home)
        if export:
            typer.echo(coach.export_session(export))
        elif delete:
            coach.delete_session(delete)
            console().print(f"deleted {delete}")
        elif as_json:
            print_json(coach.list_sessions())
        else:
            for info in coach.list_sessions():
                typer.echo(
                    f"{info.id}  {info.updated_at:%Y-%m-%d %H:%M}  {info.role:12} "
                    f"{info.turns // 2} questions  {info.title}"
                )

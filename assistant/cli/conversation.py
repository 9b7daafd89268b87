"""`coach ask | chat | sessions`: questions, conversations and their history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from assistant.answering.triage import triage_rules
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
from assistant.errors import CoachError

if TYPE_CHECKING:
    from assistant.coach import Coach

commands = typer.Typer()


def print_answer(answer: Any, streamed: bool = False) -> None:
    """Show an answer's text (unless it was streamed already), its sources and warnings."""
    out = console()
    if not streamed:
        out.print(answer.text, markup=False)
    if answer.citations:
        out.print("\nSources:", style="bold")
        for c in answer.citations:
            out.print(f"  [{c.n}] {c.heading_path} ({c.doc_id})", markup=False)
    for warning in answer.warnings:
        out.print(f"Warning: {warning}", style="yellow", markup=False)


def stream_answer(pieces: Iterator[Any]) -> Any:
    """Echo streamed text as it comes, then the sources; returns the final Answer."""
    answer = None
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
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Ask a question; the answer cites the best practice it comes from."""
    with user_errors(debug):
        coach = open_coach(home)
        if as_json:
            print_json(coach.ask(question, role, session, backend, retrieval))
            return
        stream_answer(coach.stream(question, role, session, backend, retrieval))


CHAT_HELP = "Commands: /new  /sources  /export FILE  /quit"


@commands.command()
def chat(
    role: RoleOpt = "mentee",
    backend: BackendOpt = None,
    session: Annotated[str | None, typer.Option("--session", help="Resume a conversation.")] = None,
    triage: Annotated[
        bool,
        typer.Option(help="Ask up to two clarifying questions about a stalled mentorship first."),
    ] = True,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Talk with the coach in the terminal; follow-up questions keep the conversation."""
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
                    question = clarified(coach, line, out) if triage else line
                    last = stream_answer(
                        coach.stream(question, role, session_id, backend, store=True)
                    )
                    session_id = last.session_id
                except CoachError as exc:
                    out.print(f"Error: {exc}", style="red", markup=False)


def clarified(coach: Coach, message: str, out: Console) -> str:
    """The message with the answers to the triage questions it calls for (a stall: how long,
    who cancels), asked one at a time; Enter skips one, "skip" the rest."""
    asking = coach.triage(message)
    if asking is None:
        return message
    out.print(triage_rules().intro, markup=False)
    while (next_question := asking.next_question) is not None:
        try:
            asking = asking.reply(input(f"  {next_question.prompt}\n  > "))
        except EOFError:
            break
    return asking.clarified


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

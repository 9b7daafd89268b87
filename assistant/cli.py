"""The `coach` command line: a thin Typer layer over the Coach facade."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer

from assistant.config import Backend, RetrievalMode
from assistant.errors import CoachError, InputError
from assistant.models import Role

if TYPE_CHECKING:
    from assistant.coach import Coach

app = typer.Typer(
    name="coach",
    help="Mentor Coach: grounded, cited answers and drafts for mentors, mentees and program leads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _log_level() -> None:
    """Mentor Coach: grounded, cited answers and drafts for mentors, mentees and program leads.

    Set COACH_LOG_LEVEL=DEBUG to see, on stderr, why each message was routed as it was.
    """
    name = os.environ.get("COACH_LOG_LEVEL", "WARNING").upper()
    level = logging.getLevelName(name)  # the number for a known name
    if not isinstance(level, int):
        raise typer.BadParameter(
            f"COACH_LOG_LEVEL={name} is not a log level; use DEBUG, INFO, WARNING or ERROR."
        )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("assistant")
    logger.addHandler(handler)
    logger.setLevel(level)


def _mount_subcommands() -> None:
    from assistant.drafting_cli import register
    from evals.cli import eval_app

    app.add_typer(eval_app, name="eval")
    register(app)


JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Data directory (default: $COACH_HOME or the user data dir)."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")]


def _console(stderr: bool = False):
    from rich.console import Console

    # No markup by default: titles, paths and messages are the user's text ("[/b]" in a title
    # must print as typed); markup=True is passed only with the dynamic parts escaped.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


def _print_error(message: object, label: str = "Error:") -> None:
    from rich.markup import escape

    _console(stderr=True).print(f"[red]{label}[/red] {escape(str(message))}", markup=True)


@contextmanager
def user_errors(debug: bool) -> Iterator[None]:
    """Turn errors into one clear line on stderr and a non-zero exit code (no traceback)."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as exc:
        if debug:
            raise
        _print_error(exc)
        raise typer.Exit(2) from None
    except CoachError as exc:
        if debug:
            raise
        _print_error(exc)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        _print_error(
            f"{type(exc).__name__}: {exc}\n"
            "Run the same command with --debug for the full traceback.",
            label="Unexpected error:",
        )
        raise typer.Exit(1) from None


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr, fed by (done, total, item) callbacks."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total, item: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=_console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            progress.update(task, completed=done, total=total, description=Path(item).name)

        yield update


def open_coach(home: Path | None, settle: bool = True, **overrides: Any) -> Coach:
    """Open the Coach, building the default knowledge index on first use with a progress bar."""
    from assistant.coach import Coach

    def waiting(message: str) -> None:
        _console(stderr=True).print(message, style="yellow")

    with progress_bar("Indexing knowledge") as update:
        return Coach.open(home=home, progress=update, on_wait=waiting, settle=settle, **overrides)


def print_json(data: Any) -> None:
    """Print a model, list of models or plain data as JSON on stdout."""

    def dump(value: Any) -> Any:
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        if isinstance(value, list):
            return [dump(item) for item in value]
        return value

    typer.echo(json.dumps(dump(data), indent=2, ensure_ascii=False))


def _print_report(report: Any) -> None:
    console = _console()
    console.print(
        f"added {len(report.added)}, updated {len(report.updated)}, unchanged "
        f"{len(report.unchanged)}, failed {len(report.failed)} — {report.chunks_added} new chunks "
        f"({report.embedded} texts embedded), {report.chunks_removed} removed"
    )
    for failure in report.failed:
        _print_error(failure.error)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md .txt .pdf .html).")],
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Add your own documents to the index (unchanged files are skipped)."""
    with user_errors(debug):
        coach = open_coach(home)
        with progress_bar("Ingesting", enabled=not as_json) as update:
            report = coach.ingest(paths, progress=update)
        print_json(report) if as_json else _print_report(report)
        if report.failed:
            raise typer.Exit(2)


@app.command("list")
def list_documents(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False):
    """List indexed documents with their chunk counts."""
    with user_errors(debug):
        documents = open_coach(home).documents()
        if as_json:
            print_json([{**d.model_dump(mode="json"), "chunks": d.chunk_count} for d in documents])
            return
        from rich.table import Table

        table = Table("id", "title", "chunks", "kind", "source")
        for d in documents:
            kind = "built-in" if d.builtin else "yours"
            table.add_row(d.doc_id, d.title, str(d.chunk_count), kind, d.source)
        _console().print(table)


@app.command()
def remove(
    document: Annotated[str, typer.Argument(help="Document id (see 'coach list') or file path.")],
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Remove a document and its chunks from the index."""
    with user_errors(debug):
        removed = open_coach(home).remove(document)
        if as_json:
            print_json(removed)
        else:
            _console().print(f"removed {removed.doc_id} ({removed.chunk_count} chunks)")


@app.command()
def reindex(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """Rebuild both indexes from knowledge/ and the documents you ingested."""
    with user_errors(debug):
        coach = open_coach(home)
        with progress_bar("Reindexing", enabled=not as_json) as update:
            report = coach.reindex(progress=update)
        print_json(report) if as_json else _print_report(report)


@app.command()
def doctor(
    home: HomeOpt = None,
    repair: Annotated[
        bool, typer.Option("--repair/--check", help="Repair what is out of step (default).")
    ] = True,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the index against the catalog, id by id, and repair it from what is intact."""
    with user_errors(debug):
        result = open_coach(home, settle=repair).doctor(repair=repair)
        if as_json:
            print_json({**result.model_dump(mode="json"), "consistent": result.consistent})
        else:
            console = _console()
            console.print(
                f"{result.documents} documents, {result.chunks} chunks: "
                + ("consistent" if result.consistent else "out of step")
                + (" (after an interrupted write)" if result.interrupted_write else "")
            )
            for line in result.repaired:
                console.print(f"repaired: {line}")
            for line in result.unresolved:
                _print_error(line, label="Needs you:")
        if result.unresolved or (not repair and not result.consistent):
            raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=50, help="How many chunks.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    role: Annotated[str | None, typer.Option(help="Boost chunks for this audience.")] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show the chunks retrieval returns for a query, with scores (for debugging retrieval)."""
    with user_errors(debug):
        _check_choice("--mode", mode, RETRIEVAL_MODES)
        if not query.strip():
            raise InputError("The query is empty.", "Type what you are looking for.")
        results = open_coach(home).search(query, k=k, mode=mode, role=role)  # type: ignore[arg-type]
        if as_json:
            print_json(results)
            return
        console = _console()
        for rank, chunk in enumerate(results, start=1):
            parts = [f"score {chunk.score:.4f}"]
            if chunk.dense_score is not None:
                parts.append(f"dense {chunk.dense_score:.3f}")
            if chunk.lexical_score is not None:
                parts.append(f"bm25 {chunk.lexical_score:.2f}")
            console.print(f"{rank}. {chunk.title} > {chunk.section}", style="bold")
            console.print(f"   {chunk.doc_id} · {', '.join(parts)}")
            console.print(f"   {' '.join(chunk.text.split())[:300]}")


RoleOpt = Annotated[str, typer.Option("--role", "-r", help="mentee, mentor or program-lead.")]
BackendOpt = Annotated[
    str | None, typer.Option("--backend", "-b", help="composer, openai, ollama or local.")
]
RetrievalOpt = Annotated[str | None, typer.Option("--retrieval", help="hybrid, dense or bm25.")]


ROLES = get_args(Role)
BACKENDS = get_args(Backend)
RETRIEVAL_MODES = get_args(RetrievalMode)


def _check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise InputError(f"Unknown {name} '{value}'.", f"Use one of: {', '.join(choices)}.")


def print_answer(answer: Any, streamed: bool = False) -> None:
    """Show an answer's text (unless it was streamed already), its sources and warnings."""
    console = _console()
    if not streamed:
        console.print(answer.text, markup=False)
    if answer.citations:
        console.print("\nSources:", style="bold")
        for c in answer.citations:
            where = f"{c.title} > {c.section}" if c.section else c.title
            console.print(f"  [{c.n}] {where} ({c.doc_id})", markup=False)
    for warning in answer.warnings:
        console.print(f"Warning: {warning}", style="yellow", markup=False)


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


@app.command()
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
        _check_choice("role", role, ROLES)
        _check_choice("backend", backend, BACKENDS)
        _check_choice("retrieval mode", retrieval, RETRIEVAL_MODES)
        coach = open_coach(home)
        if as_json:
            print_json(coach.ask(question, role, session, backend, retrieval))  # type: ignore[arg-type]
            return
        stream_answer(coach.stream(question, role, session, backend, retrieval))  # type: ignore[arg-type]


CHAT_HELP = "Commands: /new  /sources  /export FILE  /quit"


@app.command()
def chat(
    role: RoleOpt = "mentee",
    backend: BackendOpt = None,
    session: Annotated[str | None, typer.Option("--session", help="Resume a conversation.")] = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Talk with the coach in the terminal; follow-up questions keep the conversation."""
    with user_errors(debug):
        _check_choice("role", role, ROLES)
        _check_choice("backend", backend, BACKENDS)
        coach = open_coach(home)
        session_id = session or coach.new_session(role)  # type: ignore[arg-type]
        coach.sessions.info(session_id)
        console = _console()
        console.print(f"Mentor Coach ({role}). {CHAT_HELP}", markup=False)
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
                session_id = coach.new_session(role)  # type: ignore[arg-type]
                console.print("Started a new conversation.")
            elif line == "/sources":
                print_answer(last, streamed=True) if last else console.print("No answer yet.")
            elif line.startswith("/export"):
                target = line.removeprefix("/export").strip()
                if not target:
                    console.print("Usage: /export FILE")
                    continue
                Path(target).expanduser().write_text(coach.export_session(session_id))
                console.print(f"Saved the conversation to {target}")
            elif line.startswith("/"):
                console.print(f"Unknown command {line}. {CHAT_HELP}", markup=False)
            else:
                try:
                    last = stream_answer(coach.stream(line, role, session_id, backend))  # type: ignore[arg-type]
                except CoachError as exc:
                    console.print(f"Error: {exc}", style="red", markup=False)


@app.command()
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
            _console().print(f"deleted {delete}")
        elif as_json:
            print_json(coach.list_sessions())
        else:
            for info in coach.list_sessions():
                typer.echo(
                    f"{info.id}  {info.updated_at:%Y-%m-%d %H:%M}  {info.role:12} "
                    f"{info.turns // 2} questions  {info.title}"
                )


@app.command()
def ui(
    host: Annotated[
        str, typer.Option(help="Address to serve on; 127.0.0.1 keeps the app on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 7860,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Open the web app: chat, agendas, feedback, knowledge and evaluations (Ctrl+C stops it)."""
    with user_errors(debug):
        from ui.app import launch

        launch(open_coach(home), host=host, port=port)


_mount_subcommands()


def main() -> None:
    """Entry point used by `python -m assistant`."""
    app()

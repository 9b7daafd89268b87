"""What every command module shares: options, printing, error handling and opening the Coach.

Command modules import this one and nothing else of the CLI, so none imports another.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.config import Backend, RetrievalMode
from assistant.errors import CoachError, InputError
from assistant.models import Role

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.coach import Coach

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Data directory (default: $COACH_HOME or the user data dir)."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")]
RoleOpt = Annotated[Role, typer.Option("--role", "-r", help="Who is asking.")]
BackendOpt = Annotated[
    Backend | None, typer.Option("--backend", "-b", help="How answers are written.")
]
RetrievalOpt = Annotated[RetrievalMode | None, typer.Option("--retrieval", help="How to search.")]


def console(stderr: bool = False, markup: bool = False) -> Console:
    """A rich console, without markup unless asked: titles, paths and messages are the user's
    text ("[/b]" in a title must print as typed); markup is on only where the dynamic parts are
    escaped (or are numbers)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=markup)


def print_error(message: object, label: str = "Error:") -> None:
    from rich.markup import escape

    console(stderr=True).print(f"[red]{label}[/red] {escape(str(message))}", markup=True)


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
        print_error(exc)
        raise typer.Exit(2) from None
    except CoachError as exc:
        if debug:
            raise
        print_error(exc)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        print_error(
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
        console=console(stderr=True),
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
        console(stderr=True).print(message, style="yellow")

    with progress_bar("Indexing knowledge") as update:
        told: list[bool] = []

        def indexing(done: int, total: int, item: str) -> None:
            if not told:  # first use: say why the first start takes a minute
                told.append(True)
                console(stderr=True).print(
                    f"Indexing the built-in knowledge ({total} guides; this happens once)..."
                )
            update(done, total, item)

        return Coach.open(home=home, progress=indexing, on_wait=waiting, settle=settle, **overrides)


def print_json(data: Any) -> None:
    """Print a model, list of models or plain data as JSON on stdout."""

    def dump(value: Any) -> Any:
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        if isinstance(value, list):
            return [dump(item) for item in value]
        return value

    typer.echo(json.dumps(dump(data), indent=2, ensure_ascii=False))

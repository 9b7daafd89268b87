"""The `coach` command line: thin Typer command modules over the Coach facade.

Each command module imports only ``assistant.cli.common`` of the CLI; this one mounts them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from assistant import __version__
from assistant.cli import accounts, conversation, documents, drafts, evaluate, record, web
from assistant.logs import LogLevelError, configure, level_from

app = typer.Typer(
    name="coach",
    help="Mentor Coach: grounded, cited answers and drafts for mentors, mentees and program leads.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(show: bool) -> None:
    if show:
        typer.echo(f"coach (mentor-coach) {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help="-v logs what happens, -vv why (routing, scores)."
        ),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Mentor Coach: grounded, cited answers and drafts for mentors, mentees and program leads.

    -vv (or COACH_LOG_LEVEL=DEBUG) shows on stderr why each message was routed as it was, what
    ingest decided for each file and the scores retrieval gave.
    """
    try:
        configure(level_from(verbose))
    except LogLevelError as exc:
        raise typer.BadParameter(str(exc)) from None


for module in (documents, conversation, drafts, web):
    app.add_typer(module.commands)
app.add_typer(evaluate.commands, name="eval")
app.add_typer(accounts.commands, name="users")
app.add_typer(record.commands, name="record")


def main() -> None:
    """Entry point used by `python -m assistant`."""
    app()

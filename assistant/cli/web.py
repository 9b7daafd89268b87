"""`coach ui`: the web app for one person on this machine; `coach serve`, for a program, and
`coach contacts`, the program's contacts its escalations name."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import (
    DebugOpt,
    HomeOpt,
    JsonOpt,
    console,
    open_coach,
    print_json,
    user_errors,
)
from assistant.errors import CoachError

commands = typer.Typer()


@commands.command()
def ui(
    host: Annotated[
        str, typer.Option(help="Address to serve on; 127.0.0.1 keeps the app on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 7860,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Open the web app for one person on this machine (Ctrl+C stops it); 'coach serve' serves
    a program, with sign-in."""
    with user_errors(debug):
        from assistant.server import is_loopback
        from ui.app import launch

        if not is_loopback(host):
            raise CoachError(
                f"'coach ui' has no sign-in, so it serves only this machine, not {host}.",
                "Serve a program with accounts: 'coach users add ...', then 'coach serve "
                f"--host {host}'.",
            )

        launch(open_coach(home), host=host, port=port)


@commands.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to serve on. Anything but 127.0.0.1/localhost needs accounts "
            "('coach users add')."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8000,
    ui: Annotated[
        bool, typer.Option("--ui/--no-ui", help="Also serve the web app at /ui (sign-in).")
    ] = True,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Serve a program: the OpenAI-compatible API (/v1), REST, and the web app with sign-in."""
    with user_errors(debug):
        from assistant.server import serve as run_server

        run_server(open_coach(home), host=host, port=port, with_ui=ui)


@commands.command()
def contacts(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """Show the program's contacts that every escalation names (COACH_HOME/contacts.yaml),
    checked; without the file, an example to start from."""
    with user_errors(debug):
        from assistant.answering.contacts import EXAMPLE, ContactsFile
        from assistant.config import Settings

        file = ContactsFile(home.expanduser() if home else Settings().home)
        given = file.load()  # a file that cannot be used is a one-line error naming it
        if as_json:
            print_json(given)
        elif not file.path.is_file():
            console().print(
                f"No program contacts: escalations use the built-in wording. Write {file.path} "
                "like this (leave out what you do not have):\n"
            )
            console().print(EXAMPLE)
        else:
            for name, contact in given.model_dump().items():
                console().print(f"{name}: {contact or '(built-in wording)'}")

"""`coach users ...`: the accounts of a deployed program (who may sign in, with which role)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import (
    DebugOpt,
    HomeOpt,
    JsonOpt,
    console,
    print_json,
    user_errors,
)
from assistant.errors import InputError
from assistant.models import Role

if TYPE_CHECKING:
    from assistant.accounts import Accounts

commands = typer.Typer(
    name="users",
    help="Accounts for 'coach serve': add, list, remove users, reset passwords, issue API keys.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The user's sign-in name.")]
PasswordStdinOpt = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
]


def _accounts(home: Path | None) -> Accounts:
    """The accounts store, opened without the knowledge index (fast, and works while a
    server is running)."""
    from assistant.accounts import Accounts
    from assistant.config import Settings
    from assistant.database import open_database

    settings = Settings(home=home) if home else Settings()
    return Accounts(open_database(settings.home, settings.database_url))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError(
            "No terminal to ask for the password.", "Pipe it in with --password-stdin."
        )
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@commands.command("add")
def add(
    name: NameArg,
    role: Annotated[Role, typer.Option("--role", "-r", help="What the user may do.")],
    password_stdin: PasswordStdinOpt = False,
    named_exports: Annotated[
        bool,
        typer.Option(
            "--named-exports", help="The user agrees to be named in rating exports (default no)."
        ),
    ] = False,
    key: Annotated[
        bool, typer.Option("--key", help="Also issue an API key (printed once).")
    ] = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Create a user; program leads may upload knowledge, run evaluations and export ratings."""
    with user_errors(debug):
        accounts = _accounts(home)
        user = accounts.add(name, role, _password(password_stdin), named_exports)
        typer.echo(f"Added {user.name} ({user.role}).")
        if key:
            typer.echo(f"API key (shown once): {accounts.issue_key(user.name, 'first key')}")


@commands.command("list")
def list_users(json_out: JsonOpt = False, home: HomeOpt = None, debug: DebugOpt = False) -> None:
    """Every user with their role and how many live API keys they have."""
    with user_errors(debug):
        users = _accounts(home).list()
        if json_out:
            print_json(users)
            return
        if not users:
            typer.echo("No users yet: add one with 'coach users add NAME --role ROLE'.")
        for user in users:
            named = "named in exports" if user.named_exports else "anonymous in exports"
            typer.echo(f"{user.name}\t{user.role}\t{user.keys} keys\t{named}")


@commands.command("remove")
def remove(
    name: NameArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Delete a user, their API keys and their conversations (their ratings stay, anonymous)."""
    with user_errors(debug):
        accounts = _accounts(home)
        accounts.get(name)
        if not yes and not typer.confirm(f"Delete {name} and their conversations?"):
            raise typer.Exit(1)
        accounts.remove(name)
        typer.echo(f"Removed {name}.")


@commands.command("reset-password")
def reset_password(
    name: NameArg,
    password_stdin: PasswordStdinOpt = False,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Set a new password (API keys stay valid; revoke them with 'coach users revoke')."""
    with user_errors(debug):
        accounts = _accounts(home)
        accounts.get(name)
        accounts.reset_password(name, _password(password_stdin))
        typer.echo(f"Password of {name} changed.")


@commands.command("key")
def issue_key(
    name: NameArg,
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Issue an API key (Bearer) for the user; it is printed once and stored only as a hash."""
    with user_errors(debug):
        typer.echo(_accounts(home).issue_key(name, label))


@commands.command("revoke")
def revoke(
    name: NameArg,
    prefix: Annotated[
        str | None, typer.Option(help="Revoke only the key starting with this (first 10 chars).")
    ] = None,
    home: HomeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Revoke the user's API keys (all, or one by its prefix)."""
    with user_errors(debug):
        count = _accounts(home).revoke_keys(name, prefix)
        if not count:
            console(stderr=True).print(f"No live key of {name} matched.", style="yellow")
            raise typer.Exit(1)
        typer.echo(f"Revoked {count} key{'s' * (count != 1)} of {name}.")

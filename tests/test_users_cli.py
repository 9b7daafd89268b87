"""`coach users ...`: accounts are managed from the command line without opening the index."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app

pytestmark = pytest.mark.unit
runner = CliRunner()


def users(home, *args: str, password: str | None = None):
    return runner.invoke(
        app,
        ["users", *args, "--home", str(home)],
        input=None if password is None else password + "\n",
        catch_exceptions=False,
    )


def test_a_program_lead_adds_lists_and_removes_users(tmp_path):
    added = users(
        tmp_path, "add", "ann", "--role", "mentee", "--password-stdin", password="pw-ann-123"
    )
    assert added.exit_code == 0, added.output
    assert "Added ann (mentee)." in added.output
    lead = users(
        tmp_path,
        *("add", "lee", "--role", "program-lead", "--password-stdin", "--named-exports", "--key"),
        password="pw-lee-123",
    )
    key = lead.output.split("API key (shown once): ")[1].strip()
    assert key.startswith("mc-")

    listed = json.loads(users(tmp_path, "list", "--json").output)
    assert [(u["name"], u["role"], u["keys"], u["named_exports"]) for u in listed] == [
        ("ann", "mentee", 0, False),
        ("lee", "program-lead", 1, True),
    ]
    assert "pw-" not in users(tmp_path, "list", "--json").output

    removed = users(tmp_path, "remove", "ann", "--yes")
    assert removed.exit_code == 0 and "Removed ann." in removed.output
    assert "ann" not in users(tmp_path, "list").output


def test_passwords_are_reset_and_keys_issued_and_revoked(tmp_path):
    from assistant.accounts import Accounts
    from assistant.database import open_database

    users(tmp_path, "add", "ben", "--role", "mentor", "--password-stdin", password="first-pass")
    reset = users(tmp_path, "reset-password", "ben", "--password-stdin", password="second-pass")
    assert reset.exit_code == 0 and "Password of ben changed." in reset.output
    key = users(tmp_path, "key", "ben", "--label", "laptop").output.strip()

    accounts = Accounts(open_database(tmp_path, None))
    assert accounts.authenticate("ben", "second-pass") is not None
    assert accounts.authenticate("ben", "first-pass") is None
    assert accounts.user_for_key(key).name == "ben"

    revoked = users(tmp_path, "revoke", "ben")
    assert revoked.exit_code == 0 and "Revoked 1 key of ben." in revoked.output
    assert accounts.user_for_key(key) is None
    assert users(tmp_path, "revoke", "ben").exit_code == 1


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (
            ("add", "zoe", "--role", "boss", "--password-stdin"),
            "long-enough",
            "'boss' is not one of",
        ),
        (("add", "zoe", "--role", "mentee", "--password-stdin"), "short", "too short"),
        (("add", "../x", "--role", "mentee", "--password-stdin"), "long-enough", "user name"),
        (("remove", "nobody", "--yes"), None, "No user 'nobody'"),
        (("reset-password", "nobody", "--password-stdin"), "long-enough", "No user 'nobody'"),
        (("add", "zoe", "--role", "mentee"), None, "--password-stdin"),
    ],
)
def test_mistakes_get_a_reason_and_change_nothing(tmp_path, args, password, says):
    result = users(tmp_path, *args, password=password)
    assert result.exit_code != 0
    assert says in result.output
    assert "Traceback" not in result.output
    assert "No users yet" in users(tmp_path, "list").output

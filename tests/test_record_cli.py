"""`coach record ...`: the local person's mentorship record from the command line, on the data
folder's SQLite database, without the knowledge index."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from assistant.cli import app

pytestmark = pytest.mark.unit
runner = CliRunner()
PLANTED = "okapi-lantern-77"


def record(home, *args: str):
    return runner.invoke(app, ["record", *args, "--home", str(home)], catch_exceptions=False)


def added(home, *args: str) -> dict:
    result = record(home, "add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def journey(home) -> dict[str, str]:
    started = date.today() - timedelta(days=40)
    pair = added(
        home,
        *("mentorship", "--role", "mentor", "--name", "Ann", "--cadence-days", "14"),
        *("--started", f"{started}"),
    )
    goal = added(home, "goal", "-m", pair["id"], "--text", f"goal {PLANTED}", "--due", "2031-01-31")
    old = added(
        home,
        *("meeting", "--mentorship", pair["id"], "--date", f"{started + timedelta(days=5)}"),
        *("--minutes", "30", "--notes", "portfolio talk", "--agreed", "send the draft"),
    )
    new = added(
        home,
        *("meeting", "--mentorship", pair["id"], "--date", f"{started + timedelta(days=20)}"),
        "--cancelled",
    )
    action = added(
        home,
        *("action", "--mentorship", pair["id"], "--text", "Send the draft", "--who", "Ann"),
        *("--due", f"{date.today() - timedelta(days=1)}", "--meeting", old["id"]),
    )
    return {
        "pair": pair["id"],
        "goal": goal["id"],
        "old": old["id"],
        "new": new["id"],
        "action": action["id"],
    }


def test_entries_are_added_listed_and_noticed(tmp_path):
    empty = record(tmp_path)
    assert empty.exit_code == 0 and "Your record is empty" in empty.output
    ids = journey(tmp_path)

    shown = record(tmp_path)
    assert shown.exit_code == 0, shown.output
    for entry_id in ids.values():
        assert entry_id in shown.output
    assert f"goal {PLANTED}" in shown.output and "Send the draft" in shown.output
    assert "Today:" in shown.output and "past due" in shown.output

    listed = json.loads(record(tmp_path, "--json").output)
    assert [m["other_name"] for m in listed["record"]["mentorships"]] == ["Ann"]
    assert [m["id"] for m in listed["record"]["meetings"]] == [ids["new"], ids["old"]]
    assert listed["record"]["meetings"][0]["status"] == "cancelled"
    assert listed["record"]["actions"][0]["who"] == "Ann"
    assert {n["kind"] for n in listed["nudges"]} == {"cadence_missed", "overdue"}


def test_an_item_is_done_an_entry_deleted_and_the_record_cleared(tmp_path):
    ids = journey(tmp_path)
    done = record(tmp_path, "done", ids["action"])
    assert done.exit_code == 0 and "Done: Send the draft" in done.output
    after = json.loads(record(tmp_path, "--json").output)
    assert after["record"]["actions"][0]["done"] is True
    assert "overdue" not in {n["kind"] for n in after["nudges"]}

    deleted = record(tmp_path, "delete", "goal", ids["goal"])
    assert deleted.exit_code == 0, deleted.output
    assert PLANTED not in record(tmp_path).output
    assert PLANTED not in record(tmp_path, "export").output
    again = record(tmp_path, "delete", "goal", ids["goal"])
    assert again.exit_code == 2 and f"No goal '{ids['goal']}'" in again.output

    refused = record(tmp_path, "clear")
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert ids["pair"] in record(tmp_path).output  # nothing deleted
    cleared = record(tmp_path, "clear", "--yes")
    assert cleared.exit_code == 0 and "4 entries" in cleared.output  # pair, 2 meetings, item
    assert json.loads(record(tmp_path, "--json").output)["record"]["mentorships"] == []


def test_the_export_is_markdown_newest_meeting_first(tmp_path):
    ids = journey(tmp_path)
    printed = record(tmp_path, "export")
    assert printed.exit_code == 0, printed.output
    text = printed.output
    assert text.startswith("# Your mentorship record")
    assert "## You mentor Ann" in text and "meeting every 14 days" in text
    assert f"- goal {PLANTED} (open, due 2031-01-31; id {ids['goal']}, source: by hand)" in text
    assert text.index(ids["new"]) < text.index(ids["old"])  # newest first
    assert "> portfolio talk" in text and "> send the draft" in text
    assert "- [ ] Send the draft (Ann, due" in text
    target = tmp_path / "mine.md"
    written = record(tmp_path, "export", "--out", str(target))
    assert written.exit_code == 0 and target.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("meeting", "--mentorship", "{pair}", "--date", "2026-13-40"), "--date:"),
        (("goal", "--mentorship", "{pair}", "--text", "x", "--due", "soon"), "due:"),
        (("mentorship", "--role", "boss", "--name", "Ann"), "role:"),
        (("mentorship", "--role", "mentee", "--name", "Ann", "--started", "tomorrow"), "started"),
        (("goal", "--mentorship", "nope", "--text", "x"), "No mentorship 'nope'"),
    ],
)
def test_bad_input_is_one_readable_line_naming_the_field(tmp_path, args, says):
    pair = added(tmp_path, "mentorship", "--role", "mentor", "--name", "Ann")["id"]
    result = record(tmp_path, "add", *(a.format(pair=pair) for a in args))
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_unknown_kind_is_refused(tmp_path):
    result = record(tmp_path, "delete", "note", "abc")
    assert result.exit_code == 2 and "mentorship, goal, meeting, action" in result.output


def test_the_program_figures_show_no_record_text(tmp_path):
    journey(tmp_path)
    shown = record(tmp_path, "health")
    assert shown.exit_code == 0, shown.output
    assert "Mentorships: 1" in shown.output and "Stalled (agreed cadence missed): 1" in shown.output
    figures = record(tmp_path, "health", "--json").output
    assert json.loads(figures)["mentorships"] == 1
    for text in (shown.output, figures):
        for secret in (PLANTED, "portfolio", "draft", "Ann"):
            assert secret not in text

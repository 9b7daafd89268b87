"""`coach agenda | feedback | message | agreement`: output formats, files and input errors."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli import drafts as draft_commands
from assistant.drafting.agenda import draft_agenda
from assistant.drafting.agreement import draft_agreement
from assistant.drafting.feedback import draft_feedback
from assistant.drafting.messages import draft_message
from assistant.drafting.render import to_text
from tests.fakes import FakeTools

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.integration
def test_agenda_as_markdown_json_and_file(built_home, tmp_path):
    args = ["agenda", "--session", "first", "--minutes", "45", "--goal", "lead a project"]
    markdown = invoke(*args, "--md", "--home", str(built_home))
    assert markdown.exit_code == 0, markdown.output
    assert markdown.output.startswith("# First mentoring session: 45-minute agenda")
    assert "- Goal: lead a project" in markdown.output and "[^1]: " in markdown.output
    out = tmp_path / "agenda.json"
    written = invoke(*args, "--json", "--out", str(out), "--home", str(built_home))
    assert written.output == f"wrote {out}\n"
    agenda = json.loads(out.read_text())
    assert sum(item["minutes"] for item in agenda["items"]) == 45
    assert agenda["citations"][0]["n"] == 1 and agenda["items"][0]["citations"]


@pytest.mark.integration
def test_feedback_message_and_agreement_print_plain_text(built_home):
    home = ["--home", str(built_home)]
    feedback = invoke(
        "feedback", "--situation", "the Monday standup", "--behaviour", "you never listen",
        "--impact", "the team stopped sharing", "--kind", "redirecting", "--json", *home,
    )  # fmt: skip
    assert feedback.exit_code == 0, feedback.output
    data = json.loads(feedback.output)
    assert data["parts"][1]["text"] == "In the Monday standup, I noticed you didn't listen."
    assert data["rewording"]["original"] == "you never listen"
    assert data["tone"][0]["issue"] == "absolute" and data["tone"][0]["words"] == ["never"]
    message = invoke("message", "thank-you", "--to", "mentee", *home)
    assert message.exit_code == 0, message.output
    assert "Hi {name}, thank you for the openness" in message.output
    assert "\nSources:\n[1] " in message.output and "**" not in message.output
    agreement = invoke("agreement", "--mentor", "Sam", "--mentee", "Alex", "--months", "6", *home)
    assert "Mentoring agreement: Sam and Alex" in agreement.output
    assert "The mentorship runs for 6 months" in agreement.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agenda", "--goal", "x", "--minutes", "200"], "minutes: input should be less than"),
        (["agenda", "--goal", "x", "--session", "kickoff"], "'kickoff' is not one of"),
        (
            ["feedback", "--situation", "s", "--behavior", "", "--impact", "i"],
            "behavior must not be empty",
        ),
        (["message", "apology"], "'apology' is not one of"),
        (["agreement", "--months", "0"], "months: input should be greater than"),
        (["message", "reengage", "--style", "loud"], "'loud' is not one of"),
        (["agenda", "--goal", "x", "--mentoring-style", "short"], "'short' is not one of"),
    ],
)
@pytest.mark.unit
def test_bad_input_is_one_clear_line_and_exit_code_2(tmp_path, args, message):
    result = invoke(*args, "--home", str(tmp_path / "unused"))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "unused").exists()  # rejected before the index is opened


# --style: the CLI passes it on (drafted by the offline composer, without an index)


@pytest.fixture
def composer(monkeypatch):
    """The commands' Coach stand-in: drafts with FakeTools and keeps the requests it got."""
    requests = []

    def drafting(draft):
        def method(request, backend=None):
            requests.append(request)
            return draft(FakeTools(), request, backend)

        return method

    coach = SimpleNamespace(
        agenda=drafting(draft_agenda),
        feedback=drafting(draft_feedback),
        message=drafting(draft_message),
        agreement=drafting(draft_agreement),
    )
    monkeypatch.setattr(draft_commands, "open_coach", lambda home: coach)
    return requests


FEEDBACK = ["feedback", "--situation", "the demo", "--behavior", "you paused", "--impact", "calm"]
COMMANDS = {
    "agenda": ["agenda", "--goal", "lead a project"],
    "feedback": FEEDBACK,
    "message": ["message", "reengage", "--name", "Sam"],
    "agreement": ["agreement", "--mentor", "Sam"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.unit
def test_every_draft_command_offers_the_styles(command):
    shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "--style" in shown.output and "<standard|short|casual|formal|warm>" in shown.output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.unit
def test_style_reaches_the_draft(composer, command):
    drafts = {}
    for style in ("standard", "short", "warm"):
        result = invoke(*COMMANDS[command], "--style", style, "--json")
        assert result.exit_code == 0, result.output
        drafts[style] = json.loads(result.output)
    assert [request.style for request in composer] == ["standard", "short", "warm"]
    standard = {**drafts["standard"], "style": None}
    for style in ("short", "warm"):  # every kind of draft has both: worded, not just labelled
        assert drafts[style]["style"] == style and {**drafts[style], "style": None} != standard


@pytest.mark.unit
def test_a_short_message_from_the_cli_is_the_short_template(composer):
    result = invoke("message", "reengage", "--name", "Sam", "--style", "short")
    assert result.exit_code == 0, result.output
    (request,) = composer
    assert result.output == to_text(draft_message(FakeTools(), request))
    assert "Hi Sam, just checking in." in result.output
    agenda = invoke("agenda", "--goal", "x", "--mentoring-style", "supportive", "--style", "short")
    assert agenda.exit_code == 0 and composer[-1].mentoring_style == "supportive"

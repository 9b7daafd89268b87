"""The `coach` CLI: commands, --json output, clear errors with exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.servers import free_port

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.integration
def test_help_lists_commands_without_loading_the_model():
    code = (
        "import sys; from assistant.cli import app; "
        "print(any(m.startswith(('torch', 'chromadb', 'sentence_transformers')) "
        "for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"
    help_text = invoke("--help").output
    for command in ("ingest", "list", "remove", "reindex", "search"):
        assert command in help_text


@pytest.mark.integration
def test_ingest_then_search_then_reingest(home_copy, tmp_path):
    home = home_copy
    note = tmp_path / "rota.txt"
    note.write_text("Our mentoring rota pairs volunteers from the kayak club every Tuesday.")
    first = invoke("ingest", str(note), "--home", str(home), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["chunks_added"] == 1
    found = invoke("search", "kayak club rota", "-k", "2", "--home", str(home), "--json")
    assert json.loads(found.output)[0]["doc_id"] == "rota"
    again = invoke("ingest", str(note), "--home", str(home))
    assert "0 new chunks" in again.output and "unchanged 1" in again.output
    listed = json.loads(invoke("list", "--home", str(home), "--json").output)
    assert {"doc_id": "rota", "chunks": 1}.items() <= next(
        d for d in listed if d["doc_id"] == "rota"
    ).items()
    removed = invoke("remove", "rota", "--home", str(home))
    assert removed.exit_code == 0 and "removed rota" in removed.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["ingest", "/nonexistent/file.md"], "no such file", 2),
        (["remove", "no-such-doc"], "No document 'no-such-doc'", 2),
        (["search", "goals", "--mode", "fuzzy"], "'fuzzy' is not one of", 2),
        (["search", "   "], "The query is empty", 2),
    ],
)
@pytest.mark.integration
def test_errors_are_one_clear_line_without_traceback(built_home, args, message, code):
    result = invoke(*args, "--home", str(built_home))
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.unit
def test_unknown_option_is_a_usage_error():
    result = invoke("search", "goals", "--colour", "red")
    assert result.exit_code == 2
    assert "No such option" in result.output


@pytest.mark.integration
def test_unreachable_chroma_server_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    result = invoke("list", "--home", str(tmp_path))
    assert result.exit_code == 1
    assert "COACH_CHROMA_URL" in result.output and "chroma run" in result.output
    assert "Traceback" not in result.output


@pytest.mark.integration
def test_ask_prints_cited_answer_and_sources(built_home):
    result = invoke("ask", "how often should mentor and mentee meet?", "--home", str(built_home))
    assert result.exit_code == 0, result.output
    assert "Sources:" in result.output and "[1]" in result.output


@pytest.mark.integration
def test_ask_json_is_the_answer_model(built_home):
    result = invoke("ask", "how do I end a mentorship well", "--json", "--home", str(built_home))
    data = json.loads(result.output)
    assert data["mode"] == "answer" and data["citations"][0]["n"] == 1
    assert set(data["timings_ms"]) == {"retrieve", "generate", "total"}


@pytest.mark.integration
def test_ask_json_explains_the_route_and_debug_logging_shows_it(built_home):
    message = "can you help me plan my session? my mentor keeps putting his hand on my knee"
    home = ["--home", str(built_home)]
    data = json.loads(invoke("ask", message, "--json", *home).output)
    assert data["mode"] == "escalation" and data["route"]["category"] == "conduct"
    assert "knee" in data["route"]["part"] and data["route"]["part_kind"] == "sentence"
    env = {**os.environ, "COACH_LOG_LEVEL": "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", message, *home],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "DEBUG assistant.safety.router: route conduct (verifier" in result.stderr
    env["COACH_LOG_LEVEL"] = "loud"
    bad = subprocess.run(
        [sys.executable, "-m", "assistant", "list", *home], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and "COACH_LOG_LEVEL=LOUD is not a log level" in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "hi there", "--role", "boss"], "'boss' is not one of"),
        (["ask", "hi there", "--backend", "gpt9"], "'gpt9' is not one of"),
        (["ask", ""], "The question is empty"),
    ],
)
@pytest.mark.integration
def test_ask_bad_input(built_home, args, message):
    result = invoke(*args, "--home", str(built_home))
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.integration
def test_unconfigured_backend_suggests_composer(built_home, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = invoke("ask", "how do I find a mentor", "--backend", "openai", "--home",
                    str(built_home))  # fmt: skip
    assert result.exit_code == 1
    assert "COACH_OPENAI_BASE_URL" in result.output and "composer answer engine" in result.output


@pytest.mark.integration
def test_chat_session_follow_up_and_export(built_home, tmp_path):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    export = tmp_path / "chat.md"
    script = (  # the stall ends with its one open question (who cancels is already said)
        "My mentor keeps cancelling our meetings\nabout two months\n/sources\n/known\n"
        f"and what if they still don't reply?\n/bogus\n/export {export}\n/quit\n"
    )
    result = runner.invoke(app, ["chat", "--home", str(home)], input=script)
    assert result.exit_code == 0, result.output
    assert "How long since you last met or heard from each other?" in result.output
    assert "Who usually cancels or goes quiet?" not in result.output
    assert "Two quick questions" not in result.output
    assert "Since you last met: about two months" in result.output  # /known
    assert "Unknown command /bogus" in result.output
    text = export.read_text()
    assert text.count("**You:**") == 3 and "Sources:" in text
    assert "**You:** about two months\n" in text  # as typed, never rewritten
    assert "It has been about two months since we last met." in text  # the coach uses it
    assert "- Since you last met: about two months" in text
    listed = json.loads(invoke("sessions", "--home", str(home), "--json").output)
    assert listed[0]["turns"] == 6


@pytest.mark.integration
def test_chat_goes_on_when_the_question_is_not_answered_and_forgets_on_request(
    built_home, tmp_path
):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    script = (
        "our mentorship with Sam has stalled\nhow do I set goals for our next session?\n"
        "/forget\n/known\n/quit\n"
    )
    result = runner.invoke(app, ["chat", "--home", str(home)], input=script)
    assert result.exit_code == 0, result.output
    assert result.output.count("One question so the plan fits") == 1
    assert "Forgot what I knew" in result.output and "Nothing yet" in result.output


@pytest.mark.integration
def test_markup_characters_in_a_title_print_as_typed(small_coach, tmp_path):
    """Titles and paths are the user's text: rich markup in them is neither parsed nor fatal."""
    folder = tmp_path / "odd [b] names"
    folder.mkdir()
    note = folder / "notes.md"
    note.write_text(
        "# Goals [/b] and [red]plans[/red]\n\nWrite three goals for the quarter ahead.\n"
    )
    home = str(small_coach.settings.home)
    knowledge = str(small_coach.settings.knowledge_dir)
    env = {"COACH_KNOWLEDGE_DIR": knowledge}
    added = runner.invoke(app, ["ingest", str(note), "--home", home], env=env)
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["list", "--home", home], env=env)
    assert listed.exit_code == 0 and "[/b]" in listed.output and "[red]plans[/red]" in listed.output
    found = runner.invoke(app, ["search", "three goals quarter", "--home", home], env=env)
    assert found.exit_code == 0 and "Goals [/b] and [red]plans[/red]" in found.output
    missing = runner.invoke(app, ["remove", "[/b]nothing", "--home", home], env=env)
    assert missing.exit_code == 2 and "No document '[/b]nothing'" in missing.output


@pytest.mark.integration
def test_verbose_flags_log_ingest_decisions_and_retrieval_scores(home_copy, tmp_path):
    home = home_copy
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n## Rhythm\n\nOur Zanzibar pairs meet every two weeks, by video.\n")
    result = invoke("-vv", "ingest", str(notes), "--home", str(home))
    assert "DEBUG assistant.index.knowledge_index: ingest" in result.stderr
    assert "new as notes, 1 chunks" in result.stderr
    again = invoke("-vv", "ingest", str(notes), "--home", str(home))
    assert "unchanged (notes)" in again.stderr
    searched = invoke("-vv", "search", "Zanzibar pairs", "--home", str(home))
    assert "DEBUG assistant.retrieval: retrieve hybrid k=5" in searched.stderr
    assert "notes: Notes > Rhythm (score" in searched.stderr
    quiet = invoke("search", "Zanzibar pairs", "--home", str(home))
    assert "DEBUG" not in quiet.stderr  # the default level is WARNING


@pytest.mark.unit
def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.startswith("coach (mentor-coach) ") and result.output.strip()[-1].isdigit()


@pytest.mark.unit
@pytest.mark.parametrize("terminal", [True, False])
def test_answers_are_rendered_markdown_on_a_terminal_and_plain_text_in_a_pipe(
    terminal, monkeypatch, capsys
):
    from assistant.cli.conversation import print_answer
    from assistant.models import Answer

    monkeypatch.setenv("TTY_COMPATIBLE", "1" if terminal else "0")
    monkeypatch.setenv("COLUMNS", "100")
    print_answer(Answer(question="q", text="**First, on goals** for you:\n- Write [1] them down"))
    shown = capsys.readouterr().out
    assert "First, on goals" in shown and "Write [1] them down" in shown
    assert ("**First" in shown) is not terminal  # rendered on a terminal, as typed in a pipe

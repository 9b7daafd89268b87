"""The `coach` CLI: commands, --json output, clear errors with exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


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


def test_ingest_then_search_then_reingest(built_home, tmp_path):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
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
        (["search", "goals", "--mode", "fuzzy"], "Unknown --mode 'fuzzy'", 2),
        (["search", "   "], "The query is empty", 2),
    ],
)
def test_errors_are_one_clear_line_without_traceback(built_home, args, message, code):
    result = invoke(*args, "--home", str(built_home))
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error():
    result = invoke("search", "goals", "--colour", "red")
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_unreachable_chroma_server_names_the_setting(tmp_path, monkeypatch):
    import socket

    with socket.socket() as probe:  # a free local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("COACH_CHROMA_URL", f"http://127.0.0.1:{port}")
    result = invoke("list", "--home", str(tmp_path))
    assert result.exit_code == 1
    assert "COACH_CHROMA_URL" in result.output and "chroma run" in result.output
    assert "Traceback" not in result.output

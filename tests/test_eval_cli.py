"""`coach eval` through Typer: runs, reports, history and comparison, grading, clear errors.

The eval sub-app is mounted on a local Typer app here, as `assistant/cli/__init__.py` mounts it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.evaluate import commands as eval_app

pytestmark = pytest.mark.integration

app = typer.Typer()
app.add_typer(eval_app, name="eval")
runner = CliRunner()

SMALL_SET = """
- id: cancel
  question: My mentor keeps cancelling our meetings. What should I do?
  topic: common-challenges
  relevant: [stalled-mentorship]
  key_points: [['short.{0,20}message', 'shorter'], ['follow-?up', 'cadence']]
- id: bread
  question: What is a good recipe for banana bread?
  topic: other
  expect: refusal
"""


def invoke(*args: str):
    return runner.invoke(app, ["eval", *args], catch_exceptions=False)


@pytest.fixture
def home(built_home, tmp_path):
    copy = tmp_path / "home"
    shutil.copytree(built_home, copy)
    return copy


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SET)
    return path


def test_help_is_light():
    code = (
        "import sys; from assistant.cli.evaluate import commands as eval_app; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'chromadb', 'sentence_transformers', 'matplotlib', 'numpy', 'langchain_core')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
    help_text = invoke("--help").output
    assert "grade" in help_text and "runs" in help_text and "--compare" in help_text


def test_run_report_history_and_compare(home, dataset, tmp_path):
    first = invoke("--dataset", str(dataset), "--home", str(home), "--retrieval", "dense,hybrid",
                   "--report", str(tmp_path / "report"), "--json")  # fmt: skip
    assert first.exit_code == 0, first.output
    runs = json.loads(first.output)["runs"]
    assert [r["config"]["retrieval"] for r in runs] == ["dense", "hybrid"]
    assert runs[0]["cases"][1]["mode"] == "refusal"
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
    ]
    saved = sorted(p.name for p in (home / "evals" / "runs").iterdir())
    assert saved == sorted(r["id"] for r in runs)

    second = invoke("--dataset", str(dataset), "--home", str(home), "--compare", "last")
    deltas = json.loads(
        invoke(
            "--dataset", str(dataset), "--home", str(home), "--compare", runs[1]["id"], "--json"
        ).output  # fmt: skip
    )["comparisons"][0]["deltas"]
    assert {d["metric"]: d["delta"] for d in deltas}["hit_at_k"] == 0.0  # deterministic
    assert "vs " + runs[1]["id"] in second.output  # 'last' = the earlier hybrid run
    flagged = "REGRESSION" in second.output
    assert second.exit_code == (1 if flagged else 0)  # only latency can move between runs

    listed = invoke("runs", "--home", str(home), "--json")
    assert [r["id"] for r in json.loads(listed.output)][-2:] == [runs[1]["id"], runs[0]["id"]]


def test_grade_command(home, tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        json.dumps(
            {
                "question": "My mentor keeps cancelling. What should I do?",
                "answer": "Send one short, friendly message that is easy to answer.",
                "key_points": ["short.{0,20}message", "let(ting)? it go"],
            }
        )
    )
    result = invoke("grade", str(answers), "--home", str(home))
    assert result.exit_code == 0, result.output
    assert "Missing key points: letting it go." in result.output
    graded = json.loads(invoke("grade", str(answers), "--home", str(home), "--json").output)
    assert graded["answers"][0]["coverage"] == 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retrieval", "fuzzy"], "Unknown --retrieval 'fuzzy'"),
        (["--backend", "composer,gpt"], "Unknown --backend 'gpt'"),
        (["--judge"], "The LLM judge needs an LLM backend"),
        (["--compare", "last"], "No earlier composer/hybrid/brief run"),
        (["--compare", "no-such-run"], "No saved evaluation run 'no-such-run'"),
        (["--dataset", "/nonexistent.yaml"], "not found"),
        (["grade", "/nonexistent.csv"], "no such file"),
    ],
)
def test_errors_are_one_clear_line(built_home, args, message, monkeypatch):
    monkeypatch.setenv("COACH_BACKEND", "composer")
    monkeypatch.setenv("COACH_RETRIEVAL", "hybrid")
    result = invoke(*args, "--home", str(built_home))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output

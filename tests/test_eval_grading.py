"""Grading answers written elsewhere: file parsing, clear errors, scores and explanations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.errors import InputError
from evals.dataset import EvalCase
from evals.grading import grade_answers, read_answers
from tests.fakes import FakeEmbeddings

QUESTION = "My mentor keeps cancelling our meetings. What should I do?"
GOOD = (
    "Send one short, friendly message that is easy to answer. Keep blame out of it and make a "
    "concrete proposal. If there is no reply after a week or two, send one gentle follow-up."
)
BAD = "Cancelling is rude, so be firm with them. Threaten to complain to their manager about it."
CASE = EvalCase(
    id="stuck-x",
    question=QUESTION,
    relevant=["stalled-mentorship"],
    key_points=[["short.{0,20}message"], ["let(ting)? it go"]],
)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.unit
def test_csv_with_loose_headers_and_key_point_cells(tmp_path):
    path = write_csv(
        tmp_path / "answers.csv",
        [
            ["Question", "Answer", "Role", "Case ID", "Key points"],
            [QUESTION, GOOD, "mentor", "", "short.{0,20}message; follow-?up"],
            [QUESTION, BAD, "", "stuck-x", ""],
            [QUESTION, BAD, "", "", '[["firm", "polite"], "rude"]'],
        ],
    )
    first, second, third = read_answers(path)
    assert (first.row, first.role, first.case_id) == (1, "mentor", None)
    assert first.key_points == [["short.{0,20}message"], ["follow-?up"]]
    assert (second.role, second.case_id, second.key_points) == ("mentee", "stuck-x", None)
    assert third.key_points == [["firm", "polite"], ["rude"]]


@pytest.mark.unit
def test_jsonl(tmp_path):
    path = tmp_path / "answers.jsonl"
    lines = [
        {"question": QUESTION, "answer": GOOD, "key_points": ["short", ["a", "b"]]},
        {"question": QUESTION, "answer": BAD, "case_id": "stuck-x", "extra": "ignored"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    first, second = read_answers(path)
    assert first.key_points == [["short"], ["a", "b"]]
    assert second.case_id == "stuck-x"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("answers.txt", "question,answer\nq,a\n", "is not a .csv or .jsonl file"),
        ("missing.csv", None, "no such file"),
        ("empty.csv", "  \n", "is empty"),
        ("binary.csv", b"question,answer\n\x00\x01\x02", "is a binary file"),
        ("latin1.csv", "question,answer\ncaf\xe9,ok\n".encode("latin-1"), "is not UTF-8"),
        ("cols.csv", "question,reply\nq,a\n", "lacks the column(s) answer"),
        ("header-only.csv", "question,answer\n", "has no answers"),
        ("blank.csv", "question,answer\nq,\n", "row 1 has no answer"),
        ("role.csv", "question,answer,role\nq,a,boss\n", "row 1 is invalid (role"),
        ("regex.csv", "question,answer,key_points\nq,a,(unclosed\n", "invalid regex"),
        ("json.csv", 'question,answer,key_points\nq,a,"[oops"\n', "row 1 is invalid (key_points"),
        ("bad.jsonl", '{"question": "q", "answer": "a"}\n{oops\n', "line 2 is not JSON"),
        ("list.jsonl", '["q", "a"]\n', "line 1 is not a JSON object"),
        ("nokeys.jsonl", '{"question": "q"}\n', "row 1 has no answer"),
    ],
)
@pytest.mark.unit
def test_bad_files_are_clear_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as error:
        read_answers(path)
    assert message in str(error.value)


@pytest.mark.integration
def test_grading_scores_and_explains(coach, tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text(
        json.dumps({"question": QUESTION, "answer": GOOD, "case_id": "stuck-x"})
        + "\n"
        + json.dumps({"question": QUESTION, "answer": BAD, "role": "mentor"})
    )
    report = grade_answers(coach, read_answers(path), [CASE], str(path))
    good, bad = report.answers

    assert good.groundedness == 1.0 and good.unsupported == []
    assert good.coverage == 0.5 and good.key_points_missing == ["letting it go"]
    assert good.suggestions[0].covers == ["letting it go"]  # the passage that makes the point
    assert good.suggestions[0].doc_id == "stalled-mentorship"
    assert good.explanation[0] == "Missing key points: letting it go."
    assert good.explanation[1].startswith("Would support a better answer: Restarting a stalled")

    assert bad.groundedness == 0.0
    assert bad.unsupported == [
        "Cancelling is rude, so be firm with them.",
        "Threaten to complain to their manager about it.",
    ]
    assert bad.coverage is None and bad.key_points_missing == []  # no points known
    assert (
        bad.explanation[1]
        == 'Not supported by the knowledge base: "Threaten to complain to their manager about it."'
    )

    assert report.groundedness == 0.5 and report.coverage == 0.5


class PassagelessCoach:
    """Finds no passage for anything, and scores support with the stand-in embedder: grading
    gets as far as looking up the row's case."""

    embeddings = FakeEmbeddings()

    def search(self, *args, **kwargs) -> list:
        return []


@pytest.mark.unit
def test_an_unknown_case_id_is_an_input_error(tmp_path):
    path = write_csv(
        tmp_path / "answers.csv", [["question", "answer", "case_id"], [QUESTION, GOOD, "nope"]]
    )
    with pytest.raises(InputError, match="no case 'nope'"):
        grade_answers(PassagelessCoach(), read_answers(path), [CASE], str(path))  # type: ignore[arg-type]

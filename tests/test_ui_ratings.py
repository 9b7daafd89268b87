"""Ratings of answers (thumbs up/down + comment) in the database, exported as CSV for trainers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.database import Database
from assistant.errors import InputError
from assistant.models import Answer, Citation
from assistant.ratings import CSV_COLUMNS, MAX_COMMENT_CHARS, RatingStore

pytestmark = pytest.mark.unit


def _answer(question: str = "How do I pick a mentor?") -> Answer:
    return Answer(
        question=question,
        role="mentee",
        text="Pick someone a step or two ahead of you. [1]",
        citations=[
            Citation(n=1, doc_id="choosing-a-mentor", title="Choosing", source="x", snippet="s")
        ],
        session_id="abc123",
    )


@pytest.fixture
def store(tmp_path: Path) -> RatingStore:
    return RatingStore(Database(f"sqlite:///{tmp_path / 'home' / 'coach.sqlite3'}"))


def test_ratings_are_stored_with_the_answer_and_read_back_in_order(store, tmp_path) -> None:
    store.add(_answer(), "up", "  clear and practical  ")
    store.add(_answer("Second?"), "down")

    reopened = RatingStore(Database(f"sqlite:///{tmp_path / 'home' / 'coach.sqlite3'}")).all()
    assert [(r.rating, r.comment, r.question) for r in reopened] == [
        ("up", "clear and practical", "How do I pick a mentor?"),
        ("down", "", "Second?"),
    ]
    first = reopened[0]
    assert (first.role, first.mode, first.backend, first.session_id) == (
        "mentee",
        "answer",
        "composer",
        "abc123",
    )
    assert first.sources == ["choosing-a-mentor"]
    assert first.answer.endswith("[1]")


def test_csv_export_has_a_header_and_one_row_per_rating(store) -> None:
    store.add(_answer(), "up", 'Great, "quoted", and, commas\nnew line')
    rows = list(csv.reader(io.StringIO(store.to_csv())))
    assert rows[0] == list(CSV_COLUMNS)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["comment"] == 'Great, "quoted", and, commas\nnew line'
    assert record["sources"] == "choosing-a-mentor"
    assert len(rows) == 2


def test_csv_cells_cannot_run_as_spreadsheet_formulas(store) -> None:
    store.add(_answer('=HYPERLINK("http://evil")'), "down", "+1 from me")
    record = dict(zip(CSV_COLUMNS, list(csv.reader(io.StringIO(store.to_csv())))[1], strict=True))
    assert record["question"].startswith("'=")
    assert record["comment"] == "'+1 from me"


def test_empty_store_exports_just_the_header(store) -> None:
    assert store.to_csv().strip() == ",".join(CSV_COLUMNS)


@pytest.mark.parametrize(
    ("rating", "comment", "message"),
    [
        ("sideways", "", "Unknown rating"),
        ("up", "x" * (MAX_COMMENT_CHARS + 1), "comment is too long"),
    ],
)
def test_bad_ratings_are_input_errors(store, rating, comment, message) -> None:
    with pytest.raises(InputError, match=message):
        store.add(_answer(), rating, comment)
    assert store.all() == []

"""Evaluation datasets: the dev set is valid, and a bad file is one clear InputError."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from evals.dataset import DATASETS, DEFAULT_DATASET, load_dataset, resolve_dataset
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.unit


def test_dev_set_is_valid_and_points_at_real_documents():
    cases = load_dataset(DEFAULT_DATASET)
    doc_ids = {path.stem for path in KNOWLEDGE.glob("*.md")}
    assert len(cases) >= 100
    unknown = {(case.id, doc) for case in cases for doc in case.relevant if doc not in doc_ids}
    assert not unknown
    assert {"refusal", "escalation"} <= {case.expect for case in cases}
    assert all(case.key_points for case in cases if case.expect == "answer")


def test_shorthand_and_defaults(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("- id: a\n  question: How do I end well?\n  key_points: ['thank', [x, y]]\n")
    [case] = load_dataset(path)
    assert case.key_points == [["thank"], ["x", "y"]]
    assert (case.role, case.expect, case.relevant) == ("mentee", "answer", [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        ("- id: a\n  question: [unclosed\n", "not valid YAML"),
        ("", "holds no evaluation cases"),
        ("just a string", "holds no evaluation cases"),
        ("- plain string", "case #1 is not a mapping"),
        ("- id: a\n  question: q\n  role: boss\n", "case a is invalid (role"),
        ("- id: a\n  question: q\n  key_points: [['(unclosed']]\n", "invalid regex"),
        ("- id: a\n  question: q\n  key_points: [[]]\n", "non-empty list"),
        ("- id: a\n  question: q\n  expect: maybe\n", "expect"),
        ("- id: a\n  question: q\n  relevnt: [x]\n", "relevnt"),
        ("- id: a\n  question: q\n- id: a\n  question: r\n", "'a' is used twice"),
    ],
)
def test_bad_datasets_are_clear_input_errors(tmp_path, content, message):
    path = tmp_path / "set.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as error:
        load_dataset(path)
    assert message in str(error.value)


def test_shipped_sets_resolve_by_name_and_a_missing_file_names_them(tmp_path):
    assert resolve_dataset("heldout") == DATASETS / "heldout.yaml"
    assert resolve_dataset(DATASETS / "safety.yaml") == DATASETS / "safety.yaml"
    assert resolve_dataset(tmp_path / "mine.yaml") == tmp_path / "mine.yaml"
    assert {c.expect for c in load_dataset("safety")} == {"answer", "refusal", "escalation"}
    with pytest.raises(InputError, match="one of: dev, heldout, heldout2, safety"):
        load_dataset(tmp_path / "mine.yaml")

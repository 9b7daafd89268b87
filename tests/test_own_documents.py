"""Questions about "the guide" or "my notes" are answered from the user's own documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.own_documents import refers_to_own_documents

NORTHWIND = (
    Path(__file__).resolve().parents[1]
    / "evals"
    / "datasets"
    / "user_docs"
    / "northwind-mentoring-handbook.txt"
)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "refers"),
    [
        ("Which factors does the guide say to consider when choosing a mentor?", True),
        ("What future trends does the handbook mention?", True),
        ("According to my notes, when is the midpoint survey?", True),
        ("What does our program guide say about ending?", True),
        ("What does the FAQ say about who can join?", True),
        ("My mentor keeps cancelling our meetings. What should I do?", False),
        ("How do I guide my mentee through a career change?", False),
        ("How should I take notes during a session?", False),
    ],
)
def test_a_question_names_the_users_own_document(question, refers):
    assert refers_to_own_documents(question) is refers


@pytest.mark.integration
def test_the_handbook_question_cites_the_users_handbook_not_the_built_in_guides(coach_copy):
    question = "What future trends does the handbook mention?"
    # Without the handbook, the built-in knowledge answers as usual (own_documents.yaml), or
    # nothing does; it never cites a handbook it does not have.
    before = coach_copy.ask(question, backend="composer")
    assert "northwind-mentoring-handbook" not in {c.doc_id for c in before.citations}
    assert coach_copy.ingest([NORTHWIND]).ok
    answer = coach_copy.ask(question, backend="composer")
    assert answer.mode == "answer"
    assert {c.doc_id for c in answer.citations} == {"northwind-mentoring-handbook"}
    assert answer.citations[0].section == "Future trends"
    assert "Ending the pairing" not in {c.section for c in answer.citations}
    for trend in ("Micro-mentoring", "Group mentoring circles", "AI matching assistant"):
        assert trend in answer.text
    general = coach_copy.ask("How do I choose a mentor?", backend="composer")
    assert "northwind-mentoring-handbook" not in {c.doc_id for c in general.citations[:1]}

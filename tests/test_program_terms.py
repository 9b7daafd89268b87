"""A question in the program's own words ("What is the Buddy Board?", "Who is Marisol Okafor?")
is answered from the program's handbook, never refused as off-topic; others are untouched."""

from __future__ import annotations

import pytest

HANDBOOK = """# Riverside Mentoring Handbook

## The Buddy Board

Every month the Buddy Board pairs new joiners with a peer from another team for coffee. Add
your name on the first Monday; pairs are posted by Wednesday.

## Who to talk to

Marisol Okafor coordinates the program. She runs the kick-off, answers questions about
matching and keeps the calendar of group sessions.

## Code RMP-7

Sessions logged under code RMP-7 count towards the leadership track.
"""


@pytest.fixture
def program(coach_copy, tmp_path):
    handbook = tmp_path / "riverside-handbook.md"
    handbook.write_text(HANDBOOK, encoding="utf-8")
    assert coach_copy.ingest([handbook]).ok
    return coach_copy


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("What is the Buddy Board?", "The Buddy Board"),
        ("who is marisol okafor", "Who to talk to"),
        ("What counts under RMP-7?", "Code RMP-7"),
    ],
)
def test_a_question_in_the_programs_words_is_answered_from_its_handbook(program, question, section):
    answer = program.ask(question, backend="composer")
    assert answer.mode == "answer", (answer.route, answer.text)
    assert answer.citations[0].doc_id == "riverside-handbook"
    assert answer.citations[0].section == section


@pytest.mark.integration
def test_the_same_question_without_the_handbook_is_not_answered_from_anything(coach_copy):
    answer = coach_copy.ask("What is the Buddy Board?", backend="composer")
    assert answer.mode != "answer" or not any("Buddy Board" in c.snippet for c in answer.citations)


@pytest.mark.integration
def test_off_topic_questions_and_disclosures_route_as_before(program):
    assert program.ask("How do I bake sourdough bread?").mode == "refusal"
    disclosure = "Marisol Okafor keeps touching me at the Buddy Board coffees and I hate it"
    assert program.ask(disclosure).mode == "escalation"
    general = program.ask("My mentor keeps cancelling our meetings. What should I do?")
    assert "riverside-handbook" not in {c.doc_id for c in general.citations}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("asked", "program", "held", "share"),
    [
        ({"buddi", "board"}, {"buddi"}, {"buddi", "board", "coffe"}, 1.0),
        ({"tell", "buddi", "board", "sign"}, {"buddi"}, {"buddi", "board"}, 0.6),
        ({"plan", "trip", "lisbon", "hotel", "day"}, {"lisbon"}, {"lisbon", "offic"}, 2 / 6),
        (set(), set(), {"anything"}, 0.0),
    ],
)
def test_a_section_covers_a_question_by_its_words_the_programs_counting_twice(
    asked, program, held, share
):
    from assistant.answering.program_terms import MIN_COVERAGE, coverage

    assert coverage(asked, program, held) == pytest.approx(share)
    assert (coverage(asked, program, held) >= MIN_COVERAGE) is (share >= 0.6)

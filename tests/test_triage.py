"""Stalled-mentorship triage: which questions a stall calls for, skipping, and what answers add."""

from __future__ import annotations

import pytest

from assistant.answering.triage import Triage, questions_for

HOW_LONG = "How long since you last met or heard from each other?"
WHO = "Who usually cancels or goes quiet?"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("our mentorship has stalled", [HOW_LONG, WHO]),
        ("My mentor keeps cancelling our meetings", [HOW_LONG]),
        ("my mentee hasn't replied in 3 weeks", [WHO]),
        ("we haven't met since March and my mentor keeps postponing", []),
        ("how do I write SMART goals?", []),
        ("what should I ask in our first session?", []),
    ],
)
def test_a_stall_gets_only_the_questions_it_does_not_answer_itself(message, asked):
    assert [q.ask for q in questions_for(message)] == asked


@pytest.mark.unit
def test_replies_are_added_to_the_message_and_an_empty_one_skips_its_question():
    asking = Triage.start("our mentorship has stalled")
    assert asking is not None and asking.next_question.ask == HOW_LONG
    asking = asking.reply("longer than three months.")
    assert asking.next_question.ask == WHO
    asking = asking.reply("")
    assert asking.next_question is None
    assert asking.clarified == (
        "our mentorship has stalled It has been longer than three months since we last met."
    )


@pytest.mark.unit
def test_skip_ends_the_triage_with_the_message_as_typed():
    asking = Triage.start("our mentorship has stalled").reply("skip")
    assert asking.next_question is None and asking.clarified == "our mentorship has stalled"
    assert Triage.start("how do I write SMART goals?") is None


@pytest.mark.integration
@pytest.mark.parametrize(
    "disclosure",
    [
        "Since I turned down my mentor's dinner invite he keeps cancelling and says I'll regret it",
        "my mentee stopped replying and last night texted me that she wants to end her life",
    ],
)
def test_a_disclosure_is_never_triaged_even_when_it_describes_a_stall(coach, disclosure):
    assert Triage.start(disclosure) is not None  # the stall words are there
    assert coach.triage(disclosure) is None  # but real help comes first, unasked
    assert coach.triage("our mentorship has stalled") is not None

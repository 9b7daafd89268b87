"""Stalled-mentorship triage: which clarifying questions a stall calls for."""

from __future__ import annotations

import pytest

from assistant.answering.triage import questions_for

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

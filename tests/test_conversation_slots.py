"""What the coach reads from a person's words into the conversation's facts."""

from __future__ import annotations

import pytest

from assistant.conversation.slots import read_facts, to_second_person
from assistant.conversation.state import ConversationState


@pytest.mark.unit
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "My mentee Priya has missed the last two deadlines we agreed on and I'm meeting her "
            "on Thursday. How do I raise it?",
            {"name": "Priya", "other": "mentee", "pronoun": "she", "day": "Thursday",
             "behavior": "has missed the last two deadlines we agreed on"},
        ),
        (
            "I want to ask Dana, a principal engineer I met at a conference, to be my mentor.",
            {"name": "Dana", "other": "mentor"},
        ),
        ("ok, and give me an agenda for Thursday, we have 30 minutes",
         {"day": "Thursday", "minutes": 30}),
        ("actually her name is Ana", {"name": "Ana", "pronoun": "she"}),
        ("change it to Friday at 3pm", {"day": "Friday", "time": "3pm"}),
        ("sign it from Jo", {"sender": "Jo"}),
        ("it's for my mentor not my mentee", {"other": "mentor"}),
        ("we have half an hour", {"minutes": 30}),
        ("she does", {"pronoun": "she", "cancels": "they do"}),
        ("about two months", {"since": "about two months"}),
        ("How do I write SMART goals?", {}),
        # Accented names, a title kept with the name, a name typed in lower case.
        ("ok back to it. her name is Lucía, she talked over the client twice on Tuesday",
         {"name": "Lucía", "pronoun": "she", "day": "Tuesday",
          "behavior": "talked over the client twice on Tuesday"}),
        ("My mentor, Dr. Okafor, has cancelled our last three meetings",
         {"name": "Dr. Okafor", "other": "mentor"}),
        ("my mentee tomás hasnt replied to my last couple messages",
         {"name": "Tomás", "other": "mentee"}),
        ("also can you write some feedback for grace, her handover notes are great",
         {"name": "Grace", "pronoun": "she"}),
        ("my mentor really never replies", {"other": "mentor", "behavior": "never replies"}),
    ],
)  # fmt: skip
def test_facts_are_read_from_what_the_person_says(message, expected):
    assert read_facts(message) == expected


@pytest.mark.unit
def test_feedback_says_what_happened_to_the_person_themselves():
    assert to_second_person("has missed her deadlines") == "have missed your deadlines"


@pytest.mark.unit
def test_a_fact_set_by_hand_is_kept_over_later_words_and_can_be_cleared():
    state = ConversationState().with_facts({"name": "Priya", "day": "Thursday"})
    state = state.with_facts({"name": "Pria"}, by_hand=True)  # the person corrects a spelling
    state = state.with_facts(read_facts("my mentee Priya said Friday works"))
    assert state.facts.name == "Pria" and state.facts.day == "Friday"
    assert state.with_facts({"name": None}, by_hand=True).facts.name is None

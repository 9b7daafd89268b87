"""With an LLM backend, turns are read by the model as structured output (the same acts and
facts), and the offline reading stands in when the model fails. A fake chat model stands in for
the remote LLM API, which cannot run here."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.models import Turn

pytestmark = pytest.mark.integration
NOW = datetime.now(timezone.utc)
STORY = "My mentor keeps cancelling our meetings. What should I do?"


def history() -> list[Turn]:
    return [
        Turn(speaker="user", content=STORY, created_at=NOW),
        Turn(
            speaker="assistant",
            content="**First, on restarting a stalled mentorship**",
            created_at=NOW,
        ),
    ]


def test_the_models_reading_decides_the_act_and_brings_its_facts(coach, fake_backend):
    reading = {
        "act": "draft_request",
        "draft": "message",
        "message": "reengage",
        "facts": {"name": "Marguerite", "pronoun": "she", "day": "Friday"},
    }
    fake_backend("openai", FakeListChatModel(responses=[json.dumps(reading)]))
    answer = coach.ask("ok, now the words please", backend="openai", history=history())
    assert answer.act == "draft_request" and answer.draft_kind == "message"
    assert "Marguerite" in answer.draft and "Friday" in answer.draft


def test_a_model_that_answers_nonsense_leaves_the_offline_reading(coach, fake_backend):
    fake_backend("openai", FakeListChatModel(responses=["I think it is a draft request!"]))
    answer = coach.ask("make it shorter", backend="openai", history=history())
    assert answer.act == "revision"  # the classifier's reading

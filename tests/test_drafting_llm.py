"""Drafts through an LLM backend: structured output, checks, and falling back to the composer."""

from __future__ import annotations

import pytest
from langchain_core.runnables import RunnableLambda

from assistant.backends import BackendError
from assistant.drafting.models import (
    AgendaBody,
    AgendaRequest,
    FeedbackRequest,
    MessageBody,
    MessageRequest,
)

pytestmark = pytest.mark.integration

REQUEST = MessageRequest(kind="reschedule", name="Sam", times=["Friday 10:00"])


class StructuredFake:
    """Stands in for a remote chat model's structured output, which cannot run here."""

    def __init__(self, reply) -> None:
        self.reply = reply
        self.calls: list[tuple[type, list]] = []

    def with_structured_output(self, schema):
        def answer(messages):
            self.calls.append((schema, messages))
            return self.reply(messages)

        return RunnableLambda(answer)


@pytest.fixture
def composed(coach):
    return coach.message(REQUEST)


def use(fake_backend, reply, backend: str = "openai") -> StructuredFake:
    fake = StructuredFake(reply)
    fake_backend(backend, fake)
    return fake


def test_a_valid_rewrite_is_used_and_its_citations_renumbered(coach, composed, fake_backend):
    # The model puts the paragraphs' practice in reverse order: markers are renumbered by use.
    parts = composed.parts
    rewrite = MessageBody(subject="Moving our session", parts=parts[-2::-1] + parts[-1:])
    fake = use(fake_backend, lambda messages: rewrite)
    draft = coach.message(REQUEST, backend="openai")
    assert draft.backend == "openai" and draft.warnings == []
    assert draft.subject == "Moving our session" and draft.text.startswith("Our sessions matter")
    assert [c.n for c in draft.citations] == list(range(1, len(draft.citations) + 1))
    first_used = rewrite.parts[0].citations[0]
    assert draft.citations[0].chunk_id == composed.citations[first_used - 1].chunk_id
    schema, messages = fake.calls[0]
    assert schema is MessageBody
    assert f"[1] {composed.citations[0].title}" in messages[0][1]
    assert '"kind":"reschedule"' in messages[1][1] and "Friday 10:00" in messages[1][1]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda body: body.parts[0].basis.append("Invented advice [42]"), "cites [42]"),
        (lambda body: [p.basis.clear() for p in body.parts], "it cites no passage"),
        (lambda body: body.parts.pop(1), "it leaves out 'Friday 10:00'"),
    ],
)
def test_an_invalid_rewrite_falls_back_to_the_composer(
    coach, composed, fake_backend, change, reason
):
    rewrite = MessageBody.model_validate(composed.model_dump())
    change(rewrite)
    use(fake_backend, lambda messages: rewrite)
    draft = coach.message(REQUEST, backend="openai")
    assert draft.backend == "composer"
    assert draft.text == composed.text and draft.citations == composed.citations
    assert len(draft.warnings) == 1 and "did not validate" in draft.warnings[0]
    assert reason in draft.warnings[0]


def test_an_agenda_rewrite_must_keep_the_minutes_and_goals(coach, fake_backend):
    request = AgendaRequest(session="closing", minutes=30, goals=["lead the Q3 planning"])
    composed = coach.agenda(request)
    rewrite = AgendaBody.model_validate(composed.model_dump())
    rewrite.items[0].minutes += 5
    rewrite.items[0].focus = []
    use(fake_backend, lambda messages: rewrite)
    agenda = coach.agenda(request, backend="openai")
    assert agenda.backend == "composer" and agenda.items == composed.items
    assert "add up to 35 minutes, not 30" in agenda.warnings[0]
    assert "it leaves out lead the Q3 planning" in agenda.warnings[0]


def test_no_structured_output_falls_back(coach, fake_backend):
    use(fake_backend, lambda messages: None, backend="ollama")
    draft = coach.message(REQUEST, backend="ollama")
    assert draft.backend == "composer"
    assert "returned no structured output" in draft.warnings[0]


def test_an_unreachable_backend_is_an_error_not_a_fallback(coach, fake_backend):
    def refuse(messages):
        raise ConnectionError("connection refused")

    use(fake_backend, refuse)
    with pytest.raises(BackendError, match="ConnectionError: connection refused"):
        coach.message(REQUEST, backend="openai")


@pytest.mark.slow
def test_feedback_with_the_real_local_model(coach):
    request = FeedbackRequest(
        situation="Friday's client call",
        behavior="you opened with the three decisions we needed",
        impact="the client approved all three",
    )
    draft = coach.feedback(request, backend="local")
    assert_valid_or_fell_back(draft)
    assert draft.parts and draft.citations


@pytest.mark.slow
def test_agenda_with_the_real_local_model(coach):
    request = AgendaRequest(session="first", minutes=30, goals=["present to senior leaders"])
    agenda = coach.agenda(request, backend="local")
    assert_valid_or_fell_back(agenda)
    assert sum(item.minutes for item in agenda.items) == 30


def assert_valid_or_fell_back(draft) -> None:
    if draft.backend == "local":
        assert draft.warnings == [] and draft.citations
    else:
        assert draft.backend == "composer"
        assert "The local model's draft did not validate" in draft.warnings[0]

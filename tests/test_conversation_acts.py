"""The dialogue-act classifier: trained on the current corpus, and reading turns as people type."""

from __future__ import annotations

import pytest

from assistant.conversation.acts import ActModel
from assistant.conversation.acts_training import acts_digest, load_examples


@pytest.mark.unit
def test_the_shipped_model_was_trained_on_the_corpus_as_it_is():
    model = ActModel.load()
    assert model.corpus_sha256 == acts_digest(), (
        "The act corpus changed: run python -m assistant.conversation.acts_training"
    )
    assert model.examples == len(load_examples())
    assert model.cross_validation["act_accuracy"] >= 0.85


@pytest.mark.unit
def test_no_evaluation_turn_is_in_the_training_corpus():
    """Short stock phrases ("make it shorter", "thanks!") are everyone's; anything longer in an
    evaluation set must not be a training example."""
    from evals.conversations import CONVERSATIONS, load_conversations

    trained = {" ".join(e.text.lower().split()) for e in load_examples()}
    for path in CONVERSATIONS.glob("*.yaml"):
        for case in load_conversations(path):
            for turn in (t for t in case.turns if len(t.user.split()) >= 5):
                assert " ".join(turn.user.lower().split()) not in trained, (path.name, turn.user)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("text", "act", "detail"),
    [
        ("make it shorter", "revision", "shorter"),
        ("less formal please", "revision", "casual"),
        ("could you make the email a bit more professional, he's a director", "revision", "formal"),
        ("draft the message for me", "draft_request", "message"),
        ("give me an agenda for Thursday, we have 30 minutes", "draft_request", "agenda"),
        ("tell me more", "more", None),
        ("and if she doesn't reply?", "follow_up", None),
        ("thanks, that's really helpful!", "closing", None),
        ("My mentor keeps cancelling our meetings. What should I do?", "new_question", None),
    ],
)
def test_turns_are_read_as_people_mean_them(coach, text, act, detail):
    reading = coach.acts.read(text, coach.embeddings.embed_query(text))
    assert reading.act == act
    if act == "revision":
        assert reading.revision == detail
    if act == "draft_request":
        assert reading.draft == detail

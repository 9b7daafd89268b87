"""Feedback drafts: situation-behaviour-impact, an invitation to respond and a next step."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.drafting.grounding import Found, Grounder, quoted_question
from assistant.drafting.models import (
    DraftPart,
    FeedbackDraft,
    FeedbackRequest,
    MessageBody,
    strip_marks,
)
from assistant.drafting.tone import check_tone, practice
from assistant.drafting.wording import lower_first, sentence
from assistant.drafting.writer import write

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

OPENING = "Do you have a few minutes? I'd like to share something I noticed."
DEFAULT_INVITATION = "How did it look from your side?"
NEXT_STEP_QUERY = {
    "redirecting": "finish feedback by working out together what to try next time",
    "reinforcing": "follow up and acknowledge the effort so they keep doing what worked",
}
DEFAULT_NEXT_STEP = {
    "redirecting": "What might you try differently next time?",
    "reinforcing": "How could you do more of this?",
}
# Phrases that can open the sentence as they are: "During the review", "Last Tuesday".
_TIME_OR_PLACE = re.compile(
    r"(in|at|during|when|on|after|before|while|as)\b|(yesterday|today)\b(?!')"
    r"|(last|this|earlier)\s+\w+\b(?!')",
    re.I,
)
_SUBJECT = re.compile(r"(you|your|i|we|he|she|they)\b", re.I)


def observation(situation: str, behavior: str) -> str:
    """'In <situation>, you <behaviour>.' from the two phrases as people type them."""
    situation = situation.rstrip(" ,.")
    if not _TIME_OR_PLACE.match(situation):
        situation = f"In {lower_first(situation)}"
    behavior = lower_first(behavior) if _SUBJECT.match(behavior) else f"you {behavior}"
    return sentence(f"{situation}, {behavior}")


def keeps(text: str, phrase: str) -> bool:
    """Whether ``text`` still carries most of the content words of ``phrase``."""
    words = {w for w in re.findall(r"\w+", phrase.lower()) if len(w) > 3}
    return len(words & set(re.findall(r"\w+", text.lower()))) >= len(words) / 2


def asked(grounder: Grounder, label: str, found: Found, default: str) -> DraftPart:
    """A part that asks a question the passages suggest, with the practice it comes from."""
    basis = grounder.advice(found)
    question = next(filter(None, map(quoted_question, basis)), None)
    if question is None:
        examples = grounder.questions(found, 1)
        basis += examples
        question = strip_marks(examples[0]) if examples else default
    return DraftPart(label=label, text=question, basis=basis)


def draft_feedback(
    tools: DraftTools, request: FeedbackRequest, backend: str | None = None
) -> FeedbackDraft:
    """Feedback in SBI form with a tone check; each part cites the practice it follows."""
    giver, receiver = request.direction.split("-to-")
    wording = [request.situation, request.behavior, request.impact, request.request or ""]
    tone = check_tone(" ".join(wording), behavior=request.behavior)
    grounder = tools.grounder(role=giver)
    parts = [
        grounder.part("Ask permission", OPENING, "ask permission first: are you open to feedback"),
        grounder.part(
            "Situation and behaviour",
            observation(request.situation, request.behavior),
            "behaviour: what the person actually did or said, as a camera would record it",
        ),
    ]
    parts[-1].basis += grounder.advice(grounder.search(f"{request.kind} feedback names"))
    for warning in tone:
        parts[-1].basis += grounder.advice(grounder.search(practice(warning.issue)))
    parts += [
        grounder.part(
            "Impact",
            sentence(request.impact),
            "keep the impact factual and avoid guessing at motives",
        ),
        asked(
            grounder,
            "Invite a response",
            grounder.search("after giving feedback, stop talking and invite their view"),
            DEFAULT_INVITATION,
        ),
    ]
    step = grounder.search(NEXT_STEP_QUERY[request.kind])
    if request.request:
        suggestion = f"My suggestion for next time: {lower_first(request.request).rstrip('.')}."
        parts.append(DraftPart(label="Next step", text=suggestion, basis=grounder.advice(step)))
    else:
        parts.append(asked(grounder, "Next step", step, DEFAULT_NEXT_STEP[request.kind]))
    body = MessageBody(
        subject=f"{request.kind.capitalize()} feedback for your {receiver}", parts=parts
    )
    written = write(
        tools.settings, body, grounder, backend, request, lambda b: feedback_problems(b, request)
    )
    return FeedbackDraft(
        **written.body.model_dump(),
        kind=request.kind,
        direction=request.direction,
        tone=tone,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def feedback_problems(body: MessageBody, request: FeedbackRequest) -> list[str]:
    """Why a feedback draft does not say what the person asked it to (empty when it does)."""
    return [
        f"it drops the {name}"
        for name, phrase in [("behaviour", request.behavior), ("impact", request.impact)]
        if not keeps(body.text, phrase)
    ]

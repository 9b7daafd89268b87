"""Feedback drafts: situation-behaviour-impact, an invitation to respond and a next step.

The person's own words (situation, behaviour, impact, request) are the same in every style; the
product's words around them are worded in the requested style (``styles.Styled``), and a short
draft leaves out what ``data/feedback.yaml`` marks ``short: false``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from pydantic import model_validator

from assistant.data_files import DataModel, Text, check_placeholders, load_data_file
from assistant.drafting.grounding import Grounder, quoted_question
from assistant.drafting.models import (
    DraftPart,
    FeedbackDraft,
    FeedbackKind,
    FeedbackRequest,
    MessageBody,
)
from assistant.drafting.rewording import reword_behavior
from assistant.drafting.styles import Styled
from assistant.drafting.tone import check_tone, practice
from assistant.drafting.wording import lower_first, sentence
from assistant.drafting.writer import write
from assistant.resources import package_folder

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools

FEEDBACK_FILE = package_folder("assistant.drafting", "data") / "feedback.yaml"


class Prompted(Styled):
    """A part in the product's own words, in each style, and the query for the practice it
    follows."""

    query: Text


class FeedbackFile(DataModel):
    """``data/feedback.yaml``: the words of a feedback draft around what the person typed."""

    opening: Prompted
    observation_query: Text
    impact_query: Text
    invitation: Prompted
    next_step: dict[FeedbackKind, Prompted]
    request: Styled
    example: Text

    @model_validator(mode="after")
    def _valid(self) -> FeedbackFile:
        self.request.check({"request"}, "{request}", "request")
        check_placeholders(self.example, {"question"}, "{question}", "example")
        missing = [kind for kind in get_args(FeedbackKind) if kind not in self.next_step]
        if missing:
            raise ValueError(f"next_step has no part for {', '.join(missing)} feedback")
        return self


def load_feedback(path: Path = FEEDBACK_FILE) -> FeedbackFile:
    return load_data_file(path, FeedbackFile)


@cache
def feedback_words() -> FeedbackFile:
    """The shipped feedback wording, read once."""
    return load_feedback()


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


def asked(grounder: Grounder, label: str, text: str, query: str, example: str) -> DraftPart:
    """A part that asks the product's own question; the practice it follows and an example
    question from the guides go in its basis. An example is about someone else's situation
    ("How did Thursday go?"), so sent as the person's own words it would be untrue."""
    found = grounder.search(query)
    basis = grounder.advice(found)
    if not any(map(quoted_question, basis)):
        for cited in grounder.questions(found, 1):
            question, mark = cited.rsplit(" ", 1)
            basis.append(f"{example.format(question=question)} {mark}")
    return DraftPart(label=label, text=text, basis=basis)


def next_step(grounder: Grounder, words: FeedbackFile, request: FeedbackRequest) -> list[DraftPart]:
    """The last part: the person's request when they gave one, else the product's question,
    in the request's style (none when the style leaves it out)."""
    step = words.next_step[request.kind]
    if request.request:
        wording = words.request.wording(request.style)
        if wording is None:
            return []
        text = wording.format(request=lower_first(request.request).rstrip("."))
        basis = grounder.advice(grounder.search(step.query))
        return [DraftPart(label="Next step", text=text, basis=basis)]
    question = step.wording(request.style)
    return [asked(grounder, "Next step", question, step.query, words.example)] if question else []


def draft_feedback(
    tools: DraftTools, request: FeedbackRequest, backend: str | None = None
) -> FeedbackDraft:
    """Feedback in SBI form with a tone check; each part cites the practice it follows.

    In redirecting feedback, a behaviour typed with labels or absolutes is said without them
    (``rewording``, shown beside the original)."""
    words = feedback_words()
    giver, receiver = request.direction.split("-to-")
    wording = [request.situation, request.behavior, request.impact, request.request or ""]
    tone = check_tone(" ".join(wording), behavior=request.behavior)
    rewording = reword_behavior(request.behavior) if request.kind == "redirecting" else None
    behavior = rewording.rewritten if rewording else request.behavior
    grounder = tools.grounder(role=giver)
    parts = []
    if opening := words.opening.wording(request.style):
        parts.append(grounder.part("Ask permission", opening, words.opening.query))
    seen = observation(request.situation, behavior)
    parts.append(grounder.part("Situation and behaviour", seen, words.observation_query))
    parts[-1].basis += grounder.advice(grounder.search(f"{request.kind} feedback names"))
    for warning in tone:
        parts[-1].basis += grounder.advice(grounder.search(practice(warning.issue)))
    parts.append(grounder.part("Impact", sentence(request.impact), words.impact_query))
    if invitation := words.invitation.wording(request.style):
        invite = words.invitation.query
        parts.append(asked(grounder, "Invite a response", invitation, invite, words.example))
    parts += next_step(grounder, words, request)
    body = MessageBody(
        subject=f"{request.kind.capitalize()} feedback for your {receiver}", parts=parts
    )
    written = write(
        tools.settings,
        body,
        grounder,
        backend,
        request,
        lambda b: feedback_problems(b, request, behavior),
        request.style,
    )
    return FeedbackDraft(
        **written.body.model_dump(),
        style=request.style,
        kind=request.kind,
        direction=request.direction,
        tone=tone,
        rewording=rewording,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def feedback_problems(body: MessageBody, request: FeedbackRequest, behavior: str) -> list[str]:
    """Why a feedback draft does not say what the person asked it to (empty when it does);
    ``behavior`` is the behaviour as the draft says it."""
    return [
        f"it drops the {name}"
        for name, phrase in [("behaviour", behavior), ("impact", request.impact)]
        if not keeps(body.text, phrase)
    ]

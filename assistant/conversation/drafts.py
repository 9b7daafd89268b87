"""Drafts in a conversation: the drafting package's templates, filled from what the coach knows.

"Write what I'd say to her" after a story about missed deadlines is feedback with the behaviour
the person described; "an agenda for Thursday, 30 minutes" is a 30-minute agenda for Thursday.
Nothing is borrowed from the guides into the text to send (the drafting package's rule); what
the conversation has not said stays a ``{placeholder}``. A revision is the same draft again in
another style (``DraftStyle``) or with the facts changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import Field

from assistant.answering.situation_drafts import message_for
from assistant.conversation.slots import to_second_person
from assistant.conversation.state import ConversationState, DraftKind, LastDraft
from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file
from assistant.drafting import models as drafts
from assistant.drafting.render import AnyDraft, to_chat
from assistant.models import Citation, Role
from assistant.resources import package_folder

DRAFTING_FILE = package_folder("assistant.conversation", "data") / "drafting.yaml"


class DraftingFile(DataModel):
    feedback_behaviors: tuple[Regex, ...] = ()
    feedback_docs: frozenset[Text] = frozenset()
    agreement_docs: frozenset[Text] = frozenset()
    agenda_sessions: dict[Text, drafts.SessionType] = Field(default_factory=dict)
    praise: tuple[Regex, ...] = ()
    default_message: dict[Role, drafts.MessageKind]
    blanks: dict[Text, Text]

    @cached_property
    def praise_pattern(self) -> re.Pattern[str] | None:
        return any_of(self.praise)

    @cached_property
    def feedback_pattern(self) -> re.Pattern[str] | None:
        return any_of(self.feedback_behaviors)

    def blank(self, name: str) -> str:
        return "{" + self.blanks.get(name, name) + "}"


def load_drafting(path: Path = DRAFTING_FILE) -> DraftingFile:
    return load_data_file(path, DraftingFile)


@cache
def drafting_rules() -> DraftingFile:
    """The shipped choices, read once."""
    return load_drafting()


class Written(DataModel):
    """A draft as the conversation shows it, and what a revision needs to redo it."""

    text: str
    citations: tuple[Citation, ...]
    last: LastDraft


class DraftWriter:
    """Writes the conversation's drafts with an injected drafter (the Coach's, offline)."""

    def __init__(self, write: Callable[[Any], AnyDraft]) -> None:
        """``write`` drafts any request model (agenda, feedback, message, agreement)."""
        self.write = write

    def kind_for(self, asked: str | None, state: ConversationState) -> DraftKind:
        """The kind of draft a request means: the one named, else the situation's."""
        if asked in ("message", "feedback", "agenda", "agreement"):
            return asked  # type: ignore[return-value]
        rules = drafting_rules()
        behavior = state.facts.behavior or ""
        calls_for_feedback = rules.feedback_pattern and rules.feedback_pattern.search(behavior)
        if calls_for_feedback or state.lead_doc in rules.feedback_docs:
            return "feedback"
        if state.lead_doc in rules.agreement_docs:
            return "agreement"
        return "message"

    def request(self, last: LastDraft, state: ConversationState, role: Role) -> Any:
        """The drafting request for ``last`` (its kind, message kind and style), filled with
        the conversation's facts."""
        rules, facts = drafting_rules(), state.facts
        party: drafts.Party = "mentor" if role != "mentee" else "mentee"
        other: drafts.Party = facts.other or ("mentee" if party == "mentor" else "mentor")
        goals = [facts.goal] if facts.goal else [rules.blank("goal")]
        if last.kind == "message":
            times = [" ".join(filter(None, [facts.day, facts.time]))] if facts.day else []
            return drafts.MessageRequest(
                kind=last.message or rules.default_message[role],
                to=other,
                name=facts.name,
                sender=facts.sender,
                about=facts.goal,
                times=times,
                style=last.style,
            )
        if last.kind == "feedback":
            said = " ".join([state.situation, facts.behavior or ""])
            praise = rules.praise_pattern
            return drafts.FeedbackRequest(
                situation=rules.blank("situation"),
                behavior=to_second_person(facts.behavior)
                if facts.behavior
                else rules.blank("behavior"),
                impact=rules.blank("impact"),
                kind="reinforcing" if praise and praise.search(said) else "redirecting",
                direction="mentee-to-mentor" if other == "mentor" else "mentor-to-mentee",
                style=last.style,
            )
        if last.kind == "agenda":
            return drafts.AgendaRequest(
                session=drafting_rules().agenda_sessions.get(state.lead_doc or "", "regular"),
                minutes=facts.minutes or 60,
                goals=goals,
                challenges=[facts.behavior] if facts.behavior else [],
                role=party,
                style=last.style,
            )
        return drafts.AgreementRequest(
            mentor=facts.name if other == "mentor" else None,
            mentee=facts.name if other == "mentee" else None,
            minutes=facts.minutes or 60,
            goals=[facts.goal] if facts.goal else [],
            cadence=facts.cadence,
            style=last.style,
        )

    def draft(
        self, kind: DraftKind, message: str | None, state: ConversationState, role: Role
    ) -> LastDraft:
        """What to draft for a request of ``kind`` (a message's kind from the words, the
        situation or the conversation's last message)."""
        if kind != "message":
            return LastDraft(kind=kind)
        if message in ("reengage", "thank-you", "ask-mentor", "reschedule"):
            return LastDraft(kind=kind, message=message)  # type: ignore[arg-type]
        fitting = message_for(state.situation, role, state.lead_doc or "")
        if fitting is not None:
            return LastDraft(kind=kind, message=fitting.kind)
        if state.draft is not None and state.draft.message:
            return LastDraft(kind=kind, message=state.draft.message)
        return LastDraft(kind=kind, message=drafting_rules().default_message[role])

    def written(self, last: LastDraft, state: ConversationState, role: Role) -> Written:
        """The draft written and shown (its "why" line cites the practice behind it)."""
        drafted = self.write(self.request(last, state, role))
        if isinstance(drafted, drafts.Agenda) and state.facts.day:
            drafted = drafted.model_copy(update={"title": f"{drafted.title}, {state.facts.day}"})
        return Written(text=to_chat(drafted), citations=tuple(drafted.citations), last=last)

"""Stalled-mentorship triage: the clarifying questions a chat asks before it answers.

The words, questions and what an answer adds to the message are in ``data/triage.yaml``. Front
ends (CLI chat, UI) keep a ``Triage`` for the message, ask its ``next_question`` one turn at a
time, and answer ``clarified``: the message and what the answers add (a skipped one adds
nothing).
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from assistant.data_files import (
    DataModel,
    Regex,
    Text,
    any_of,
    check_placeholders,
    load_data_file,
)
from assistant.resources import package_folder

TRIAGE_FILE = package_folder("assistant.answering", "data") / "triage.yaml"
MAX_QUESTIONS = 2


class Question(DataModel):
    ask: Text
    options: tuple[Text, ...] = ()
    answered: tuple[Regex, ...] = ()  # the message already says it
    says: Text  # what an answer adds to the message

    @field_validator("says")
    @classmethod
    def _says(cls, says: str) -> str:
        check_placeholders(says, {"answer"}, "{answer}", "says")
        return says

    @cached_property
    def answered_pattern(self) -> re.Pattern[str] | None:
        return any_of(self.answered)

    def is_answered_by(self, message: str) -> bool:
        return bool(self.answered_pattern and self.answered_pattern.search(message))

    @property
    def prompt(self) -> str:
        """The question with its example answers."""
        return f"{self.ask} ({' / '.join(self.options)})" if self.options else self.ask


class TriageFile(DataModel):
    stall: tuple[Regex, ...] = Field(min_length=1)
    intro: Text
    skip: tuple[Text, ...] = Field(min_length=1)  # replies that skip every question left
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @cached_property
    def stall_pattern(self) -> re.Pattern[str] | None:
        return any_of(self.stall)


def load_triage(path: Path = TRIAGE_FILE) -> TriageFile:
    return load_data_file(path, TriageFile)


@cache
def triage_rules() -> TriageFile:
    """The shipped triage, read once."""
    return load_triage()


def describes_stall(message: str) -> bool:
    stall = triage_rules().stall_pattern
    return bool(stall and stall.search(message))


def questions_for(message: str) -> list[Question]:
    """The questions worth asking before answering ``message``: none unless it describes a
    stall, and none that the message already answers."""
    if not describes_stall(message):
        return []
    return [q for q in triage_rules().questions if not q.is_answered_by(message)]


def skips_all(reply: str) -> bool:
    return reply.strip().lower() in {word.lower() for word in triage_rules().skip}


def with_answers(message: str, answers: list[tuple[Question, str]]) -> str:
    """The message and what the answers (blank ones skipped) add to it."""
    said = [q.says.format(answer=a.strip().rstrip(".")) for q, a in answers if a.strip()]
    return " ".join([message, *said])


class Triage(BaseModel):
    """A triage under way: the message, the replies so far, and whether the rest was skipped."""

    message: str
    replies: list[str] = Field(default_factory=list)
    skipped: bool = False

    @classmethod
    def start(cls, message: str) -> Triage | None:
        """A triage for ``message``, or None when it calls for no question."""
        return cls(message=message) if questions_for(message) else None

    @property
    def questions(self) -> list[Question]:
        return questions_for(self.message)

    @property
    def next_question(self) -> Question | None:
        if self.skipped or len(self.replies) >= len(self.questions):
            return None
        return self.questions[len(self.replies)]

    def reply(self, text: str) -> Triage:
        """The triage after the person's reply: "skip" ends it, an empty reply skips one."""
        if skips_all(text):
            return self.model_copy(update={"skipped": True})
        return self.model_copy(update={"replies": [*self.replies, text.strip()]})

    @property
    def clarified(self) -> str:
        return with_answers(self.message, list(zip(self.questions, self.replies, strict=False)))

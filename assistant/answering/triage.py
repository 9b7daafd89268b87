"""Stalled-mentorship triage: the clarifying question a conversation's first answer ends with.

The words, questions and what an answer adds are in ``data/triage.yaml``. A first answer about a
stall asks the first question its message (and the conversation's facts) does not answer; the
person's reply, if they give one, becomes a fact the next answer uses (``conversation``). The
person's own words are never rewritten.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path

from pydantic import Field, field_validator

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
MAX_QUESTIONS = 2  # of which a first answer asks one


class Question(DataModel):
    ask: Text
    fact: Text  # the conversation's fact its answer gives (a fact already known is not asked)
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

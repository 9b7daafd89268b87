"""Which ready-to-send message a coaching answer ends with, from ``data/situation_drafts.yaml``.

An answer to "my mentor keeps cancelling" that says "send a short re-engagement message" is
more useful with the message itself; the drafting code writes it (the answerer is given a
``draft_message`` callable, so answering does not depend on drafting)."""

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
from assistant.drafting.models import MessageKind, MessageRequest, Party
from assistant.models import Role
from assistant.resources import package_folder

SITUATIONS_FILE = package_folder("assistant.answering", "data") / "situation_drafts.yaml"
# "my mentor, Sam, keeps cancelling" / "my mentee Priya": the name to greet.
_NAMED = re.compile(r"\b(?i:my (mentor|mentee)),? ([A-Z][a-z]+)\b")


class Situation(DataModel):
    kind: MessageKind
    docs: tuple[Text, ...] = ()
    words: tuple[Regex, ...] = ()
    roles: tuple[Role, ...] = ("mentee", "mentor")

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        return any_of(self.words)

    def applies(self, question: str, role: str, lead_doc: str) -> bool:
        if role not in self.roles:
            return False
        return lead_doc in self.docs or bool(self.pattern and self.pattern.search(question))


class SituationsFile(DataModel):
    offer: Text
    situations: tuple[Situation, ...] = Field(min_length=1)

    @field_validator("offer")
    @classmethod
    def _offer(cls, offer: str) -> str:
        check_placeholders(offer, {"kind"}, "{kind}", "offer")
        return offer


def load_situations(path: Path = SITUATIONS_FILE) -> SituationsFile:
    return load_data_file(path, SituationsFile)


@cache
def situations() -> SituationsFile:
    """The shipped situations, read once."""
    return load_situations()


def message_for(question: str, role: str, lead_doc: str) -> MessageRequest | None:
    """The message a person in this situation could send, or None when none fits."""
    fitting = (s for s in situations().situations if s.applies(question, role, lead_doc))
    situation = next(fitting, None)
    if situation is None:
        return None
    to: Party = "mentor" if role == "mentee" else "mentee"
    named = _NAMED.search(question)
    name = named.group(2) if named and named.group(1) == to else None
    return MessageRequest(kind=situation.kind, to=to, name=name)

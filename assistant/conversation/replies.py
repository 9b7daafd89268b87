"""The coach's own words around a conversation's replies (``data/replies.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationInfo, field_validator

from assistant.conversation.state import DraftKind, Facts
from assistant.data_files import DataModel, Text, check_placeholders, load_data_file
from assistant.models import Role
from assistant.resources import package_folder

REPLIES_FILE = package_folder("assistant.conversation", "data") / "replies.yaml"
_PLACEHOLDERS = {
    "revised": {"change"},
    "follow_up": {"question"},
    "clarified": {"fact"},
    "ask": {"question"},
    "more_offer": {"items"},
    "more_opening": {"label"},
}


class ConversationReplies(DataModel):
    closing: dict[Role, Text]
    intros: dict[DraftKind, Text]
    revised: Text
    changes: dict[str, Text]
    shortened: Text
    follow_up: Text
    clarified: Text
    ask: Text
    more_offer: Text
    more_opening: Text
    nothing_more: Text
    draft_basis: Text

    @field_validator(*_PLACEHOLDERS)
    @classmethod
    def _placeholders(cls, text: str, info: ValidationInfo) -> str:
        allowed = _PLACEHOLDERS[str(info.field_name)]
        check_placeholders(text, allowed, ", ".join(f"{{{n}}}" for n in sorted(allowed)))
        return text

    @field_validator("intros")
    @classmethod
    def _intro_placeholders(cls, intros: dict[str, str]) -> dict[str, str]:
        for kind, text in intros.items():
            check_placeholders(text, {"to", "when"}, "{to} and {when}", f"intros.{kind}")
        return intros

    def intro(self, kind: DraftKind, facts: Facts, role: Role) -> str:
        """The line above a new draft: to whom, and for when."""
        other = facts.other or ("mentor" if role == "mentee" else "mentee")
        to = f" to {facts.name}" if facts.name else f" to your {other}"
        when = f" for {facts.day}" if facts.day else ""
        if facts.minutes and kind == "agenda":
            when += f" ({facts.minutes} minutes)"
        return self.intros[kind].format(to=to, when=when)


def load_replies(path: Path = REPLIES_FILE) -> ConversationReplies:
    return load_data_file(path, ConversationReplies)


@cache
def conversation_replies() -> ConversationReplies:
    """The shipped wording, read once."""
    return load_replies()

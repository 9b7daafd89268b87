"""What the coach knows about one conversation: who is who, the facts given and the last draft.

Extracted from the person's own words turn by turn (``slots.py``), stored with a conversation,
exported with it, shown and editable in the web app, and read by every reply. A client that
keeps its own history (the OpenAI API) gets the same knowledge by replaying its user turns.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.drafting.models import DraftStyle, MessageKind, Party
from assistant.models import MoreItem

DraftKind = Literal["message", "feedback", "agenda", "agreement"]
Pronoun = Literal["she", "he", "they"]
# The facts a person may set or clear by hand (the web app's "What I know so far"), as shown.
FACT_LABELS = {
    "other": "They are your",
    "name": "Their name",
    "pronoun": "Pronoun",
    "sender": "Your name",
    "cadence": "How often you meet",
    "day": "Meeting day",
    "time": "Meeting time",
    "minutes": "Meeting length (minutes)",
    "since": "Since you last met",
    "cancels": "Who usually cancels",
    "behavior": "What happened",
    "goal": "Goal or topic",
}


class Facts(BaseModel):
    """What the person said about their situation; None where nothing was said yet."""

    other: Party | None = Field(default=None, description="Who the other person is to them.")
    name: str | None = Field(default=None, max_length=80, description="The other person's name.")
    pronoun: Pronoun | None = None
    sender: str | None = Field(default=None, max_length=80, description="Who signs a message.")
    cadence: str | None = Field(default=None, max_length=80, description="How often they meet.")
    day: str | None = Field(default=None, max_length=40, description="The meeting's day.")
    time: str | None = Field(default=None, max_length=40, description="The meeting's time.")
    minutes: int | None = Field(default=None, ge=15, le=180, description="The meeting's length.")
    since: str | None = Field(default=None, max_length=80, description="How long it has stalled.")
    cancels: str | None = Field(default=None, max_length=80, description="Who usually cancels.")
    behavior: str | None = Field(default=None, max_length=200, description="What they did.")
    goal: str | None = Field(default=None, max_length=200, description="What it is about.")

    def known(self) -> dict[str, str]:
        """The facts given, as the web app lists them (name → value)."""
        return {k: str(v) for k, v in self.model_dump().items() if v not in (None, "")}


class LastDraft(BaseModel):
    """The draft the conversation last showed: what a revision changes."""

    kind: DraftKind
    message: MessageKind | None = None
    style: DraftStyle = "standard"


class ConversationState(BaseModel):
    """The conversation's tracker (in Rasa's sense): updated by each turn, read by each reply."""

    situation: str = Field(default="", description="The person's words of what it is about.")
    lead_doc: str | None = Field(default=None, description="The guide that answered it.")
    facts: Facts = Field(default_factory=Facts)
    draft: LastDraft | None = None
    more: list[MoreItem] = Field(default_factory=list)
    # The clarifying question the last reply asked (its index in triage.yaml), if any.
    asked: int | None = None
    # Facts the person set by hand: never overwritten by what is read from later turns.
    edited: list[str] = Field(default_factory=list)

    def with_facts(self, facts: dict[str, object], by_hand: bool = False) -> ConversationState:
        """The state with these facts set (None clears one); ``by_hand`` marks them edited."""
        keep = set(self.edited) if not by_hand else set()
        updates = {k: v for k, v in facts.items() if k not in keep}
        merged = Facts.model_validate({**self.facts.model_dump(), **updates})
        edited = sorted(set(self.edited) | set(updates)) if by_hand else self.edited
        return self.model_copy(update={"facts": merged, "edited": edited})

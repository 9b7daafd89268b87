"""The entries of a person's mentorship record, as they are written (``…In``) and as stored.

What a client sends is checked here (lengths, ranges, one of the known values), so every
surface (the CLI, REST, the web app) refuses the same bad input with the same words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EntryKind = Literal["mentorship", "goal", "meeting", "action"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("mentorship", "goal", "meeting", "action")
PairRole = Literal["mentee", "mentor"]  # the owner's side of the pair
GoalStatus = Literal["open", "done", "dropped"]
MeetingStatus = Literal["held", "cancelled"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
# Where an entry came from: "by hand", "notes", "conversation <id>".
Source = Annotated[str, StringConstraints(max_length=60)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MentorshipIn(Entry):
    role: PairRole
    other_name: Name
    started: date | None = None
    cadence_days: int | None = Field(default=None, ge=1, le=366)
    named_to_lead: bool = False  # the owner agrees a lead's stalled-pairs list may name them


class GoalIn(Entry):
    mentorship_id: str
    text: Line
    due: date | None = None
    status: GoalStatus = "open"


class MeetingIn(Entry):
    mentorship_id: str
    held_on: date
    minutes: int | None = Field(default=None, ge=5, le=480)
    status: MeetingStatus = "held"
    notes: Notes = ""
    agreed: Notes = ""


class ActionItemIn(Entry):
    mentorship_id: str
    text: Line
    who: Name = "me"  # "me", or the person who does it
    due: date | None = None
    done: bool = False
    meeting_id: str | None = None


class Stored(BaseModel):
    id: str
    source: Source
    created_at: datetime


class Mentorship(MentorshipIn, Stored):
    pass


class Goal(GoalIn, Stored):
    smart: list[str] = Field(default_factory=list)  # what the SMART check finds missing


class Meeting(MeetingIn, Stored):
    pass


class ActionItem(ActionItemIn, Stored):
    pass


ENTRY_INPUTS: dict[EntryKind, type[Entry]] = {
    "mentorship": MentorshipIn,
    "goal": GoalIn,
    "meeting": MeetingIn,
    "action": ActionItemIn,
}


class Record(BaseModel):
    """Everything the coach remembers for one person."""

    mentorships: list[Mentorship] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)  # newest first
    actions: list[ActionItem] = Field(default_factory=list)  # open first, then by due date

    def of(self, mentorship_id: str) -> Record:
        """The part of the record about one mentorship."""
        return Record(
            mentorships=[m for m in self.mentorships if m.id == mentorship_id],
            goals=[g for g in self.goals if g.mentorship_id == mentorship_id],
            meetings=[m for m in self.meetings if m.mentorship_id == mentorship_id],
            actions=[a for a in self.actions if a.mentorship_id == mentorship_id],
        )

    @property
    def names(self) -> dict[str, str]:
        """The other person of each mentorship, by the mentorship's id (the "with" column)."""
        return {m.id: m.other_name for m in self.mentorships}

    def last_held(self, mentorship_id: str) -> Meeting | None:
        """The mentorship's last meeting held (cancelled ones do not count)."""
        held = [m for m in self.meetings if m.mentorship_id == mentorship_id and m.status == "held"]
        return max(held, key=lambda m: (m.held_on, m.created_at), default=None)

    @property
    def empty(self) -> bool:
        return not (self.mentorships or self.goals or self.meetings or self.actions)

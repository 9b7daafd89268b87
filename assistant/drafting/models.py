"""Pydantic models for drafts: session agendas, feedback, messages and mentoring agreements.

Each draft has a *body* (the part an LLM fills through structured output) and the draft itself
(body plus numbered citations, the backend that wrote it and any warnings). Best-practice text
carries ``[n]`` markers that point at ``citations``; parts expose the numbers they cite.

Every request takes a ``style`` (a chat revises its last draft by asking again in another
style): ``short`` keeps the essentials; ``casual``, ``formal`` and ``warm`` use the template
variants written for that voice (a message's or feedback's paragraphs, an agenda's purposes, an
agreement's clauses). A draft says the style it was written in.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, computed_field, field_validator

from assistant.generation.citations import CITATION_MARK
from assistant.models import Citation
from assistant.text.unicode import check_texts

SessionType = Literal["first", "regular", "stalled-reset", "midpoint-review", "closing"]
MentoringStyle = Literal["directive", "supportive", "challenging"]
FeedbackKind = Literal["reinforcing", "redirecting"]
FeedbackDirection = Literal["mentor-to-mentee", "mentee-to-mentor"]
MessageKind = Literal["reengage", "thank-you", "ask-mentor", "reschedule", "follow-up"]
Party = Literal["mentor", "mentee"]
ToneIssue = Literal["absolute", "label", "vague", "blame", "sarcasm", "length"]
DraftStyle = Literal["standard", "short", "casual", "formal", "warm"]

Text = Annotated[str, Field(min_length=1, max_length=300)]


def cited_numbers(*texts: str) -> list[int]:
    """The citation numbers marked in these texts, sorted, each once."""
    return sorted({int(n) for text in texts for n in CITATION_MARK.findall(text)})


def strip_marks(text: str) -> str:
    """Text without its ``[n]`` markers."""
    return " ".join(CITATION_MARK.sub("", text).split())


def _squash(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class DraftRequest(BaseModel):
    """Base of draft requests: whitespace runs become one space, blank list entries go; a
    value that is not text (an unpaired surrogate) is refused with the field's name."""

    style: DraftStyle = Field(
        default="standard",
        description="short keeps the essentials; casual, formal and warm change the voice.",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _tidy(cls, value: object, info: ValidationInfo) -> object:
        check_texts(value if isinstance(value, list) else [value], f"The field '{info.field_name}'")
        if isinstance(value, list):
            return [_squash(v) for v in value if not isinstance(v, str) or v.strip()]
        return _squash(value)


class Draft(BaseModel):
    """What every draft carries besides its body."""

    citations: list[Citation] = Field(default_factory=list)
    backend: str = "composer"
    style: DraftStyle = "standard"
    warnings: list[str] = Field(default_factory=list)


# Agendas


class AgendaRequest(DraftRequest):
    """What a mentoring session agenda should cover. A ``short`` agenda keeps the essential
    blocks, one question each, and less practice; casual, formal and warm word the standard
    agenda's purposes in that voice."""

    session: SessionType = "regular"
    minutes: int = Field(default=60, ge=15, le=180)
    goals: list[str] = Field(min_length=1, max_length=5)
    progress: str | None = Field(default=None, max_length=500)
    challenges: list[str] = Field(default_factory=list, max_length=5)
    mentoring_style: MentoringStyle | None = None
    role: Party = "mentor"


class AgendaItem(BaseModel):
    """One timed block of a session."""

    title: str
    minutes: int = Field(ge=1)
    purpose: str
    focus: list[str] = Field(
        default_factory=list, description="The goals, challenges or progress it covers."
    )
    prompts: list[str] = Field(default_factory=list, description="Questions to ask, cited [n].")
    tips: list[str] = Field(default_factory=list, description="Best practice for it, cited [n].")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> list[int]:
        return cited_numbers(self.purpose, *self.prompts, *self.tips)


class AgendaBody(BaseModel):
    """A session agenda: timed items, what to bring and what to do afterwards."""

    title: str
    items: list[AgendaItem] = Field(min_length=1)
    prepare: list[str] = Field(default_factory=list, description="What to bring, cited [n].")
    follow_up: list[str] = Field(default_factory=list, description="Actions after, cited [n].")


class Agenda(Draft, AgendaBody):
    session: SessionType
    minutes: int


# Feedback, messages and their tone


class ToneWarning(BaseModel):
    """A wording problem found by the tone check."""

    issue: ToneIssue
    words: list[str]
    suggestion: str


class DraftPart(BaseModel):
    """One part of a message or feedback, and the best practice it follows."""

    label: str
    text: str = Field(min_length=1)
    basis: list[str] = Field(default_factory=list, description="Best practice, cited [n].")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> list[int]:
        return cited_numbers(*self.basis)


class MessageBody(BaseModel):
    """A message to send, in parts, each with the practice it follows."""

    subject: str
    parts: list[DraftPart] = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """The whole message, ready to send: no citations."""
        return "\n\n".join(part.text for part in self.parts)


class FeedbackRequest(DraftRequest):
    """Feedback to draft, in situation-behaviour-impact form."""

    situation: Text
    behavior: Text
    impact: Text
    kind: FeedbackKind = "reinforcing"
    direction: FeedbackDirection = "mentor-to-mentee"
    request: str | None = Field(default=None, max_length=300)


class Rewording(BaseModel):
    """The behaviour as typed and as the draft says it, shown side by side."""

    original: str
    rewritten: str
    left_out: list[str] = Field(description="The labels, absolutes and judgments taken out.")


class FeedbackDraft(Draft, MessageBody):
    kind: FeedbackKind
    direction: FeedbackDirection
    tone: list[ToneWarning] = Field(default_factory=list)
    rewording: Rewording | None = None


class MessageRequest(DraftRequest):
    """A hard-to-write message; anything not given becomes a ``{placeholder}``."""

    kind: MessageKind
    to: Party = "mentor"
    name: str | None = Field(default=None, max_length=80, description="Who it is for.")
    sender: str | None = Field(default=None, max_length=80, description="Who signs it.")
    about: str | None = Field(
        default=None, max_length=200, description="The goal or topic it concerns."
    )
    detail: str | None = Field(
        default=None, max_length=300, description="A specific: why them, what helped, why."
    )
    times: list[str] = Field(default_factory=list, max_length=3)
    items: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list,
        max_length=12,
        description="Action items agreed, each with who and when (a follow-up).",
    )


class MessageDraft(Draft, MessageBody):
    kind: MessageKind
    to: Party


# Agreements


class AgreementRequest(DraftRequest):
    """Details for a mentoring agreement; anything not given becomes a ``{placeholder}``. A
    ``short`` agreement has only the essential sections; casual, formal and warm word the
    standard one's clauses in that voice."""

    mentor: str | None = Field(default=None, max_length=80)
    mentee: str | None = Field(default=None, max_length=80)
    goals: list[str] = Field(default_factory=list, max_length=5)
    cadence: str | None = Field(default=None, max_length=80, description="e.g. every two weeks")
    minutes: int = Field(default=60, ge=15, le=180, description="Length of a meeting.")
    channels: list[str] = Field(default_factory=list, max_length=4)
    months: int | None = Field(default=None, ge=1, le=36, description="How long it runs.")
    review: str | None = Field(default=None, max_length=80, description="Review date.")


class AgreementSection(BaseModel):
    """One section of the agreement: what both agree, and the best practice behind it."""

    title: str
    clauses: list[str] = Field(min_length=1)
    guidance: list[str] = Field(default_factory=list, description="Best practice, cited [n].")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> list[int]:
        return cited_numbers(*self.guidance)


class AgreementBody(BaseModel):
    """A mentoring agreement draft."""

    title: str
    sections: list[AgreementSection] = Field(min_length=1)


class AgreementDraft(Draft, AgreementBody):
    pass

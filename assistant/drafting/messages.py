"""Hard-to-write messages: re-engaging, thanking, asking someone to mentor you, rescheduling.

Each message is a short template per kind and recipient, filled with what the person gave and
``{placeholders}`` for the rest; each paragraph cites the best practice it follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.drafting.models import MessageBody, MessageDraft, MessageRequest
from assistant.drafting.wording import Placeholders, sentence

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools


@dataclass(frozen=True)
class Paragraph:
    """A paragraph template; ``query`` finds the practice it follows, ``needs`` a field it
    shows only when given."""

    label: str
    template: str
    query: str | None = None
    needs: str | None = None


@dataclass(frozen=True)
class Template:
    subject: str
    about: str  # what {about} stands for when it is not given
    detail: str  # what {detail} stands for when it is not given
    paragraphs: tuple[Paragraph, ...]


SIGN_OFF = Paragraph("Sign-off", "Best wishes,\n{your name}")

TEMPLATES: dict[tuple[str, str], Template] = {
    ("reengage", "mentor"): Template(
        "Checking in about our sessions",
        "what we have been working on",
        "what has changed for you",
        (
            Paragraph(
                "Friendly opening",
                "Hi {name}, I know things have been busy lately, and I wanted to check in.",
                "send one short, friendly message that is easy to answer",
            ),
            Paragraph("Your side", "{detail}", "share your side too of the stall", "detail"),
            Paragraph(
                "A concrete proposal",
                "I'd still really value our sessions on {about}. Would a shorter 30-minute call "
                "every three weeks be easier? I could do {times}.",
                "keep blame out of it and make a concrete proposal",
            ),
            Paragraph(
                "An easy way out",
                "And if now isn't a good time for you, that's completely fine to say.",
                "that gives them a graceful option instead of silent guilt",
            ),
            SIGN_OFF,
        ),
    ),
    ("reengage", "mentee"): Template(
        "Checking in",
        "what we have been working on",
        "what has changed on my side",
        (
            Paragraph(
                "Friendly opening",
                "Hi {name}, we haven't spoken in a while and I wanted to check in, no pressure.",
                "your first message sets the tone: make it warm, short and easy to answer honestly",
            ),
            Paragraph("Your side", "{detail}", "share your side too of the stall", "detail"),
            Paragraph(
                "A concrete proposal",
                "Are you still keen to continue with {about}? If so, I could do {times}, and a "
                "shorter call is fine if that's easier.",
                "offer options, including a pause, so saying things are hard feels safe",
            ),
            Paragraph(
                "An easy way out",
                "If things have changed, just let me know; that's completely fine.",
                "making it easy for a quiet mentee to be honest is your job",
            ),
            SIGN_OFF,
        ),
    ),
    ("thank-you", "mentor"): Template(
        "Thank you",
        "what we worked on",
        "one specific thing that helped, and what changed because of it",
        (
            Paragraph(
                "Thanks",
                "Hi {name}, thank you for our sessions on {about} and for the time you gave me.",
                "say thank you in writing at the end of a mentorship",
            ),
            Paragraph(
                "What helped",
                "What helped most was {detail}.",
                "a specific thank-you names what changed because of their help",
            ),
            Paragraph(
                "Staying in touch",
                "I'd love to send you an update in a few months, if that's welcome.",
                "staying in touch lead with an update rather than a request",
            ),
            SIGN_OFF,
        ),
    ),
    ("thank-you", "mentee"): Template(
        "Thank you",
        "what we worked on",
        "a specific change you saw in them",
        (
            Paragraph(
                "Thanks",
                "Hi {name}, thank you for the openness and effort you brought to our sessions "
                "on {about}.",
                "mentors can thank mentees too for their openness and effort",
            ),
            Paragraph(
                "Their growth",
                "I've seen real growth: {detail}.",
                "acknowledging accomplishments be specific about the growth you have seen",
            ),
            Paragraph(
                "Staying in touch",
                "My door stays open, and I'd be glad to hear how things go.",
                "staying in touch be honest about capacity open door",
            ),
            SIGN_OFF,
        ),
    ),
    ("ask-mentor", "mentor"): Template(
        "A short question about {about}",
        "your goal",
        "something specific they have done or said",
        (
            Paragraph(
                "Who you are",
                "Hi {name}, I'm {your name}, {one line about who you are}.",
                "what to include when asking someone to mentor you: who you are in one line",
            ),
            Paragraph(
                "Why them",
                "I'm reaching out because {detail}.",
                "asking someone to mentor you: say why them, something specific they did or said",
            ),
            Paragraph(
                "A small, specific ask",
                "I'm working towards {about}, and I'd value your perspective. Would you be open "
                "to a 30-minute call in the next few weeks? I could do {times}.",
                "make a small specific first ask with a time commitment",
            ),
            Paragraph(
                "An easy way out",
                "I know you're busy, so no worries at all if now isn't a good time.",
                "make it easy to decline when asking someone to mentor you",
            ),
            SIGN_OFF,
        ),
    ),
}
_RESCHEDULE = Template(
    "Rescheduling {about}",
    "our next session",
    "why",
    (
        Paragraph(
            "Early notice",
            "Hi {name}, I'm sorry, but I need to move {about}.",
            "if you must move a meeting reschedule straight away rather than cancelling",
        ),
        Paragraph("Reason", "{detail}", needs="detail"),
        Paragraph(
            "New times",
            "Could we meet at {times} instead?",
            "the person cancelling proposes a new time in the same message",
        ),
        Paragraph(
            "Commitment",
            "Our sessions matter to me, and I want to keep our rhythm going.",
            "protect the time on both sides",
        ),
        SIGN_OFF,
    ),
)
TEMPLATES |= {("reschedule", "mentor"): _RESCHEDULE, ("reschedule", "mentee"): _RESCHEDULE}


def _fill(paragraph: Paragraph, values: Placeholders) -> str:
    text = paragraph.template.format_map(values)
    return sentence(text) if paragraph.needs else text


def draft_message(
    tools: DraftTools, request: MessageRequest, backend: str | None = None
) -> MessageDraft:
    """A short, warm message with ``{placeholders}`` for what was not given."""
    to = "mentor" if request.kind == "ask-mentor" else request.to
    template = TEMPLATES[(request.kind, to)]
    given = request.model_dump(exclude_none=True)
    values = Placeholders(
        {
            "name": request.name or "{name}",
            "your name": request.sender or "{your name}",
            "about": request.about or f"{{{template.about}}}",
            "detail": request.detail or f"{{{template.detail}}}",
            "times": " or ".join(request.times) or "{time 1} or {time 2}",
        }
    )
    grounder = tools.grounder(role="mentee" if to == "mentor" else "mentor")
    body = MessageBody(
        subject=template.subject.format_map(values),
        parts=[
            grounder.part(p.label, _fill(p, values), p.query)
            for p in template.paragraphs
            if p.needs is None or given.get(p.needs)
        ],
    )
    written = tools.write(body, grounder, backend, request, lambda b: message_problems(b, request))
    return MessageDraft(
        **written.body.model_dump(),
        kind=request.kind,
        to=to,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def message_problems(body: MessageBody, request: MessageRequest) -> list[str]:
    """Why a rewritten message lost what it must keep (empty when it kept it)."""
    must = [request.name or "{name}", *request.times]
    return [f"it leaves out {item!r}" for item in must if item not in body.text]

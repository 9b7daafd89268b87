"""Hard-to-write messages: re-engaging, thanking, asking someone to mentor you, rescheduling,
following up after a meeting.

Each message is a short template per kind and recipient (``data/messages.yaml``), filled with
what the person gave and ``{placeholders}`` for the rest; each paragraph cites the best practice
it follows and is worded in the requested style (``styles.Styled``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from pydantic import Field, field_validator, model_validator

from assistant.data_files import (
    Blanks,
    DataModel,
    Text,
    Unbraced,
    check_placeholders,
    load_data_file,
    template_placeholders,
)
from assistant.drafting.models import MessageBody, MessageDraft, MessageKind, MessageRequest, Party
from assistant.drafting.styles import Styled
from assistant.drafting.wording import Placeholders, sentence
from assistant.drafting.writer import write
from assistant.resources import package_folder

if TYPE_CHECKING:
    from assistant.drafting.tools import DraftTools


MESSAGES_FILE = package_folder("assistant.drafting", "data") / "messages.yaml"
FILLED = frozenset(
    {"name", "your name", "about", "detail", "times", "items"}
)  # what draft_message fills
_NEEDABLE = sorted(set(MessageRequest.model_fields) - {"kind", "to", "style"})


class Paragraph(Styled):
    """A paragraph template in each style; ``query`` finds the practice it follows, ``needs`` a
    field it shows only when given."""

    label: Text
    query: Text | None = None
    needs: str | None = None

    @field_validator("needs")
    @classmethod
    def _a_request_field(cls, needs: str | None) -> str | None:
        if needs is not None and needs not in _NEEDABLE:
            raise ValueError(f"{needs!r} is not one of {', '.join(_NEEDABLE)}")
        return needs


class Template(DataModel):
    kind: MessageKind
    to: tuple[Party, ...] = Field(min_length=1)
    subject: Text
    about: Unbraced  # what {about} stands for when it is not given
    detail: Unbraced  # what {detail} stands for when it is not given
    paragraphs: tuple[Paragraph, ...] = Field(min_length=1)


class MessagesFile(DataModel):
    """``data/messages.yaml``: a template for every kind of message and recipient."""

    blanks: Blanks = ()  # placeholders always left for the person to fill in
    sign_off: Paragraph  # closes every message
    templates: tuple[Template, ...]

    @model_validator(mode="after")
    def _valid(self) -> MessagesFile:
        allowed = template_placeholders(FILLED, self.blanks)
        known = f"{', '.join(f'{{{n}}}' for n in sorted(FILLED))} and the blanks listed"
        for template in self.templates:
            name = f"the {template.kind} template to a {' or '.join(template.to)}"
            check_placeholders(template.subject, allowed, known, f"{name}, subject")
            for p in template.paragraphs:
                p.check(allowed, known, f"{name}, {p.label!r}")
        self.sign_off.check(allowed, known, "sign_off")
        keys = [(t.kind, to) for t in self.templates for to in t.to]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"two templates for {twice[0][0]} messages to a {twice[0][1]}")
        for kind in get_args(MessageKind):
            for to in _recipients(kind):
                if (kind, to) not in keys:
                    raise ValueError(f"no template for {kind} messages to a {to}")
        if ("ask-mentor", "mentee") in keys:
            raise ValueError("ask-mentor messages always go to a mentor: remove 'mentee'")
        return self

    def template(self, kind: str, to: str) -> Template:
        return next(t for t in self.templates if t.kind == kind and to in t.to)


def _recipients(kind: str) -> tuple[str, ...]:
    return ("mentor",) if kind == "ask-mentor" else get_args(Party)


def load_messages(path: Path = MESSAGES_FILE) -> MessagesFile:
    return load_data_file(path, MessagesFile)


@cache
def message_templates() -> MessagesFile:
    """The shipped message templates, read once."""
    return load_messages()


def _fill(paragraph: Paragraph, wording: str, values: Placeholders) -> str:
    text = wording.format_map(values)
    return sentence(text) if paragraph.needs else text


def draft_message(
    tools: DraftTools, request: MessageRequest, backend: str | None = None
) -> MessageDraft:
    """A short message in the requested style with ``{placeholders}`` for what was not given."""
    to = "mentor" if request.kind == "ask-mentor" else request.to
    templates = message_templates()
    template = templates.template(request.kind, to)
    given = request.model_dump(exclude_none=True)
    values = Placeholders(
        {
            "name": request.name or "{name}",
            "your name": request.sender or "{your name}",
            "about": request.about or f"{{{template.about}}}",
            "detail": request.detail or f"{{{template.detail}}}",
            "times": " or ".join(request.times) or "{time 1} or {time 2}",
            "items": "\n".join(f"- {item}" for item in request.items) or "{action items}",
        }
    )
    grounder = tools.grounder(role="mentee" if to == "mentor" else "mentor")
    body = MessageBody(
        subject=template.subject.format_map(values),
        parts=[
            grounder.part(p.label, _fill(p, wording, values), p.query)
            for p in [*template.paragraphs, templates.sign_off]
            if p.needs is None or given.get(p.needs)
            if (wording := p.wording(request.style)) is not None
        ],
    )
    written = write(
        tools.settings,
        body,
        grounder,
        backend,
        request,
        lambda b: message_problems(b, request),
        request.style,
    )
    return MessageDraft(
        **written.body.model_dump(),
        kind=request.kind,
        to=to,
        style=request.style,
        citations=written.citations,
        backend=written.backend,
        warnings=written.warnings,
    )


def message_problems(body: MessageBody, request: MessageRequest) -> list[str]:
    """Why a rewritten message lost what it must keep (empty when it kept it)."""
    must = [request.name or "{name}", *request.times, *request.items]
    return [f"it leaves out {item!r}" for item in must if item not in body.text]

"""Drafting for mentors and mentees: agendas, feedback, messages and agreements, all cited."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.errors import InputError
from assistant.tasks.drafting.agenda import draft_agenda
from assistant.tasks.drafting.agreement import draft_agreement
from assistant.tasks.drafting.feedback import draft_feedback
from assistant.tasks.drafting.messages import draft_message
from assistant.tasks.drafting.render import to_markdown, to_text
from assistant.tasks.drafting.tone import check_tone

__all__ = [
    "build_request",
    "check_tone",
    "draft_agenda",
    "draft_agreement",
    "draft_feedback",
    "draft_message",
    "to_markdown",
    "to_text",
]

RequestModel = TypeVar("RequestModel", bound=BaseModel)


def build_request(model: type[RequestModel], **fields: Any) -> RequestModel:
    """The request model, or an InputError that names each bad field and why."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise InputError(
            "Invalid input: " + "; ".join(_describe(error) for error in exc.errors()) + ".",
            "See --help for the accepted values.",
        ) from None


def _describe(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "input"
    ctx = error.get("ctx", {})
    if error["type"] == "string_too_short" and ctx.get("min_length") == 1:
        return f"{field} must not be empty"
    if error["type"] == "too_short" and ctx.get("min_length") == 1:
        return f"give at least one {field.rstrip('s')}"
    given = error.get("input")
    shown = f" (got {given!r})" if isinstance(given, int | float | str) else ""
    return f"{field}: {error['msg'][:1].lower()}{error['msg'][1:]}{shown}"

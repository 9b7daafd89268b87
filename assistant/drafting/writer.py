"""The last step of every draft: keep the composer's body, or let an LLM rewrite it.

With an LLM backend the model gets the request, the composer's draft (already in the requested
style, from the templates' variants), an instruction to keep that style and the passages it
cites, and returns the same body model through LangChain structured output. If that output is
missing, does not validate, cites a passage it was not given or does not fit the request, the
composer's draft is kept and a warning says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel, ValidationError

from assistant.backends import backend_failure, make_chat_model
from assistant.drafting.borrowed import Borrowed
from assistant.drafting.grounding import Grounder
from assistant.drafting.models import DraftStyle, MessageBody
from assistant.generation.citations import CITATION_MARK
from assistant.models import Citation

if TYPE_CHECKING:
    from assistant.backends import BackendSettings
    from assistant.config import Settings

Body = TypeVar("Body", bound=BaseModel)

SYSTEM = """You improve a draft for a mentorship: {task}.
Keep its structure and the person's own details. Make the wording clear and specific; {style}.
Every piece of advice must come from the numbered passages and end with its marker [n].
Do not invent advice and do not cite a number that is not listed.

Passages:
{passages}"""

# How the model is told to keep the draft's style: the composer's draft already has it.
STYLE_NOTES: dict[DraftStyle, str] = {
    "standard": "keep its friendly tone",
    "short": "keep it short: add no sentence and make no part longer",
    "casual": "keep it casual, the way a colleague writes on Slack",
    "formal": "keep it formal, as you would write to a senior executive",
    "warm": "keep it warm: kind, appreciative and personal",
}

HUMAN = """Request:
{request}

Draft to improve:
{draft}"""


class InvalidDraft(ValueError):
    """The model's draft does not fit the request."""


@dataclass
class Written(Generic[Body]):
    """A finished body with its numbered citations, the backend that wrote it and warnings."""

    body: Body
    citations: list[Citation]
    backend: str = "composer"
    warnings: list[str] = field(default_factory=list)


def write(
    settings: Settings,
    body: Body,
    grounder: Grounder,
    backend: str | None,
    request: BaseModel,
    problems: Callable[[Body], list[str]],
    style: DraftStyle,
) -> Written[Body]:
    """The composer's body, or the LLM's rewrite of it in ``style`` when that is valid."""
    backend = backend or settings.backend
    if backend == "composer":
        return Written(body, grounder.citations)
    try:
        rewritten = _rewrite(settings, body, grounder, backend, request, style)
        result = renumber(rewritten, grounder.citations)
        found = problems(result.body) + _borrowing(result.body, grounder)
        if found:
            raise InvalidDraft("; ".join(found))
    except (InvalidDraft, OutputParserException, ValidationError) as exc:
        reason = " ".join(str(exc).split())
        reason = reason if len(reason) <= 160 else reason[:159] + "…"
        warning = (
            f"The {backend} model's draft did not validate ({reason}); "
            "this is the offline composer's draft instead."
        )
        return Written(body, grounder.citations, "composer", [warning])
    return Written(result.body, result.citations, backend)


def _rewrite(
    settings: BackendSettings,
    body: Body,
    grounder: Grounder,
    backend: str,
    request: BaseModel,
    style: DraftStyle,
) -> Body:
    model = make_chat_model(settings, backend)
    structured = model.with_structured_output(type(body))
    passages = "\n".join(grounder.cited_passages())
    system = SYSTEM.format(task=_task(body), style=STYLE_NOTES[style], passages=passages)
    messages = [
        ("system", system),
        ("human", HUMAN.format(request=request.model_dump_json(), draft=body.model_dump_json())),
    ]
    try:
        reply = structured.invoke(messages)
    except (OutputParserException, ValidationError):
        raise
    except Exception as exc:
        raise backend_failure(backend, exc) from exc
    if not isinstance(reply, type(body)):
        raise InvalidDraft("the model returned no structured output")
    return reply


def _borrowing(body: BaseModel, grounder: Grounder) -> list[str]:
    """Why the text to send is not the person's own: it copies a guide's sentence."""
    if not isinstance(body, MessageBody):
        return []
    copied = Borrowed(grounder.quoted()).found_in(body.text)
    return [f"its text to send copies the guides (“{copied[0]}…”)"] if copied else []


def _task(body: BaseModel) -> str:
    doc = type(body).__doc__ or type(body).__name__
    return doc.strip().rstrip(".").lower()


def renumber(body: Body, citations: list[Citation]) -> Written[Body]:
    """Markers renumbered 1..m in order of first use; InvalidDraft if one points nowhere."""
    known = {c.n: c for c in citations}
    used: dict[int, Citation] = {}

    def mark(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in known:
            raise InvalidDraft(f"it cites [{n}], which is not one of the passages")
        if n not in used:
            used[n] = known[n].model_copy(update={"n": len(used) + 1})
        return f"[{used[n].n}]"

    data = _map_strings(body.model_dump(), lambda s: CITATION_MARK.sub(mark, s))
    if not used:
        raise InvalidDraft("it cites no passage")
    return Written(type(body).model_validate(data), list(used.values()))


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value

"""The OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``.

Any OpenAI client (the official SDKs, LangChain's ChatOpenAI, ...) talks to the coach. The last
``user`` message is the question; earlier user/assistant messages are the conversation, unless
``metadata.conversation_id`` continues a stored one (``store: true`` starts one). The reply's
``metadata`` holds strings only, as OpenAI's schema says (``mode``, ``conversation_id``,
``backend``); the answer's numbered ``sources``, ``conversation_id`` and a ``mentor_coach``
object (``mode``, ``route``, ``notice``, ``warnings``, ``conversation_id``, ``backend``) are
extra fields, on the final chunk when streaming.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, Literal, get_args

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.accounts import User
from assistant.backends import BACKENDS
from assistant.coach import Coach
from assistant.config import Detail, RetrievalMode
from assistant.errors import CoachError, NotPermittedError
from assistant.models import ROLES, Answer, Citation, Role, Turn, check_role
from assistant.server.auth import CoachDep, UserDep
from assistant.server.errors import ApiError, coach_error_status, one_line

MODEL = "mentor-coach"
RETRIEVAL_MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)

router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        """The message's text (OpenAI allows a string or a list of parts)."""
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        if any(part.type != "text" for part in self.content):
            raise ApiError(400, "Only text content is supported (no images, audio or files).")
        return "\n".join(part.text or "" for part in self.content)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """OpenAI's request; parameters that do not apply (temperature, n, tools ...) are ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    # OpenAI's 'store' and 'metadata': here, store the conversation / continue one and say who
    # is asking: {"conversation_id": "...", "role": "mentor", "retrieval": "dense"}.
    store: bool = False
    metadata: dict[str, Any] | None = None
    user: str | None = None


def _role_name(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


_ROLE_LINE = re.compile(r"\brole\s*[:=]\s*['\"]?([A-Za-z]+(?:[\s_-]+lead)?)", re.IGNORECASE)
_I_AM = re.compile(
    r"\bI(?:\s+am|'m|’m)\s+(?:an?\s+|the\s+)?(mentee|mentor|program[\s_-]+lead)\b", re.IGNORECASE
)


def role_from_system(messages: list[ChatMessage]) -> Role | None:
    """A role a system message states ("role: mentor", "I am a program lead")."""
    for message in messages:
        if message.role not in ("system", "developer"):
            continue
        text = message.text
        if match := _ROLE_LINE.search(text):
            return check_role(_role_name(match.group(1)))  # a role named wrong: 400
        if match := _I_AM.search(text):
            return check_role(_role_name(match.group(1)))
    return None


def choose_role(request: ChatRequest, user: User, conversation_role: Role | None) -> Role:
    """metadata.role, else a system message, else ``user`` if it is a role name, else the
    stored conversation's role, else the account's. It chooses the answer's perspective (first
    steps for a mentor hearing a disclosure ...), never a permission."""
    metadata = request.metadata or {}
    if metadata.get("role"):
        return check_role(_role_name(str(metadata["role"])))
    if stated := role_from_system(request.messages):
        return stated
    if request.user and _role_name(request.user) in ROLES:
        return check_role(_role_name(request.user))
    return conversation_role or user.role


def backend_for(model: str, coach: Coach, user: User) -> str:
    """'mentor-coach' is the configured backend; 'mentor-coach/<backend>' chooses one, for the
    roles of COACH_BACKEND_CHOICE_ROLES (the Coach decides; this only names the model)."""
    name = coach.settings.backend if model == MODEL else model.removeprefix(f"{MODEL}/")
    if model != MODEL and not (model.startswith(f"{MODEL}/") and name in BACKENDS):
        raise ApiError(
            404,
            f"The model '{model}' does not exist; GET /v1/models lists them.",
            "model_not_found",
        )
    try:
        return coach.choose_backend(name, user.name)
    except NotPermittedError:
        raise ApiError(
            403,
            f"As a {user.role} you may use the model '{MODEL}' (the configured backend, "
            f"{coach.settings.backend}); '{model}' is for: "
            f"{', '.join(coach.settings.backend_choice_roles) or 'nobody'}.",
            "model_not_permitted",
        ) from None


def _question_and_history(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    talk = [m for m in messages if m.role in ("user", "assistant")]
    if not talk or talk[-1].role != "user":
        raise ApiError(400, "messages: the last user or assistant message must be the user's.")
    now = datetime.now(timezone.utc)
    history = [
        Turn(speaker="user" if m.role == "user" else "assistant", content=m.text, created_at=now)
        for m in talk[:-1]
    ]
    question = talk[-1].text
    if not question.strip():
        raise ApiError(400, "messages: the last user message is empty.")
    return question, history


def _words(text: str) -> int:
    return len(text.split())


def source(citation: Citation) -> dict[str, Any]:
    """A citation as the API shows it: ``[n]`` in the text refers to the source with that n."""
    return {
        "n": citation.n,
        "doc_id": citation.doc_id,
        "title": citation.title,
        "section": citation.section,
        "heading_path": citation.heading_path,
        "quote": citation.snippet,
        "chunk_id": citation.chunk_id,
    }


def string_metadata(answer: Answer) -> dict[str, str]:
    """OpenAI's ``metadata`` is ``dict[str, str]``: anything else makes its SDKs warn when they
    serialize the reply, so only string values, and no key whose value is None."""
    values = {"mode": answer.mode, "conversation_id": answer.session_id, "backend": answer.backend}
    return {key: value for key, value in values.items() if value is not None}


def answer_extras(answer: Answer) -> dict[str, Any]:
    """The fields a reply adds to OpenAI's: ours under a name of our own (``mentor_coach``,
    nested values allowed), ``sources`` and ``conversation_id`` at the top as before."""
    route = answer.route
    return {
        "conversation_id": answer.session_id,
        "sources": [source(c) for c in answer.citations],
        "metadata": string_metadata(answer),
        "mentor_coach": {
            "mode": answer.mode,
            "route": route.model_dump(mode="json") if route else None,
            "notice": answer.notice,
            "warnings": answer.warnings,
            "conversation_id": answer.session_id,
            "backend": answer.backend,
            "act": answer.act,
            "draft_kind": answer.draft_kind,
            "more": [item.label for item in answer.more],
        },
    }


class Prepared(BaseModel):
    """A chat request checked and resolved: what to ask, as whom, and where it is stored."""

    question: str
    role: Role
    backend: str
    retrieval: RetrievalMode | None
    detail: Detail | None
    conversation_id: str | None
    history: list[Turn] | None
    prompt_words: int


def prepare(request: ChatRequest, coach: Coach, user: User) -> Prepared:
    """The request checked; nothing is stored here (``store: true`` starts a conversation
    once its first answer is given, so a refused request leaves none)."""
    backend = backend_for(request.model, coach, user)
    question, history = _question_and_history(request.messages)
    metadata = request.metadata or {}
    conversation_id = str(metadata.get("conversation_id") or "") or None
    conversation_role: Role | None = None
    if conversation_id:
        # Another user's conversation is "not found", exactly like a missing one (404).
        conversation_role = coach.session_info(conversation_id, user=user.name).role
    role = choose_role(request, user, conversation_role)
    retrieval = metadata.get("retrieval")
    if retrieval is not None and retrieval not in RETRIEVAL_MODES:
        raise ApiError(400, f"metadata.retrieval: use one of {', '.join(RETRIEVAL_MODES)}.")
    detail = metadata.get("detail")
    if detail is not None and detail not in get_args(Detail):
        raise ApiError(400, f"metadata.detail: use one of {', '.join(get_args(Detail))}.")
    return Prepared(
        question=question,
        role=role,
        backend=backend,
        retrieval=retrieval,
        detail=detail,
        conversation_id=conversation_id,
        history=None if conversation_id else history,  # else the stored conversation's
        prompt_words=sum(_words(m.text) for m in request.messages),
    )


def _usage(prompt_words: int, answer: Answer) -> dict[str, int]:
    # Approximate: words, not tokens (the composer has no tokenizer; clients only display it).
    completion = _words(answer.text)
    return {
        "prompt_tokens": prompt_words,
        "completion_tokens": completion,
        "total_tokens": prompt_words + completion,
    }


@router.get("/models")
def list_models(coach: CoachDep, user: UserDep) -> dict[str, Any]:
    """``mentor-coach`` (the configured backend) and ``mentor-coach/<backend>`` for each
    backend the caller may choose (the configured one alone, unless their role may choose)."""
    created = 0
    chooses = coach.may_choose_backend(user.name)
    models = [
        {
            "id": MODEL,
            "object": "model",
            "created": created,
            "owned_by": "mentor-coach",
            "description": f"The configured backend ({coach.settings.backend}).",
        }
    ] + [
        {
            "id": f"{MODEL}/{name}",
            "object": "model",
            "created": created,
            "owned_by": "mentor-coach",
            "description": spec.summary,
        }
        for name, spec in BACKENDS.items()
        if chooses or name == coach.settings.backend
    ]
    return {"object": "list", "data": models}


@router.get("/models/{model:path}")
def get_model(model: str, coach: CoachDep, user: UserDep) -> dict[str, Any]:
    backend_for(model, coach, user)
    return next(m for m in list_models(coach, user)["data"] if m["id"] == model)


@router.post("/chat/completions", response_model=None)
def chat_completions(
    request: ChatRequest, coach: CoachDep, user: UserDep
) -> dict[str, Any] | StreamingResponse:
    """Answer the last user message (a sync route: FastAPI runs it in its threadpool)."""
    prepared = prepare(request, coach, user)
    pieces = coach.stream(
        prepared.question,
        prepared.role,
        prepared.conversation_id,
        prepared.backend,
        prepared.retrieval,
        user=user.name,
        history=prepared.history,
        store=request.store,
        detail=prepared.detail,
    )
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if not request.stream:
        *_, answer = pieces
        assert isinstance(answer, Answer)
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": request.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(prepared.prompt_words, answer),
            **answer_extras(answer),
        }
    first = next(pieces)  # screening and retrieval happen here: their errors are plain 4xx/5xx
    include_usage = bool(request.stream_options and request.stream_options.include_usage)
    events = _events(first, pieces, completion_id, created, request.model, prepared, include_usage)
    return StreamingResponse(events, media_type="text/event-stream")


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def _events(
    first: str | Answer,
    rest: Iterator[str | Answer],
    completion_id: str,
    created: int,
    model: str,
    prepared: Prepared,
    include_usage: bool,
) -> Iterator[str]:
    """``chat.completion.chunk`` events: the role, text deltas, a final chunk with
    ``finish_reason: stop`` and the reply's extras, then ``[DONE]`` (a sync generator:
    Starlette iterates it in its threadpool)."""

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }

    yield _sse(chunk({"role": "assistant", "content": ""}))
    answer: Answer | None = None
    item: str | Answer | None = first
    try:
        while item is not None:
            if isinstance(item, Answer):
                answer = item
            elif item:
                yield _sse(chunk({"content": item}))
            item = next(rest, None)
    except CoachError as exc:  # an LLM backend that fails part-way: an error event
        status, code, message = coach_error_status(exc)
        yield _sse({"error": {"message": one_line(message), "type": "server_error", "code": code}})
        yield "data: [DONE]\n\n"
        return
    assert answer is not None
    yield _sse(chunk({}, "stop", **answer_extras(answer)))
    if include_usage:
        usage = _usage(prepared.prompt_words, answer)
        yield _sse({**chunk({}), "choices": [], "usage": usage})
    yield "data: [DONE]\n\n"

"""REST: the caller's own conversations and ratings, and their account ('me').

Every route works within the caller's conversations: another user's id is "not found", exactly
like a missing one (the facade checks the owner on every read and write).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from assistant.accounts import User
from assistant.models import Role, SessionInfo, Turn
from assistant.ratings import MAX_COMMENT_CHARS, Rating, Thumb
from assistant.server.auth import CoachDep, UserDep
from assistant.server.errors import ApiError

router = APIRouter(prefix="/v1", tags=["conversations"])


class NewConversation(BaseModel):
    role: Role | None = None


class Conversation(BaseModel):
    info: SessionInfo
    turns: list[Turn]


class RatingRequest(BaseModel):
    """A verdict on the latest answer of one of the caller's conversations."""

    conversation_id: str
    rating: Thumb
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)


class Consent(BaseModel):
    agreed: bool


@router.get("/me")
def me(user: UserDep) -> User:
    return user


@router.put("/me/named-exports")
def named_exports(body: Consent, coach: CoachDep, user: UserDep) -> User:
    """Agree (or not) that a program lead's rating export may show your name."""
    return coach.accounts.set_named_exports(user.name, body.agreed)


@router.get("/conversations")
def list_conversations(coach: CoachDep, user: UserDep) -> list[SessionInfo]:
    return coach.list_sessions(user=user.name)


@router.post("/conversations", status_code=201)
def new_conversation(body: NewConversation, coach: CoachDep, user: UserDep) -> SessionInfo:
    """Start a stored conversation; pass its id as metadata.conversation_id to continue it."""
    session_id = coach.new_session(body.role or user.role, user=user.name)
    return coach.session_info(session_id, user=user.name)


@router.get("/conversations/{conversation_id}")
def conversation(conversation_id: str, coach: CoachDep, user: UserDep) -> Conversation:
    return Conversation(
        info=coach.session_info(conversation_id, user=user.name),
        turns=coach.session_turns(conversation_id, user=user.name),
    )


@router.get("/conversations/{conversation_id}/export", response_class=PlainTextResponse)
def export(conversation_id: str, coach: CoachDep, user: UserDep) -> PlainTextResponse:
    """The conversation as Markdown with its sources (a download, never rendered as HTML)."""
    return PlainTextResponse(
        coach.export_session(conversation_id, user=user.name),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{conversation_id}.md"'},
    )


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete(conversation_id: str, coach: CoachDep, user: UserDep) -> None:
    coach.delete_session(conversation_id, user=user.name)


@router.post("/ratings", status_code=201)
def rate(body: RatingRequest, coach: CoachDep, user: UserDep) -> Rating:
    """Rate the latest answer of one of your conversations."""
    answers = [
        turn.answer
        for turn in coach.session_turns(body.conversation_id, user=user.name)
        if turn.answer is not None
    ]
    if not answers:
        raise ApiError(400, "The conversation has no answer to rate yet.", "nothing_to_rate")
    return coach.rate(answers[-1], body.rating, body.comment, user=user.name)

"""Conversations in the shared database: list, resume, export, delete, each within its owner's.

``owner`` is the signed-in user's name, or None for the one person using this machine (the CLI,
'coach ui'). Nobody reaches another owner's conversation: it is "not found", as if it did not exist.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.conversation.state import FACT_LABELS, ConversationState
from assistant.database import Database
from assistant.database.tables import ConversationRow, TurnRow, owned_by
from assistant.errors import InputError
from assistant.models import Answer, Role, SessionInfo, Turn, check_role

TITLE_CHARS = 80


def _now() -> datetime:
    return datetime.now(timezone.utc)


class SessionStore:
    """Stores each question and answer of a conversation as it happens."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, role: Role, title: str = "New conversation", owner: str | None = None) -> str:
        """Start a conversation and return its id."""
        with self.database.session() as session:
            return self._create(session, role, title, owner).id

    def start(
        self, answer: Answer, owner: str | None = None, state: ConversationState | None = None
    ) -> Answer:
        """Start a conversation with its first question and answer (and what the coach knows
        after it) in one transaction, so a failure leaves no empty conversation; the answer
        with the conversation's id."""
        with self.database.session() as session:
            conversation = self._create(session, check_role(answer.role), answer.question, owner)
            stored = answer.model_copy(update={"session_id": conversation.id})
            self._add_turns(session, conversation, 0, stored.question, stored, state)
        return stored

    @staticmethod
    def _create(session: Session, role: Role, title: str, owner: str | None) -> ConversationRow:
        now = _now()
        conversation = ConversationRow(
            id=uuid.uuid4().hex[:12],
            owner=owner,
            title=title[:TITLE_CHARS],
            role=check_role(role),
            created_at=now,
            updated_at=now,
        )
        session.add(conversation)
        session.flush()  # before any turn that refers to it
        return conversation

    def _row(self, session: Session, session_id: str, owner: str | None) -> ConversationRow:
        row = session.scalar(
            select(ConversationRow).where(
                ConversationRow.id == session_id, owned_by(ConversationRow, owner)
            )
        )
        if row is None:
            raise InputError(
                f"No conversation '{session_id}'.",
                "Your list of conversations shows each one's id.",
            )
        return row

    def info(self, session_id: str, owner: str | None = None) -> SessionInfo:
        found = self._list(owner, session_id)
        if not found:
            raise InputError(
                f"No conversation '{session_id}'.",
                "Your list of conversations shows each one's id.",
            )
        return found[0]

    def list(self, owner: str | None = None) -> builtins.list[SessionInfo]:
        """The owner's conversations, most recently active first."""
        return self._list(owner)

    def _list(self, owner: str | None, session_id: str | None = None) -> builtins.list[SessionInfo]:
        turns = (
            select(TurnRow.conversation_id, func.count().label("turns"))
            .group_by(TurnRow.conversation_id)
            .subquery()
        )
        query = (
            select(ConversationRow, turns.c.turns)
            .outerjoin(turns, turns.c.conversation_id == ConversationRow.id)
            .where(owned_by(ConversationRow, owner))
            .order_by(ConversationRow.updated_at.desc())
        )
        if session_id is not None:
            query = query.where(ConversationRow.id == session_id)
        with self.database.session() as session:
            rows = session.execute(query).all()
        return [
            SessionInfo(
                id=row.id,
                title=row.title,
                role=check_role(row.role),
                created_at=row.created_at,
                updated_at=row.updated_at,
                turns=count or 0,
            )
            for row, count in rows
        ]

    def turns(self, session_id: str, owner: str | None = None) -> builtins.list[Turn]:
        """Every message of a conversation, in order."""
        with self.database.session() as session:
            self._row(session, session_id, owner)
            rows = session.scalars(
                select(TurnRow)
                .where(TurnRow.conversation_id == session_id)
                .order_by(TurnRow.position)
            ).all()
        return [
            Turn(
                speaker="user" if row.speaker == "user" else "assistant",
                content=row.content,
                created_at=row.created_at,
                answer=Answer.model_validate_json(row.answer_json) if row.answer_json else None,
            )
            for row in rows
        ]

    def append(
        self,
        session_id: str,
        question: str,
        answer: Answer,
        owner: str | None = None,
        state: ConversationState | None = None,
    ) -> None:
        """Record a question and its answer (and what the coach knows after them); the first
        question titles the conversation."""
        with self.database.session() as session:
            conversation = self._row(session, session_id, owner)
            position = session.scalar(
                select(func.count()).where(TurnRow.conversation_id == session_id)
            )
            self._add_turns(session, conversation, position or 0, question, answer, state)

    def state(self, session_id: str, owner: str | None = None) -> ConversationState:
        """What the coach knows about the conversation (empty for one stored before 0.3)."""
        with self.database.session() as session:
            stored = self._row(session, session_id, owner).state_json
        return ConversationState.model_validate_json(stored) if stored else ConversationState()

    def set_state(
        self, session_id: str, state: ConversationState, owner: str | None = None
    ) -> None:
        """Replace what the coach knows (the person edited or cleared it)."""
        with self.database.session() as session:
            self._row(session, session_id, owner).state_json = state.model_dump_json()

    @staticmethod
    def _add_turns(
        session: Session,
        conversation: ConversationRow,
        position: int,
        question: str,
        answer: Answer,
        state: ConversationState | None = None,
    ) -> None:
        now = _now()
        if state is not None:
            conversation.state_json = state.model_dump_json()
        session.add_all(
            [
                TurnRow(
                    conversation_id=conversation.id,
                    position=position,
                    speaker="user",
                    content=question,
                    created_at=now,
                ),
                TurnRow(
                    conversation_id=conversation.id,
                    position=position + 1,
                    speaker="assistant",
                    content=answer.text,
                    answer_json=answer.model_dump_json(),
                    created_at=now,
                ),
            ]
        )
        if position == 0:
            conversation.title = question[:TITLE_CHARS]
        conversation.updated_at = now

    def delete(self, session_id: str, owner: str | None = None) -> None:
        with self.database.session() as session:
            session.delete(self._row(session, session_id, owner))

    def export_markdown(self, session_id: str, owner: str | None = None) -> str:
        """The conversation as Markdown, each answer followed by its numbered sources."""
        info = self.info(session_id, owner)
        lines = [
            f"# {info.title}",
            "",
            f"_Role: {info.role} · started {info.created_at:%Y-%m-%d %H:%M} UTC_",
            "",
        ]
        if known := self.state(session_id, owner).facts.known():
            lines += ["## What the coach knows", ""]
            lines += [f"- {FACT_LABELS[name]}: {value}" for name, value in known.items()]
            lines.append("")
        for turn in self.turns(session_id, owner):
            if turn.speaker == "user":
                lines += [f"**You:** {turn.content}", ""]
                continue
            lines += ["**Coach:**", "", turn.content, ""]
            if turn.answer and turn.answer.citations:
                lines += ["Sources:", ""]
                lines += [f"{c.n}. {c.heading_path} ({c.doc_id})" for c in turn.answer.citations]
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

"""Conversation sessions persisted in SQLite under COACH_HOME: list, resume, export, delete."""

from __future__ import annotations

import builtins
import uuid
from contextlib import closing
from datetime import datetime, timezone

from assistant.errors import InputError
from assistant.models import Answer, Role, SessionInfo, Turn
from assistant.sqlite_store import SQLiteStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, role TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, speaker TEXT NOT NULL, content TEXT NOT NULL,
    answer_json TEXT, created_at TEXT NOT NULL, PRIMARY KEY (session_id, position)
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class SessionStore(SQLiteStore):
    """Stores each question and answer of a conversation as it happens."""

    schema = _SCHEMA

    def create(self, role: Role, title: str = "New conversation") -> str:
        """Start a conversation and return its id."""
        session_id = uuid.uuid4().hex[:12]
        now = _now()
        with closing(self.connect()) as conn, conn:
            conn.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (session_id, title[:80], role, now, now),
            )
        return session_id

    def info(self, session_id: str) -> SessionInfo:
        found = [s for s in self.list() if s.id == session_id]
        if not found:
            raise InputError(
                f"No conversation '{session_id}'.", "List conversations with 'coach sessions'."
            )
        return found[0]

    def list(self) -> list[SessionInfo]:
        """Conversations, most recently active first."""
        with closing(self.connect()) as conn:
            rows = conn.execute(
                "SELECT s.*, COUNT(t.position) AS turns FROM sessions s "
                "LEFT JOIN turns t ON t.session_id = s.id GROUP BY s.id "
                "ORDER BY s.updated_at DESC"
            ).fetchall()
        return [
            SessionInfo(
                id=row["id"],
                title=row["title"],
                role=row["role"],
                created_at=datetime.fromisoformat(row["created_at"]),
                updated_at=datetime.fromisoformat(row["updated_at"]),
                turns=row["turns"],
            )
            for row in rows
        ]

    def turns(self, session_id: str) -> builtins.list[Turn]:
        """Every message of a conversation, in order."""
        self.info(session_id)
        with closing(self.connect()) as conn:
            rows = conn.execute(
                "SELECT * FROM turns WHERE session_id = ? ORDER BY position", (session_id,)
            ).fetchall()
        return [
            Turn(
                speaker=row["speaker"],
                content=row["content"],
                created_at=datetime.fromisoformat(row["created_at"]),
                answer=Answer.model_validate_json(row["answer_json"])
                if row["answer_json"]
                else None,
            )
            for row in rows
        ]

    def append(self, session_id: str, question: str, answer: Answer) -> None:
        """Record a question and its answer; the first question titles the conversation."""
        now = _now()
        with closing(self.connect()) as conn, conn:
            position = conn.execute(
                "SELECT COUNT(*) FROM turns WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            conn.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session_id, position, "user", question, None, now),
                    (
                        session_id,
                        position + 1,
                        "assistant",
                        answer.text,
                        answer.model_dump_json(),
                        now,
                    ),
                ],
            )
            if position == 0:
                conn.execute(
                    "UPDATE sessions SET title = ? WHERE id = ?", (question[:80], session_id)
                )
            conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, session_id))

    def delete(self, session_id: str) -> None:
        self.info(session_id)
        with closing(self.connect()) as conn, conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def export_markdown(self, session_id: str) -> str:
        """The conversation as Markdown, each answer followed by its numbered sources."""
        info = self.info(session_id)
        lines = [
            f"# {info.title}",
            "",
            f"_Role: {info.role} · started {info.created_at:%Y-%m-%d %H:%M} UTC_",
            "",
        ]
        for turn in self.turns(session_id):
            if turn.speaker == "user":
                lines += [f"**You:** {turn.content}", ""]
                continue
            lines += ["**Coach:**", "", turn.content, ""]
            if turn.answer and turn.answer.citations:
                lines += ["Sources:", ""]
                lines += [f"{c.n}. {c.heading_path} ({c.doc_id})" for c in turn.answer.citations]
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

"""Accounts of a deployed program: users with a role, hashed passwords and Bearer API keys.

Passwords are hashed with Argon2 (argon2-cffi). API keys are long random tokens, so a plain
SHA-256 digest is enough to store them and lets a request's key be found with one lookup.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.database import Database
from assistant.database.tables import ApiKeyRow, UserRow, WebSessionRow
from assistant.errors import InputError
from assistant.models import Role, check_role
from assistant.text.unicode import check_text, printable

KEY_PREFIX = "mc-"
MIN_PASSWORD_CHARS = 8
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
# One lane (RFC 9106's memory and time cost, parallelism 1): a check keeps to one core, so a
# burst of sign-ins cannot take every core of a small server from the people it serves. A
# hash made with other parameters is made again at the next right password.
_hasher = PasswordHasher(parallelism=1)


class User(BaseModel):
    """A signed-in person (never carries the password hash)."""

    name: str
    role: Role
    named_exports: bool = False
    created_at: datetime
    keys: int = 0


class ApiKey(BaseModel):
    """A key as listed: its first characters and label, never the key itself."""

    prefix: str
    label: str
    created_at: datetime
    revoked: bool


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InputError(
            f"'{printable(name[:70])}' cannot be a user name.",
            "Use up to 64 letters, digits and . _ @ - (starting with a letter or digit).",
        )
    return name


def _check_password(password: str) -> str:
    if len(check_text(password, "The password")) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"The password is too short ({len(password)} characters).",
            f"Use at least {MIN_PASSWORD_CHARS}.",
        )
    return password


class Accounts:
    """Creates, lists and removes users; checks passwords and API keys."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, name: str, role: str, password: str, named_exports: bool = False) -> User:
        _check_name(name)
        with self.database.session() as session:
            if session.get(UserRow, name) is not None:
                raise InputError(
                    f"A user '{name}' exists already.", "Choose another name, or reset-password."
                )
            row = UserRow(
                name=name,
                role=check_role(role),
                password_hash=_hasher.hash(_check_password(password)),
                named_exports=named_exports,
                created_at=datetime.now(timezone.utc),
            )
            session.add(row)
        return self._user(row, 0)

    @staticmethod
    def _user(row: UserRow, keys: int) -> User:
        return User(
            name=row.name,
            role=check_role(row.role),
            named_exports=row.named_exports,
            created_at=row.created_at,
            keys=keys,
        )

    def _row(self, session: Session, name: str) -> UserRow:
        row = session.get(UserRow, name)
        if row is None:
            raise InputError(f"No user '{name}'.", "List users with 'coach users list'.")
        return row

    def list(self) -> list[User]:
        """Every user, by name, with how many live keys each has."""
        live_keys = (
            select(ApiKeyRow.owner, func.count().label("live"))
            .where(ApiKeyRow.revoked_at.is_(None))
            .group_by(ApiKeyRow.owner)
            .subquery()
        )
        with self.database.session() as session:
            rows = session.execute(
                select(UserRow, live_keys.c.live)
                .outerjoin(live_keys, live_keys.c.owner == UserRow.name)
                .order_by(UserRow.name)
            ).all()
            return [self._user(row, keys or 0) for row, keys in rows]

    def get(self, name: str) -> User:
        with self.database.session() as session:
            return self._user(self._row(session, name), 0)

    def exist(self) -> bool:
        """Whether any account is configured (a server open to the network needs some)."""
        with self.database.session() as session:
            return session.scalar(select(UserRow.name).limit(1)) is not None

    def remove(self, name: str) -> None:
        """Delete a user with their keys and conversations; their ratings stay, anonymous."""
        with self.database.session() as session:
            row = self._row(session, name)
            session.execute(delete(WebSessionRow).where(WebSessionRow.owner == name))
            session.delete(row)

    def reset_password(self, name: str, password: str) -> None:
        """A new password; every browser signed in with the old one is signed out."""
        with self.database.session() as session:
            self._row(session, name).password_hash = _hasher.hash(_check_password(password))
            session.execute(delete(WebSessionRow).where(WebSessionRow.owner == name))

    def set_named_exports(self, name: str, agreed: bool) -> User:
        """Record whether the user agrees to be named in a program lead's rating export."""
        with self.database.session() as session:
            row = self._row(session, name)
            row.named_exports = agreed
            return self._user(row, 0)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is theirs, else None (the same for an unknown name)."""
        # No stored name or password holds a surrogate (both are checked when set): one sent
        # is shown as U+FFFD, so it is simply wrong, never an encoding error.
        name, password = printable(name), printable(password)
        with self.database.session() as session:
            row = session.get(UserRow, name)
            if row is None:
                _hasher.hash(password)  # as slow as a real check: no timing hint that it exists
                return None
            try:
                _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            return self._user(row, 0)

    def issue_key(self, name: str, label: str = "") -> str:
        """A new API key for the user; shown once, only its digest is kept."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.database.session() as session:
            self._row(session, name)
            session.add(
                ApiKeyRow(
                    digest=_digest(key),
                    owner=name,
                    prefix=key[:10],
                    label=label[:80],
                    created_at=datetime.now(timezone.utc),
                )
            )
        return key

    def keys(self, name: str) -> builtins.list[ApiKey]:
        with self.database.session() as session:
            self._row(session, name)
            rows = session.scalars(
                select(ApiKeyRow).where(ApiKeyRow.owner == name).order_by(ApiKeyRow.created_at)
            ).all()
            return [
                ApiKey(
                    prefix=row.prefix,
                    label=row.label,
                    created_at=row.created_at,
                    revoked=row.revoked_at is not None,
                )
                for row in rows
            ]

    def revoke_keys(self, name: str, prefix: str | None = None) -> int:
        """Revoke the user's keys (or the one starting with ``prefix``); how many were revoked."""
        with self.database.session() as session:
            self._row(session, name)
            query = select(ApiKeyRow).where(ApiKeyRow.owner == name, ApiKeyRow.revoked_at.is_(None))
            if prefix:
                query = query.where(ApiKeyRow.prefix == prefix[:10])
            rows = session.scalars(query).all()
            for row in rows:
                row.revoked_at = datetime.now(timezone.utc)
            return len(rows)

    def user_for_key(self, key: str) -> User | None:
        """Whose live key this is (None for an unknown or revoked key)."""
        if not key.startswith(KEY_PREFIX):
            return None
        with self.database.session() as session:
            row = session.scalar(
                select(UserRow)
                .join(ApiKeyRow, ApiKeyRow.owner == UserRow.name)
                .where(ApiKeyRow.digest == _digest(key), ApiKeyRow.revoked_at.is_(None))
            )
            return self._user(row, 0) if row is not None else None

    def start_session(self, name: str, lifetime: timedelta) -> str:
        """A new web sign-in for the user: the cookie value, shown once; its digest is kept."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(timezone.utc)
        with self.database.session() as session:
            self._row(session, name)
            session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            session.add(
                WebSessionRow(
                    digest=_digest(token), owner=name, created_at=now, expires_at=now + lifetime
                )
            )
        return token

    def user_for_session(self, token: str) -> User | None:
        """Whose live web sign-in this is (None once it expired, ended or its user is gone)."""
        with self.database.session() as session:
            row = session.scalar(
                select(UserRow)
                .join(WebSessionRow, WebSessionRow.owner == UserRow.name)
                .where(
                    WebSessionRow.digest == _digest(token),
                    WebSessionRow.expires_at > datetime.now(timezone.utc),
                )
            )
            return self._user(row, 0) if row is not None else None

    def end_session(self, token: str) -> None:
        """Sign one browser out (an unknown token is already signed out)."""
        with self.database.session() as session:
            session.execute(delete(WebSessionRow).where(WebSessionRow.digest == _digest(token)))

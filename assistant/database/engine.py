"""Opening the shared database: the engine, its migrations and readable errors.

SQLite under ``COACH_HOME`` serves one machine; PostgreSQL (``COACH_DATABASE_URL``) lets several
``coach serve`` processes share accounts, conversations and ratings. Every open brings the schema
to the newest Alembic revision, under a lock so two processes starting together do not race.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import CoachError, StoreDamagedError
from assistant.resources import package_folder
from assistant.text.unicode import check_texts

log = logging.getLogger(__name__)

DATABASE_FILE = "coach.sqlite3"
# Any constant: the PostgreSQL advisory lock that serialises migrations between processes.
_MIGRATION_LOCK = 7_301_516


def database_url(home: Path, configured: str | None) -> str:
    """The configured URL, else a SQLite file in the data folder."""
    return configured or f"sqlite:///{home / DATABASE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _storable_text(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    """Refuse a value that is not text before the driver fails on it with a raw error: the
    one check every name, title, comment and id passes, on SQLite and PostgreSQL alike."""
    for row in parameters if executemany else [parameters]:
        values = row.values() if isinstance(row, dict) else row or ()
        check_texts(values, "A text to store")


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CoachError(
            "COACH_DATABASE_URL is not a database URL.",
            "Use e.g. postgresql+psycopg://user:password@host:5432/coach, or unset it for SQLite.",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = _postgres_engine(parsed)
    event.listen(engine, "before_cursor_execute", _storable_text)
    return engine


def _postgres_engine(parsed: URL) -> Engine:
    if parsed.get_backend_name() != "postgresql":
        raise CoachError(
            f"Unsupported database '{parsed.get_backend_name()}' in COACH_DATABASE_URL.",
            "Use SQLite (the default) or PostgreSQL (postgresql+psycopg://...).",
        )
    try:
        return sa.create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except NoSuchModuleError as exc:
        raise CoachError(
            f"No driver for {parsed.drivername}.", "Use postgresql+psycopg:// (psycopg 3)."
        ) from exc


class Database:
    """An open, migrated database; ``session()`` hands out transactions."""

    def __init__(self, url: str) -> None:
        self.engine = _engine(url)
        self.where = self.engine.url.render_as_string(hide_password=True)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            with self._migration_lock(), self.engine.begin() as connection:
                if self.is_sqlite:
                    (verdict,) = connection.exec_driver_sql("PRAGMA quick_check").one()
                    if verdict != "ok":
                        raise DatabaseError("PRAGMA quick_check", None, Exception(verdict))
                else:
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
                self._migrate(connection)
        except OperationalError as exc:
            raise CoachError(
                f"Cannot open the database {self.where} ({exc.orig}).",
                "Check that the server runs and COACH_DATABASE_URL (host, port, user, password)."
                if not self.is_sqlite
                else "Check that the data folder is writable and not on a network share.",
            ) from exc
        except DatabaseError as exc:
            raise self._damaged(exc) from exc

    def _migration_lock(self) -> AbstractContextManager[object]:
        """Between processes: PostgreSQL takes an advisory lock in the transaction; a SQLite
        file gets a lock file beside it (SQLite has no lock that spans Alembic's steps)."""
        if self.is_sqlite and self.engine.url.database:
            return FileLock(f"{self.engine.url.database}.migrate.lock", timeout=120)
        return nullcontext()

    def _damaged(self, exc: Exception) -> StoreDamagedError:
        path = self.engine.url.database
        return StoreDamagedError(
            f"{path} is damaged and cannot be read ({getattr(exc, 'orig', exc)}).",
            f"Nothing was changed. Restore it from a backup, or move it aside "
            f"(mv '{path}' '{path}.damaged') to start an empty one.",
        )

    @staticmethod
    def _alembic_config(connection: Connection) -> Config:
        config = Config()
        config.set_main_option(
            "script_location", str(package_folder("assistant.database", "migrations"))
        )
        config.attributes["connection"] = connection
        return config

    def _migrate(self, connection: Connection) -> None:
        """Upgrade to the newest revision (nothing to do, and no Alembic command, when current)."""
        config = self._alembic_config(connection)
        head = ScriptDirectory.from_config(config).get_current_head()
        current = MigrationContext.configure(connection).get_current_revision()
        if current != head:
            log.info("database %s: migrating from %s to %s", self.where, current, head)
            command.upgrade(config, "head")

    def revision(self) -> str | None:
        """The schema revision the database is at."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

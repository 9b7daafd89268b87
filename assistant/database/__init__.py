"""The shared database: accounts, conversations and ratings (SQLite by default, PostgreSQL when
``COACH_DATABASE_URL`` is set), through SQLAlchemy with Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from assistant.database.engine import Database, database_url
from assistant.database.legacy import import_legacy_files

__all__ = ["Database", "database_url", "open_database"]


def open_database(home: Path, url: str | None) -> Database:
    """The data folder's database (``url`` or SQLite in ``home``), migrated, with the files of
    an earlier release in ``home`` imported."""
    database = Database(database_url(home, url))
    import_legacy_files(home, database)
    return database

"""Alembic's entry point: migrations run on the connection the Database passes in (never a URL
from a config file), in a batch mode that lets SQLite alter tables too."""

from __future__ import annotations

from alembic import context

from assistant.database.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()

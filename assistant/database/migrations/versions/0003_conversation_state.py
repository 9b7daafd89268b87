"""What the coach knows about each conversation (its facts, situation and last draft), kept
with it: every reply reads it, the web app shows and edits it, the export includes it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A conversation stored before this release has none: it starts empty (NULL).
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("state_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("state_json")

"""The mentorship record: mentorships, goals, meetings and action items, each its owner's and
each saying where it came from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _owner() -> sa.Column:
    return sa.Column(
        "owner", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=True
    )


def _mentorship() -> sa.Column:
    return sa.Column(
        "mentorship_id",
        sa.String(32),
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"),
        nullable=False,
    )


def _common() -> list[sa.Column]:
    return [
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "mentorships",
        sa.Column("id", sa.String(32), primary_key=True),
        _owner(),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("other_name", sa.String(80), nullable=False),
        sa.Column("started", sa.Date(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("named_to_lead", sa.Boolean(), nullable=False),
        *_common(),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.String(32), primary_key=True),
        _owner(),
        _mentorship(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        *_common(),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(32), primary_key=True),
        _owner(),
        _mentorship(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=False),
        *_common(),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.String(32), primary_key=True),
        _owner(),
        _mentorship(),
        sa.Column(
            "meeting_id",
            sa.String(32),
            sa.ForeignKey("meetings.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("who", sa.String(80), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        *_common(),
    )
    for table in ("mentorships", "goals", "meetings", "action_items"):
        op.create_index(f"ix_{table}_owner", table, ["owner"])
    for table in ("goals", "meetings", "action_items"):
        op.create_index(f"ix_{table}_mentorship_id", table, ["mentorship_id"])
    op.create_index("ix_meetings_held_on", "meetings", ["held_on"])


def downgrade() -> None:
    for table in ("action_items", "meetings", "goals", "mentorships"):
        op.drop_table(table)

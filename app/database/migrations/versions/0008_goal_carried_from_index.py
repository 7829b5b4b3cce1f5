"""goal: an index on carried_from_id, the one foreign key that points into its own table

Without it, every goal inserted while a deferred foreign-key check is pending (an import
that delivers a carried-forward goal before the goal it continues) scans the whole goal
table; the five-year demo's full import took over ten minutes in that step alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index("ix_goal_carried_from", ["carried_from_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_carried_from")

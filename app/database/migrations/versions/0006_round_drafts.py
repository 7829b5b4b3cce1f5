"""round drafts: the live card's typed state between pauses, local and never synced

Adds ``round_draft`` (no sync columns: drafts never travel, keep no field history and write
no audit event; committing a card writes the synced rows and deletes its draft).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "round_draft",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "session_id", "participant_id", "kind", name=op.f("pk_round_draft")
        ),
    )


def downgrade() -> None:
    op.drop_table("round_draft")

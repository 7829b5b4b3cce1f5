"""attendance: a covering index for weekly hours and streaks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_participant")
        batch_op.create_index(
            "ix_attendance_participant_cover",
            ["participant_id", "session_id", "status", "minutes_attended", "deleted"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_participant_cover")
        batch_op.create_index(
            "ix_attendance_participant", ["participant_id", "session_id"], unique=False
        )

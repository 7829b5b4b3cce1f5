"""check-in log: indexes for sorting every check-in in SQL, paging by keyset, counting fast

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_session_start", ["scheduled_start", "id", "deleted", "cohort_id"]
        )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_live_scope", ["deleted", "share_scope"])
        batch_op.create_index("ix_checkin_mood", ["mood"])
        batch_op.create_index("ix_checkin_craving", ["craving"])
    # Case-insensitive name order: expressions, which batch mode cannot carry; plain DDL.
    op.create_index(
        "ix_participant_name", "participant", [sa.text('display_name COLLATE "NOCASE"'), "id"]
    )
    op.create_index("ix_cohort_name", "cohort", [sa.text('name COLLATE "NOCASE"'), "id"])


def downgrade() -> None:
    op.drop_index("ix_cohort_name", table_name="cohort")
    op.drop_index("ix_participant_name", table_name="participant")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_craving")
        batch_op.drop_index("ix_checkin_mood")
        batch_op.drop_index("ix_checkin_live_scope")
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.drop_index("ix_group_session_start")

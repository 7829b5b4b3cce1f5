"""enrollment: "transferred", a stay that ended by moving to another cohort

A move to another cohort used to end the stay as "withdrew", which counted a transfer as
attrition. The status vocabulary gains "transferred"; the check constraint that holds the
vocabulary is rebuilt with the table (SQLite cannot alter a constraint in place). The rows
that reference an enrollment (survey responses, from 0009) are set aside for the rebuild
and put back unchanged: dropping the old table would otherwise leave them pointing at
nothing, which the deferred foreign-key check refuses at the commit.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

BEFORE = ("active", "waitlist", "graduated", "discharged", "withdrew")
AFTER = (*BEFORE, "transferred")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="enrollmentstatus", native_enum=False, create_constraint=True, length=24
    )


def _rebuild(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    # At this revision survey_response (0009) is the one table with a foreign key to
    # enrollment. Its rows wait in a TEMP table (in memory: temp_store = MEMORY, never on
    # disk in the clear) and come back as they were: same ids, pointing at the same stays.
    op.execute("CREATE TEMP TABLE kept_survey_response AS SELECT * FROM survey_response")
    op.execute("DELETE FROM survey_response")
    with op.batch_alter_table("enrollment", schema=None, recreate="always") as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(before), type_=_status(after), existing_nullable=False
        )
    op.execute("INSERT INTO survey_response SELECT * FROM temp.kept_survey_response")
    op.execute("DROP TABLE temp.kept_survey_response")


def upgrade() -> None:
    _rebuild(BEFORE, AFTER)


def downgrade() -> None:
    op.execute("UPDATE enrollment SET status = 'withdrew' WHERE status = 'transferred'")
    _rebuild(AFTER, BEFORE)

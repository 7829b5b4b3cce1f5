"""enrollment: "transferred", a stay that ended by moving to another cohort

A move to another cohort used to end the stay as "withdrew", which counted a transfer as
attrition. The status vocabulary gains "transferred"; the check constraint that holds the
vocabulary is rebuilt with the table (SQLite cannot alter a constraint in place).

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


def upgrade() -> None:
    with op.batch_alter_table("enrollment", schema=None, recreate="always") as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(BEFORE), type_=_status(AFTER), existing_nullable=False
        )


def downgrade() -> None:
    op.execute("UPDATE enrollment SET status = 'withdrew' WHERE status = 'transferred'")
    with op.batch_alter_table("enrollment", schema=None, recreate="always") as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(AFTER), type_=_status(BEFORE), existing_nullable=False
        )

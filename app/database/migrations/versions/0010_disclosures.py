"""disclosures: who received which participant's records, when, by whom, under which consent

Adds ``disclosure`` (synced): one row per participant concerned each time an export or
report holding substance-use (42 CFR Part 2) records is written, for the profile to list.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("export_id", sa.Uuid(), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(), nullable=False),
        sa.Column("disclosed_by", sa.String(length=80), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("notice", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_disclosure_participant_id_participant"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index("ix_disclosure_participant", ["participant_id", "disclosed_at"])
        batch_op.create_index(batch_op.f("ix_disclosure_version"), ["version"], unique=False)


def downgrade() -> None:
    op.drop_table("disclosure")

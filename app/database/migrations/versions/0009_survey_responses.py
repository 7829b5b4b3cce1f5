"""survey responses: item-level answers to standard instruments, with their scores

Adds ``survey_response`` (synced): one row per administration of an instrument from
``resources/instruments/``, with the answers, the instrument's id and version, the stay it
belongs to, who entered it and when, and the total, band, subscales and alerts computed then.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "survey_response",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("enrollment_id", sa.Uuid(), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("instrument_version", sa.String(length=20), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("entered_by", sa.String(length=80), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("answers", sa.String(length=2000), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=40), nullable=True),
        sa.Column("subscales", sa.String(length=1000), nullable=False),
        sa.Column("alerts", sa.String(length=1000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_survey_response_enrollment_id_enrollment"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_survey_response_participant_id_participant"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_response_participant", ["participant_id", "instrument", "answered_on"]
        )
        batch_op.create_index("ix_survey_response_enrollment", ["enrollment_id", "answered_on"])
        batch_op.create_index(batch_op.f("ix_survey_response_version"), ["version"], unique=False)


def downgrade() -> None:
    op.drop_table("survey_response")

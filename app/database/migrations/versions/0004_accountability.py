"""accountability: values, partner pairs and contacts, live round state, cohort settings

Adds the tables of issue 4 (value, accountability_pair, partner_contact, round_state,
round_turn), the cohort's ``partner_contact_days`` and ``program_weeks``, and attendance's
``arrived_minute`` and ``left_minute``. Everything added is new or nullable, so rows written
by older code stay valid.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def _sync_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _indexes(table: str, name: str, columns: list[str], *, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(name, columns, unique=unique)
        batch_op.create_index(batch_op.f(f"ix_{table}_version"), ["version"], unique=False)


def upgrade() -> None:
    op.create_table(
        "accountability_pair",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("first_id", sa.Uuid(), nullable=False),
        sa.Column("second_id", sa.Uuid(), nullable=False),
        sa.Column("third_id", sa.Uuid(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        *_sync_columns(),
        _fk("accountability_pair", "cohort_id", "cohort"),
        _fk("accountability_pair", "first_id", "participant"),
        _fk("accountability_pair", "second_id", "participant"),
        _fk("accountability_pair", "third_id", "participant"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accountability_pair")),
    )
    _indexes("accountability_pair", "ix_accountability_pair_cohort", ["cohort_id", "start_date"])

    op.create_table(
        "value",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=60), nullable=False),
        sa.Column("source", _enum("valuesource", "list", "own_words"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_sync_columns(),
        _fk("value", "participant_id", "participant"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value")),
    )
    _indexes("value", "ix_value_participant_rank", ["participant_id", "rank"])

    op.create_table(
        "partner_contact",
        sa.Column("pair_id", sa.Uuid(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("initiated_by_id", sa.Uuid(), nullable=False),
        sa.Column("reached_id", sa.Uuid(), nullable=True),
        sa.Column(
            "method",
            _enum("contactmethod", "call", "text", "video", "in_person", "other"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        *_sync_columns(),
        _fk("partner_contact", "initiated_by_id", "participant"),
        _fk("partner_contact", "pair_id", "accountability_pair"),
        _fk("partner_contact", "reached_id", "participant"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_contact")),
    )
    _indexes("partner_contact", "ix_partner_contact_pair_date", ["pair_id", "contact_date"])

    op.create_table(
        "round_state",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum("roundkind", "check_in", "closing"), nullable=False),
        sa.Column(
            "order_method",
            _enum("roundorder", "alphabetical", "random", "reverse_last", "custom"),
            nullable=False,
        ),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("current_participant_id", sa.Uuid(), nullable=True),
        sa.Column("current_started_at", sa.DateTime(), nullable=True),
        sa.Column("soft_limit_seconds", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        *_sync_columns(),
        _fk("round_state", "current_participant_id", "participant"),
        _fk("round_state", "session_id", "group_session"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_state")),
    )
    _indexes("round_state", "ix_round_state_session_kind", ["session_id", "kind"], unique=True)

    op.create_table(
        "round_turn",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", _enum("turnstatus", "waiting", "done", "skipped"), nullable=False),
        sa.Column("seconds_spoken", sa.Integer(), nullable=False),
        *_sync_columns(),
        _fk("round_turn", "participant_id", "participant"),
        _fk("round_turn", "round_id", "round_state"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_turn")),
    )
    _indexes(
        "round_turn", "ix_round_turn_round_participant", ["round_id", "participant_id"], unique=True
    )

    # New nullable columns: plain ALTER TABLE … ADD COLUMN, never a copy of the table.
    with op.batch_alter_table("attendance", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("arrived_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("left_minute", sa.Integer(), nullable=True))

    with op.batch_alter_table("cohort", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("partner_contact_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("program_weeks", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy: rebuilding cohort
    # would drop the parent of every enrollment and session, which foreign keys refuse.
    with op.batch_alter_table("cohort", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("program_weeks")
        batch_op.drop_column("partner_contact_days")

    with op.batch_alter_table("attendance", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("left_minute")
        batch_op.drop_column("arrived_minute")

    for table in ("round_turn", "round_state", "partner_contact", "value", "accountability_pair"):
        op.drop_table(table)  # dropping a table drops its indexes

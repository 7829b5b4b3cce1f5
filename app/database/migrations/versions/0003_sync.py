"""sync: device keys, trusted peers, field versions, history, conflicts, clock, log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Every table here is local to this vault: none of them carries the sync columns, none travels
in a bundle as rows of its own (history entries travel as a member of their own), and the
content digest of ``check`` covers none of them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "device_key",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("age_identity", sa.String(length=100), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("signing_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("verify_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device_info.device_id"],
            name=op.f("fk_device_key_device_id_device_info"),
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_key")),
    )
    op.create_table(
        "trusted_peer",
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("verify_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("trusted_at", sa.DateTime(), nullable=False),
        sa.Column("last_sent_version", sa.BigInteger(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_received_version", sa.BigInteger(), nullable=True),
        sa.Column("last_received_at", sa.DateTime(), nullable=True),
        sa.Column("sent_marks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_trusted_peer")),
    )
    op.create_table(
        "row_clock",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "row_id", name=op.f("pk_row_clock")),
    )
    with op.batch_alter_table("row_clock", schema=None) as batch_op:
        batch_op.create_index("ix_row_clock_entity_seq", ["entity", "seq"], unique=False)
    op.create_table(
        "clock_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_state")),
    )
    op.create_table(
        "sync_log",
        sa.Column("bundle_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("peer_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("peer_name", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("clock_min", sa.BigInteger(), nullable=False),
        sa.Column("clock_max", sa.BigInteger(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("bundle_id", name=op.f("pk_sync_log")),
    )
    op.create_table(
        "field_history",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("bases", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_history")),
    )
    with op.batch_alter_table("field_history", schema=None) as batch_op:
        batch_op.create_index("ix_field_history_row", ["entity", "row_id", "field"], unique=False)
        batch_op.create_index("ix_field_history_seq", ["seq"], unique=False)
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("other_version", sa.BigInteger(), nullable=False),
        sa.Column("other_origin", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflict_row", ["entity", "row_id"], unique=False)
        batch_op.create_index("ix_sync_conflict_status", ["status"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("sync_conflict", ("ix_sync_conflict_status", "ix_sync_conflict_row")),
        ("field_history", ("ix_field_history_seq", "ix_field_history_row")),
        ("row_clock", ("ix_row_clock_entity_seq",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
    for table in ("sync_log", "clock_state", "trusted_peer", "device_key"):
        op.drop_table(table)

"""Local sync bookkeeping (never synced): per-field versions, the persisted clock, the log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class RowClock(Base):
    """Per-field versions of one synced row, when they differ from the row's own.

    ``fields`` is JSON ``{field: [version, origin, bases, raw?]}`` for the fields whose
    (version, origin) is not the row's, or whose free-text ``bases`` (the versions that
    edit replaced) matter for conflict detection; a row without an entry has every field at
    its row version. ``seq`` is this vault's clock when an import last changed the row
    (rows written here carry it as their version), so ``--since-last`` also resends rows
    relayed from a third device with versions older than the last exchange.
    """

    __tablename__ = "row_clock"
    __table_args__ = (Index("ix_row_clock_entity_seq", "entity", "seq"),)

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    fields: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClockState(Base):
    """One row: the highest clock value any process has written or accepted in this vault.

    Every writer observes it before stamping, so a window and a command line process
    running side by side never issue a version below one the other already used.
    """

    __tablename__ = "clock_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SyncLog(Base):
    """One exported or imported bundle: importing the same bundle again changes nothing."""

    __tablename__ = "sync_log"

    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)  # "export" or "import"
    peer_fingerprint: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    peer_name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    clock_min: Mapped[int] = mapped_column(BigInteger, nullable=False)
    clock_max: Mapped[int] = mapped_column(BigInteger, nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")


class FieldHistory(Base):
    """A value a field once held and no longer holds: replaced here, or lost a merge.

    A set by ``id`` (derived from entity, row, field, version, origin), so every device
    that ever held or received the value records the same entry; bundles carry it. ``value``
    is the JSON of its storage form; ``bases`` (JSON list of [version, origin]) the versions
    that edit replaced, for free text. ``seq``, ``recorded_at`` and ``cause`` are local.
    """

    __tablename__ = "field_history"
    __table_args__ = (
        Index("ix_field_history_row", "entity", "row_id", "field"),
        Index("ix_field_history_seq", "seq"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    row_id: Mapped[str] = mapped_column(String(32), nullable=False)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    origin: Mapped[str] = mapped_column(String(36), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    bases: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    cause: Mapped[str] = mapped_column(String(16), nullable=False)


class SyncConflict(Base):
    """Something a merge could not settle alone, for a person to review (local).

    ``kind``: ``text`` (concurrent edits of a free-text field: the current value and
    ``other_*`` in history), ``delete`` (a delete against a later edit: the edit was kept),
    ``future`` (a version more than five minutes ahead of this machine's clock, held back).
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (
        Index("ix_sync_conflict_status", "status"),
        Index("ix_sync_conflict_row", "entity", "row_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    row_id: Mapped[str] = mapped_column(String(32), nullable=False)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    other_version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    other_origin: Mapped[str] = mapped_column(String(36), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # open | resolved
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(String(200), nullable=False, default="")

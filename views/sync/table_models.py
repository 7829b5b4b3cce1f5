"""The three tables the sync views show: trusted peers, conflicts to review, field history."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any, TypeVar

from app.services.sync_review import ConflictRow, HistoryEntryRow
from app.sync.peers import PeerRow
from views.snapshot_table_model import SnapshotTableModel
from views.sync.wording import (
    CAUSE_LABELS,
    KIND_LABELS,
    conflict_title,
    field_label,
    value_text,
    when,
)

Row = TypeVar("Row")


class SyncTableModel(SnapshotTableModel[Row]):
    """A sync table: a cell's ``text`` shows on one line and whole in its tooltip."""

    def text(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def display(self, row: Row, column: int) -> str:
        text = self.text(row, column)
        return " ".join(text.split()) if "\n" in text else text

    def tooltip(self, row: Row, column: int) -> str | None:
        return self.text(row, column)


def _stamp(value: dt.datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


class PeerColumn(IntEnum):
    NAME = 0
    FINGERPRINT = 1
    LAST_SENT = 2
    LAST_RECEIVED = 3


class PeerTableModel(SyncTableModel[PeerRow]):
    """Trusted devices and when this vault last exchanged with each."""

    columns = PeerColumn
    headers = ("Device", "Fingerprint", "Last sent", "Last received")

    def text(self, row: PeerRow, column: int) -> str:
        if column == PeerColumn.NAME:
            return row.name
        if column == PeerColumn.FINGERPRINT:
            return row.fingerprint
        if column == PeerColumn.LAST_SENT:
            return when(row.last_sent_at)
        return when(row.last_received_at)

    def sort_value(self, row: PeerRow, column: int) -> Any:
        if column == PeerColumn.LAST_SENT:
            return _stamp(row.last_sent_at)
        if column == PeerColumn.LAST_RECEIVED:
            return _stamp(row.last_received_at)
        return super().sort_value(row, column)


class ConflictColumn(IntEnum):
    RECORD = 0
    WHAT = 1
    FOUND = 2


class ConflictTableModel(SyncTableModel[ConflictRow]):
    """Conflicts to review: which record and field, what happened, when it was found."""

    columns = ConflictColumn
    headers = ("Record", "What happened", "Found")

    def text(self, row: ConflictRow, column: int) -> str:
        if column == ConflictColumn.RECORD:
            return conflict_title(row)
        if column == ConflictColumn.WHAT:
            what = KIND_LABELS.get(row.kind, row.kind)
            return what if row.status == "open" else f"{what} (settled)"
        return when(row.detected_at)

    def sort_value(self, row: ConflictRow, column: int) -> Any:
        if column == ConflictColumn.FOUND:
            return _stamp(row.detected_at)
        return super().sort_value(row, column)


class HistoryColumn(IntEnum):
    FIELD = 0
    VALUE = 1
    WRITTEN_BY = 2
    WRITTEN_AT = 3
    WHY = 4


class HistoryTableModel(SyncTableModel[HistoryEntryRow]):
    """Earlier values of a record's fields, newest first; nothing anyone wrote is dropped."""

    columns = HistoryColumn
    headers = ("Field", "Earlier value", "Written on", "Written at", "Why it was replaced")

    def text(self, row: HistoryEntryRow, column: int) -> str:
        if column == HistoryColumn.FIELD:
            return field_label(row.field)
        if column == HistoryColumn.VALUE:
            return value_text(row.value)
        if column == HistoryColumn.WRITTEN_BY:
            return row.written_by
        if column == HistoryColumn.WRITTEN_AT:
            return when(row.written_at)
        return CAUSE_LABELS.get(row.cause, row.cause)

    def sort_value(self, row: HistoryEntryRow, column: int) -> Any:
        if column == HistoryColumn.WRITTEN_AT:
            return row.version
        return super().sort_value(row, column)

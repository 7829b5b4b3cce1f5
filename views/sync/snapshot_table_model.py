"""A read-only table over a list of frozen snapshots, and the three tables the sync views show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.services.sync_review import ConflictRow, HistoryEntryRow
from app.sync.peers import PeerRow
from views.sync.wording import (
    CAUSE_LABELS,
    KIND_LABELS,
    conflict_title,
    field_label,
    value_text,
    when,
)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole snapshot
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a raw value that sorts right

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class SnapshotTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are snapshots replaced as a whole by ``set_rows`` (lists here are short).

    Subclasses name their ``Column`` enum and ``headers``, and say what a cell displays
    (``display``) and how it sorts (``sort_key``).
    """

    Column: ClassVar[type[IntEnum]]
    headers: ClassVar[tuple[str, ...]]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.Column(index.column())
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self.display(row, column)
            if role == Qt.ItemDataRole.DisplayRole:
                return " ".join(text.split()) if "\n" in text else text
            return text
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        return None

    def display(self, row: Row, column: IntEnum) -> str:
        raise NotImplementedError

    def sort_key(self, row: Row, column: IntEnum) -> Any:
        return self.display(row, column)


def _stamp(value: dt.datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


class PeerColumn(IntEnum):
    NAME = 0
    FINGERPRINT = 1
    LAST_SENT = 2
    LAST_RECEIVED = 3


class PeerTableModel(SnapshotTableModel[PeerRow]):
    """Trusted devices and when this vault last exchanged with each."""

    Column = PeerColumn
    headers = ("Device", "Fingerprint", "Last sent", "Last received")

    def display(self, row: PeerRow, column: IntEnum) -> str:
        if column == PeerColumn.NAME:
            return row.name
        if column == PeerColumn.FINGERPRINT:
            return row.fingerprint
        if column == PeerColumn.LAST_SENT:
            return when(row.last_sent_at)
        return when(row.last_received_at)

    def sort_key(self, row: PeerRow, column: IntEnum) -> Any:
        if column == PeerColumn.LAST_SENT:
            return _stamp(row.last_sent_at)
        if column == PeerColumn.LAST_RECEIVED:
            return _stamp(row.last_received_at)
        return self.display(row, column).casefold()


class ConflictColumn(IntEnum):
    RECORD = 0
    WHAT = 1
    FOUND = 2


class ConflictTableModel(SnapshotTableModel[ConflictRow]):
    """Conflicts to review: which record and field, what happened, when it was found."""

    Column = ConflictColumn
    headers = ("Record", "What happened", "Found")

    def display(self, row: ConflictRow, column: IntEnum) -> str:
        if column == ConflictColumn.RECORD:
            return conflict_title(row)
        if column == ConflictColumn.WHAT:
            what = KIND_LABELS.get(row.kind, row.kind)
            return what if row.status == "open" else f"{what} (settled)"
        return when(row.detected_at)

    def sort_key(self, row: ConflictRow, column: IntEnum) -> Any:
        if column == ConflictColumn.FOUND:
            return _stamp(row.detected_at)
        return self.display(row, column).casefold()


class HistoryColumn(IntEnum):
    FIELD = 0
    VALUE = 1
    WRITTEN_BY = 2
    WRITTEN_AT = 3
    WHY = 4


class HistoryTableModel(SnapshotTableModel[HistoryEntryRow]):
    """Earlier values of a record's fields, newest first; nothing anyone wrote is dropped."""

    Column = HistoryColumn
    headers = ("Field", "Earlier value", "Written on", "Written at", "Why it was replaced")

    def display(self, row: HistoryEntryRow, column: IntEnum) -> str:
        if column == HistoryColumn.FIELD:
            return field_label(row.field)
        if column == HistoryColumn.VALUE:
            return value_text(row.value)
        if column == HistoryColumn.WRITTEN_BY:
            return row.written_by
        if column == HistoryColumn.WRITTEN_AT:
            return when(row.written_at)
        return CAUSE_LABELS.get(row.cause, row.cause)

    def sort_key(self, row: HistoryEntryRow, column: IntEnum) -> Any:
        if column == HistoryColumn.WRITTEN_AT:
            return row.version
        return self.display(row, column).casefold()

"""A thin table model over a tuple of frozen rows: IntEnum columns, a ROW role and a SORT role."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from views.roles import ROW_ROLE, SORT_ROLE

RowT = TypeVar("RowT")
Index = QModelIndex | QPersistentModelIndex


class SnapshotTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows are snapshots from a service; ``set_rows`` replaces them all in one reset.

    Subclasses name their ``columns`` (an IntEnum whose order is the column order) with
    ``headers`` and implement ``display`` (and, where the text does not sort right,
    ``sort_value``). ``clear()`` empties the model.
    """

    columns: ClassVar[type[enum.IntEnum]]
    headers: ClassVar[Mapping[int, str] | Sequence[str]]  # by column number
    header_tips: ClassVar[Mapping[int, str] | Sequence[str]] = ()  # header tooltips, if any
    numeric: ClassVar[frozenset[int]] = frozenset()  # right-aligned columns

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[RowT, ...] = ()

    # -- our API ------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[RowT, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def find(self, wanted: Callable[[RowT], bool]) -> QModelIndex:
        """The index of the first row for which ``wanted(row)`` holds (invalid when none)."""
        for number, row in enumerate(self._rows):
            if wanted(row):
                return self.index(number, 0)
        return QModelIndex()

    def display(self, row: RowT, column: int) -> str:
        raise NotImplementedError

    def sort_value(self, row: RowT, column: int) -> Any:
        return self.display(row, column).casefold()

    def tooltip(self, row: RowT, column: int) -> str | None:
        return None

    def header_text(self, column: int) -> str:
        return self.headers[column]

    def role_data(self, row: RowT, column: int, role: int) -> Any:
        """Any other role (a background tint, an accessible description); None by default."""
        return None

    # -- Qt's model API -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.role_data(row, column, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(section)
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.header_tips):
            return self.header_tips[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

"""Who is below the weekly minimum so far, and what it would take to reach it (a table model)."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.services.attendance.summary import MinimumOutlookRow, Outlook
from views.attendance.attendance_charts import hours_short, hours_text
from views.roles import ROW_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex


class BelowColumn(enum.IntEnum):
    NAME = 0
    SO_FAR = 1
    AT_MOST = 2
    TAKES = 3


HEADERS = {
    BelowColumn.NAME: "Member",
    BelowColumn.SO_FAR: "So far",
    BelowColumn.AT_MOST: "At most",
    BelowColumn.TAKES: "Outlook",
}
HEADER_TIPS = {
    BelowColumn.SO_FAR: "Hours attended this week so far",
    BelowColumn.AT_MOST: "Hours this week if they attend every session still scheduled",
    BelowColumn.TAKES: "Whether the minimum is still reachable this week, and how many of "
    "the sessions left it takes (hover a row for the whole sentence)",
}


def sessions_phrase(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"


def what_it_takes(row: MinimumOutlookRow) -> str:
    """A sentence: ``Needs both remaining sessions to reach 9 h``, ``Cannot reach 9 h …``."""
    minimum = hours_text(row.minimum_minutes)
    joined = f" They joined on {row.joined_on:%A}." if row.joined_on is not None else ""
    if row.outlook is Outlook.CANNOT_REACH:
        short = hours_text(row.minimum_minutes - row.projected_minutes)
        if not row.remaining_sessions:
            return f"Cannot reach {minimum} this week: no session left, {short} short.{joined}"
        return (
            f"Cannot reach {minimum} this week: {short} short even at every session left.{joined}"
        )
    left = row.remaining_sessions
    if row.sessions_needed == left:
        every = "the one" if left == 1 else ("both" if left == 2 else f"all {left}")
        noun = "session" if left == 1 else "sessions"
        return f"Needs {every} remaining {noun} to reach {minimum}.{joined}"
    needed = row.sessions_needed
    return f"Needs {needed} of the {sessions_phrase(left)} left to reach {minimum}.{joined}"


def outlook_text(row: MinimumOutlookRow) -> str:
    """The short form for the table: ``5 h short``, ``needs both``, ``needs 1 of 2``."""
    joined = f" · joined {row.joined_on:%a}" if row.joined_on is not None else ""
    if row.outlook is Outlook.CANNOT_REACH:
        short = hours_short(row.minimum_minutes - row.projected_minutes)
        return f"can't reach: {short} short{joined}"
    left = row.remaining_sessions
    if row.sessions_needed == left:
        return f"needs {'it' if left == 1 else ('both' if left == 2 else f'all {left}')}{joined}"
    return f"needs {row.sessions_needed} of {left}{joined}"


class BelowMinimumTableModel(QAbstractTableModel):
    """Rows of ``MinimumOutlookRow`` (the service's order: cannot reach first); read-only.

    ``ROW_ROLE`` returns the whole row, ``SORT_ROLE`` a raw value per column; a
    row that cannot reach the minimum is bold.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MinimumOutlookRow] = []
        self.minimum_minutes = 0

    def load(self, rows: list[MinimumOutlookRow], minimum_minutes: int) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.minimum_minutes = minimum_minutes
        self.endResetModel()

    def row(self, number: int) -> MinimumOutlookRow:
        return self._rows[number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BelowColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.model() is not self:
            return None
        row, column = self._rows[index.row()], BelowColumn(index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return what_it_takes(row)
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case BelowColumn.NAME:
                    return row.display_name
                case BelowColumn.SO_FAR:
                    return hours_short(row.minutes)
                case BelowColumn.AT_MOST:
                    return hours_short(row.projected_minutes)
                case BelowColumn.TAKES:
                    return outlook_text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (
                f"{row.display_name}: {hours_text(row.minutes)} so far, at most "
                f"{hours_text(row.projected_minutes)}. {what_it_takes(row)}"
            )
        if role == Qt.ItemDataRole.FontRole and row.outlook is Outlook.CANNOT_REACH:
            font = QFont()
            font.setBold(True)
            return font
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            match column:
                case BelowColumn.NAME:
                    return row.display_name
                case BelowColumn.SO_FAR:
                    return row.minutes
                case BelowColumn.AT_MOST:
                    return row.projected_minutes
                case BelowColumn.TAKES:
                    return row.projected_minutes - row.minimum_minutes
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section not in set(BelowColumn):
            return None
        column = BelowColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        return None

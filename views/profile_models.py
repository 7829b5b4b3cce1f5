"""The profile's item models: the timeline (clinician-only lines marked) and goals by value."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.services.profile import DomainSummary, ProfileEvent
from app.services.progress import TimelineKind

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole snapshot of the row
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a raw, comparable value

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
CLINICIAN_ONLY = "Clinician only"
CLINICIAN_TINT_LIGHT = "#fbeed5"  # warm, so clinician-only lines never pass for shared ones
CLINICIAN_TINT_DARK = "#4a3b1f"


def clinician_tint() -> QColor:
    dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(CLINICIAN_TINT_DARK if dark else CLINICIAN_TINT_LIGHT)


def long_time(at: Any) -> str:
    return f"{at:%a} {at.day} {at:%b %Y, %H:%M}"


def long_day(at: Any) -> str:
    return f"{at:%a} {at.day} {at:%b %Y}"


class SnapshotTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over frozen rows; subclasses say how a cell reads and sorts."""

    columns: Sequence[tuple[str, str]] = ()  # (header, tooltip)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        return self.cell(row, index.column(), role)

    def cell(self, row: T, column: int, role: int) -> Any:
        raise NotImplementedError


class TimelineColumn(enum.IntEnum):
    WHEN = 0
    WHAT = enum.auto()
    DETAIL = enum.auto()
    SHARED = enum.auto()


KIND_TEXT = {
    TimelineKind.JOINED: "Stay",
    TimelineKind.LEFT: "Stay",
    TimelineKind.ATTENDANCE: "Session",
    TimelineKind.CHECK_IN: "Check-in",
    TimelineKind.GOAL_SET: "Goal",
    TimelineKind.GOAL_REVIEWED: "Goal",
}


class TimelineTableModel(SnapshotTableModel[ProfileEvent]):
    """The profile's timeline, newest first. Clinician-only lines say so and are tinted."""

    columns = (
        ("When", "In the cohort's time zone"),
        ("What", "What happened"),
        ("Details", "What was said or done"),
        ("Shared", "Whether the group heard it, or clinicians only"),
    )

    def cell(self, row: ProfileEvent, column: int, role: int) -> Any:
        column = TimelineColumn(column)
        if role == Qt.ItemDataRole.DisplayRole:
            if column is TimelineColumn.WHEN:
                if row.kind in (TimelineKind.JOINED, TimelineKind.LEFT):
                    return long_day(row.at)  # a stay begins and ends on a day, not at a time
                return long_time(row.at)
            if column is TimelineColumn.WHAT:
                return row.summary
            if column is TimelineColumn.DETAIL:
                return row.detail
            return CLINICIAN_ONLY if row.clinician_only else "Group"
        if role == SORT_ROLE:
            keys: dict[TimelineColumn, Any] = {
                TimelineColumn.WHEN: row.at.timestamp(),
                TimelineColumn.WHAT: row.summary.casefold(),
                TimelineColumn.DETAIL: row.detail.casefold(),
                TimelineColumn.SHARED: int(row.clinician_only),
            }
            return keys[column]
        if role == Qt.ItemDataRole.ToolTipRole and column is TimelineColumn.WHAT:
            return row.summary
        if role == Qt.ItemDataRole.ToolTipRole and column is TimelineColumn.DETAIL and row.detail:
            return row.detail
        if role == Qt.ItemDataRole.BackgroundRole and row.clinician_only:
            return clinician_tint()
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and row.clinician_only:
            return "Clinician only: not shared with the group"
        return None


class GroupSafeTimeline(QSortFilterProxyModel):
    """Hides clinician-only lines while ``hide_clinician_only`` is on (for screen sharing)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hide = False

    @property
    def hide_clinician_only(self) -> bool:
        return self._hide

    def set_hide_clinician_only(self, hide: bool) -> None:
        self.beginFilterChange()
        self._hide = hide
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._hide:
            return True
        model = self.sourceModel()
        event = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return not (isinstance(event, ProfileEvent) and event.clinician_only)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


DOMAIN_CELLS: tuple[tuple[str, str, Callable[[DomainSummary], Any]], ...] = (
    ("Value", "The value domain the goals serve", lambda d: d.domain),
    ("Goals", "Goals set (dropped ones left out)", lambda d: d.goals),
    ("Done", "Reported back as done", lambda d: d.done),
    ("Partly", "Reported back as partly done", lambda d: d.partly),
    ("Not done", "Reported back as not done", lambda d: d.not_done),
    ("Open", "Not reported back on yet", lambda d: d.open),
    ("Completion", "Done over reported back", lambda d: d.completion_rate),
)


class DomainTableModel(SnapshotTableModel[DomainSummary]):
    """Goals grouped by value domain, with their outcomes and completion rate."""

    columns = tuple((header, tip) for header, tip, _value in DOMAIN_CELLS)

    def cell(self, row: DomainSummary, column: int, role: int) -> Any:
        value = DOMAIN_CELLS[column][2](row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == len(DOMAIN_CELLS) - 1:
                return percent(value)
            return str(value).capitalize() if column == 0 else str(value)
        if role == SORT_ROLE:
            return -1.0 if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

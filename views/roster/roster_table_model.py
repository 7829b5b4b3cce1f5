"""The roster's item models: a table of member snapshots, and a proxy that sorts and filters it."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.services.accountability.flags import Flag
from app.services.progress import RosterRow
from models import EnrollmentStatus
from views.roles import ROW_ROLE, SORT_ROLE
from views.theme import meaning

Index = QModelIndex | QPersistentModelIndex

STATUS_ORDER = {status: rank for rank, status in enumerate(EnrollmentStatus)}
STATUS_TEXT = {
    EnrollmentStatus.ACTIVE: "Active",
    EnrollmentStatus.WAITLIST: "Waitlist",
    EnrollmentStatus.GRADUATED: "Graduated",
    EnrollmentStatus.DISCHARGED: "Discharged",
    EnrollmentStatus.WITHDREW: "Withdrew",
    EnrollmentStatus.TRANSFERRED: "Transferred",
}


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One member as the roster shows them: the service's figures and the engine's flags.

    ``flags`` is None when they could not be worked out (unknown, not "none").
    """

    row: RosterRow
    flags: tuple[Flag, ...] | None = None

    @property
    def participant_id(self) -> uuid.UUID:
        return self.row.participant_id

    @property
    def is_current(self) -> bool:
        return self.row.status.is_open


class Column(enum.IntEnum):
    NAME = 0
    PRONOUNS = enum.auto()
    STATUS = enum.auto()
    DATES = enum.auto()
    ATTENDANCE = enum.auto()
    STREAK = enum.auto()
    HOURS = enum.auto()
    MOOD = enum.auto()
    GOALS = enum.auto()
    FLAGS = enum.auto()


HEADERS = {
    Column.NAME: ("Name", "Name or alias"),
    Column.PRONOUNS: ("Pronouns", "Pronouns"),
    Column.STATUS: ("Status", "Enrollment status"),
    Column.DATES: ("Since", "Enrolled since (or from – to, for a stay that ended)"),
    Column.ATTENDANCE: ("Attended", "Share of sessions attended over the last 4 weeks"),
    Column.STREAK: ("Streak", "Sessions attended in a row, up to the latest one"),
    Column.HOURS: ("This week", "Hours attended this week against the IOP minimum"),
    Column.MOOD: ("Mood", "Mood at the latest check-in, 0 to 10"),
    Column.GOALS: ("Goals due", "Goals due for report-back at the session in progress or next"),
    Column.FLAGS: ("Flags", "Reasons to check in with someone (facilitators only)"),
}
NOW_FIGURES = {Column.ATTENDANCE, Column.STREAK, Column.HOURS}
NUMERIC = {Column.ATTENDANCE, Column.STREAK, Column.HOURS, Column.MOOD, Column.GOALS}
NO_FLAGS = "Flags could not be worked out for this cohort just now; reload to try again."


def short_date(day: Any) -> str:
    return f"{day.day} {day:%b %Y}"


def hours(minutes: int) -> str:
    value = minutes / 60
    return f"{value:.1f}".rstrip("0").rstrip(".")


class RosterTableModel(QAbstractTableModel):
    """A read-only table over ``RosterEntry`` snapshots; ``set_entries`` replaces them all.

    ``ROW_ROLE`` returns the whole entry and ``SORT_ROLE`` a raw, comparable value. Figures
    that are about "now" (attendance, streak, this week) are blank unless the person is active.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[RosterEntry] = []

    @property
    def entries(self) -> list[RosterEntry]:
        return list(self._entries)

    def set_entries(self, entries: Sequence[RosterEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def clear(self) -> None:
        self.set_entries([])

    def row_of(self, participant_id: uuid.UUID) -> int:
        for number, entry in enumerate(self._entries):
            if entry.participant_id == participant_id:
                return number
        return -1

    # -- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section not in Column._value2member_map_:
            return None
        title, tip = HEADERS[Column(section)]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and Column(section) in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display(entry, column)
        if role == ROW_ROLE:
            return entry
        if role == SORT_ROLE:
            return sort_key(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return foreground(entry, column)
        return None


def foreground(entry: RosterEntry, column: Column) -> QColor | None:
    """Past members are greyed; a flag stands out in the warning colour."""
    palette = QGuiApplication.palette()
    if not entry.is_current:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    if column is Column.FLAGS and entry.flags:
        return meaning(palette, "flag")
    return None


def display(entry: RosterEntry, column: Column) -> str:
    row = entry.row
    # Figures about "now" mean something only for someone in the group: not while waiting
    # for a seat (every session would count as missed), nor after leaving.
    now_figures = row.status is EnrollmentStatus.ACTIVE
    if column is Column.NAME:
        return row.display_name
    if column is Column.PRONOUNS:
        return row.pronouns
    if column is Column.STATUS:
        return STATUS_TEXT[row.status]
    if column is Column.DATES:
        if row.end_date is None:
            return short_date(row.start_date)
        return f"{short_date(row.start_date)} – {short_date(row.end_date)}"
    if column is Column.ATTENDANCE:
        if not now_figures or row.attendance_rate is None:
            return "—"
        return f"{row.attendance_rate:.0%}"
    if column is Column.STREAK:
        return str(row.current_streak) if now_figures else "—"
    if column is Column.HOURS:
        if not now_figures:
            return "—"
        return f"{hours(row.minutes_this_week)} of {hours(row.weekly_minimum_minutes)} h"
    if column is Column.MOOD:
        return "—" if row.last_mood is None else f"{row.last_mood}/10"
    if column is Column.GOALS:
        return str(row.goals_due)
    if entry.flags is None:
        return "?"
    if not entry.flags:
        return ""
    first = entry.flags[0].kind.value
    more = f" +{len(entry.flags) - 1}" if len(entry.flags) > 1 else ""
    return first[:1].upper() + first[1:] + more  # every reason is in the tooltip


def sort_key(entry: RosterEntry, column: Column) -> Any:
    row = entry.row
    missing = -1.0
    keys: dict[Column, Any] = {
        Column.NAME: row.display_name.casefold(),
        Column.PRONOUNS: row.pronouns.casefold(),
        Column.STATUS: STATUS_ORDER[row.status],
        Column.DATES: row.start_date.toordinal(),
        Column.ATTENDANCE: missing if row.attendance_rate is None else row.attendance_rate,
        Column.STREAK: row.current_streak,
        Column.HOURS: row.minutes_this_week,
        Column.MOOD: missing if row.last_mood is None else float(row.last_mood),
        Column.GOALS: row.goals_due,
        Column.FLAGS: 0 if entry.flags is None else len(entry.flags),
    }
    return keys[column]


def tooltip(entry: RosterEntry, column: Column) -> str | None:
    row = entry.row
    if column is Column.FLAGS:
        if entry.flags is None:
            return NO_FLAGS
        if not entry.flags:
            return "No flags"
        return "\n".join(f"• {flag.reason}" for flag in entry.flags)
    if row.status is EnrollmentStatus.WAITLIST and column in NOW_FIGURES:
        return "On the waitlist: nothing to count until they join the group."
    if column is Column.HOURS and row.status is EnrollmentStatus.ACTIVE:
        short = row.weekly_minimum_minutes - row.minutes_this_week
        tail = f"{hours(short)} h to go" if short > 0 else "the minimum is met"
        return f"{row.minutes_this_week} minutes attended this week; {tail}."
    if (
        column is Column.ATTENDANCE
        and row.status is EnrollmentStatus.ACTIVE
        and row.attendance_rate is None
    ):
        return "No held session in the last 4 weeks since they joined."
    return None


class RosterFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; keeps rows whose status is in ``statuses`` and whose name or
    pronouns contain the filter text (case-insensitive)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._statuses: frozenset[EnrollmentStatus] = frozenset(
            {EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST}
        )
        self._text = ""

    @property
    def statuses(self) -> frozenset[EnrollmentStatus]:
        return self._statuses

    def set_statuses(self, statuses: frozenset[EnrollmentStatus]) -> None:
        self.beginFilterChange()
        self._statuses = statuses
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        entry = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        if not isinstance(entry, RosterEntry) or entry.row.status not in self._statuses:
            return False
        if not self._text:
            return True
        return self._text in f"{entry.row.display_name}\n{entry.row.pronouns}".casefold()

"""The attendance grid's item model: members down, sessions across, one mark per cell."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from app.services.attendance.service import AttendanceGrid, AttendanceRow, GridMember
from app.services.sessions import SessionRow
from models import AttendanceStatus, SessionStatus
from views.roles import ROW_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex

# One key per status, as the facilitator types them; the grid's legend lists the same.
STATUS_KEYS: dict[AttendanceStatus, str] = {
    AttendanceStatus.PRESENT: "P",
    AttendanceStatus.LATE: "L",
    AttendanceStatus.LEFT_EARLY: "O",  # "out early": L is taken by late
    AttendanceStatus.EXCUSED: "E",
    AttendanceStatus.UNEXCUSED: "U",
    AttendanceStatus.NOT_RECORDED: "?",
}
STATUS_WORDS: dict[AttendanceStatus, str] = {
    AttendanceStatus.PRESENT: "present",
    AttendanceStatus.LATE: "late",
    AttendanceStatus.LEFT_EARLY: "left early",
    AttendanceStatus.EXCUSED: "excused absence",
    AttendanceStatus.UNEXCUSED: "unexcused absence",
    AttendanceStatus.NOT_RECORDED: "not recorded",
}
# Translucent tints read on light and dark bases alike; the letter carries the meaning too.
STATUS_TINTS: dict[AttendanceStatus, QColor] = {
    AttendanceStatus.PRESENT: QColor(46, 160, 67, 56),
    AttendanceStatus.LATE: QColor(210, 153, 34, 64),
    AttendanceStatus.LEFT_EARLY: QColor(210, 153, 34, 64),
    AttendanceStatus.EXCUSED: QColor(84, 130, 200, 48),
    AttendanceStatus.UNEXCUSED: QColor(207, 34, 46, 56),
    AttendanceStatus.NOT_RECORDED: QColor(128, 128, 128, 40),
}
NOT_ENROLLED_TINT = QColor(128, 128, 128, 28)


@dataclass(frozen=True, slots=True)
class GridCell:
    """What one cell shows: who, which session, their mark (None: none), and whether it counts."""

    member: GridMember
    session: SessionRow
    mark: AttendanceRow | None

    @property
    def enrolled(self) -> bool:
        return self.member.enrolled_on(self.session.local_date)

    @property
    def markable(self) -> bool:
        return self.enrolled and self.session.status is not SessionStatus.CANCELLED

    @property
    def key(self) -> tuple[uuid.UUID, uuid.UUID]:
        return self.session.id, self.member.participant_id


def session_label(session: SessionRow) -> str:
    """``Mon 2 Mar`` (no platform-specific ``%-d``)."""
    return f"{session.local_date:%a} {session.local_date.day} {session.local_date:%b}"


def describe_mark(mark: AttendanceRow | None, planned_minutes: int) -> str:
    if mark is None:
        return "no mark"
    words = STATUS_WORDS[mark.status]
    if mark.status.attended:
        return f"{words}, {mark.minutes_attended} of {planned_minutes} minutes"
    return words


class AttendanceGridModel(QAbstractTableModel):
    """A thin adapter over an ``AttendanceGrid`` snapshot; it never writes to the vault.

    Rows are members (by name), columns sessions (in time order). A cell shows the mark's
    key letter and minutes ("L 165"); a dash where the person was not enrolled that day.
    ``ROW_ROLE`` returns the whole ``GridCell``; ``SORT_ROLE`` the minutes (-1 without a mark). The
    edit role is the minutes: ``setData`` hands the request to ``minutes_handler`` (set by
    the page, which turns it into an undoable command) and returns whether it was taken.
    ``set_mark`` and ``set_session_status`` apply a change the page has made.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: list[SessionRow] = []
        self._members: list[GridMember] = []
        self._marks: dict[tuple[uuid.UUID, uuid.UUID], AttendanceRow] = {}
        self._columns: dict[uuid.UUID, int] = {}
        self._rows: dict[uuid.UUID, int] = {}
        self.grid: AttendanceGrid | None = None
        self.reference_day: dt.date | None = None
        self.minutes_handler: Callable[[GridCell, int], bool] | None = None

    # -- loading and changing ---------------------------------------------------------------

    def load(self, grid: AttendanceGrid | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self._sessions = list(grid.sessions) if grid else []
        self._members = list(grid.members) if grid else []
        # Current members first (the facilitator's list), then those who left, each by name.
        self.reference_day = None
        if grid is not None:
            last = grid.sessions[-1].local_date if grid.sessions else grid.last_day
            self.reference_day = min(grid.today, last)
        self._members.sort(key=lambda member: not self.is_current(member))
        self._marks = dict(grid.marks) if grid else {}
        self._columns = {s.id: n for n, s in enumerate(self._sessions)}
        self._rows = {m.participant_id: n for n, m in enumerate(self._members)}
        self.endResetModel()

    def set_mark(
        self, session_id: uuid.UUID, participant_id: uuid.UUID, mark: AttendanceRow | None
    ) -> None:
        """Show ``mark`` (an AttendanceRow, or None for no mark) in its cell."""
        if mark is None:
            self._marks.pop((session_id, participant_id), None)
        else:
            self._marks[session_id, participant_id] = mark
        index = self.index_of(session_id, participant_id)
        if index.isValid():
            self.dataChanged.emit(index, index)

    def set_session_status(self, session_id: uuid.UUID, status: SessionStatus) -> None:
        column = self._columns.get(session_id)
        if column is None or self._sessions[column].status is status:
            return
        self._sessions[column] = dataclasses.replace(self._sessions[column], status=status)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        if self._members:
            top, bottom = self.index(0, column), self.index(len(self._members) - 1, column)
            self.dataChanged.emit(top, bottom)

    # -- lookups ----------------------------------------------------------------------------

    def cell(self, index: Index) -> GridCell | None:
        if not index.isValid() or index.model() is not self:
            return None
        member, session = self._members[index.row()], self._sessions[index.column()]
        return GridCell(member, session, self._marks.get((session.id, member.participant_id)))

    def index_of(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> QModelIndex:
        row, column = self._rows.get(participant_id), self._columns.get(session_id)
        if row is None or column is None:
            return QModelIndex()
        return self.index(row, column)

    def session(self, column: int) -> SessionRow:
        return self._sessions[column]

    def mark(self, session_id: uuid.UUID, participant_id: uuid.UUID) -> AttendanceRow | None:
        return self._marks.get((session_id, participant_id))

    def session_status(self, session_id: uuid.UUID) -> SessionStatus | None:
        column = self._columns.get(session_id)
        return None if column is None else self._sessions[column].status

    # -- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._sessions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        mark = cell.mark
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.session.status is SessionStatus.CANCELLED:
                return "✕"
            if not cell.enrolled:
                return "–"
            if mark is None:
                return ""
            letter = STATUS_KEYS[mark.status]
            return f"{letter} {mark.minutes_attended}" if mark.status.attended else letter
        if role == Qt.ItemDataRole.EditRole:
            return mark.minutes_attended if mark is not None else 0
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._describe(cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not cell.markable:
                return NOT_ENROLLED_TINT
            return STATUS_TINTS[mark.status] if mark is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == ROW_ROLE:
            return cell
        if role == SORT_ROLE:
            return mark.minutes_attended if mark is not None else -1
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        cell = self.cell(index)
        if cell is None or role != Qt.ItemDataRole.EditRole or not cell.markable:
            return False
        if self.minutes_handler is None or isinstance(value, bool):
            return False
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return False
        return bool(self.minutes_handler(cell, minutes))

    def flags(self, index: Index) -> Qt.ItemFlag:
        cell = self.cell(index)
        if cell is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if cell.markable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._sessions):
            session = self._sessions[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return session_label(session)
            if role == Qt.ItemDataRole.ToolTipRole:
                topic = f" — {session.topic}" if session.topic else ""
                status = session.status.value.replace("_", " ")
                return (
                    f"{session_label(session)}, {session.planned_minutes} minutes, {status}{topic}"
                )
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._members):
            member = self._members[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return member.display_name
            if role == Qt.ItemDataRole.ToolTipRole:
                ended = member.stays[-1][1]
                if ended is None or self.is_current(member):
                    return member.display_name
                return f"{member.display_name} (left on {ended.day} {ended:%b})"
            if role == Qt.ItemDataRole.FontRole and not self.is_current(member):
                font = QFont()
                font.setItalic(True)
                return font
        return None

    def is_current(self, member: GridMember) -> bool:
        """Enrolled on the grid's latest session day up to today (not someone who left)."""
        return self.reference_day is None or member.enrolled_on(self.reference_day)

    def _describe(self, cell: GridCell) -> str:
        where = f"{cell.member.display_name}, {session_label(cell.session)}"
        if cell.session.status is SessionStatus.CANCELLED:
            return f"{where}: session cancelled"
        if not cell.enrolled:
            return f"{where}: not enrolled that day"
        text = f"{where}: {describe_mark(cell.mark, cell.session.planned_minutes)}"
        if cell.mark is not None and cell.mark.note:
            text += f". Note: {cell.mark.note}"
        return text

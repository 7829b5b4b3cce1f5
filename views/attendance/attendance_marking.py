"""Undoable attendance marks: a QUndoStack of commands, written to the vault one after another."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.services.attendance.service import (
    OVERTIME_ALLOWANCE,
    AttendanceRow,
    AttendanceService,
    default_minutes,
)
from app.services.ids import attendance_id
from app.tasks import TaskRunner
from models import AttendanceStatus, SessionStatus
from views.attendance.attendance_grid_model import (
    STATUS_WORDS,
    AttendanceGridModel,
    GridCell,
    session_label,
)
from views.errors import user_message


class SerialWriter(QObject):
    """Runs vault writes one at a time on the task runner, in the order they were asked.

    Marks must reach the vault in order (mark, then undo, then redo of the same cell), and
    the runner's pool would run them side by side. ``idle`` is emitted when the queue has
    drained; ``failed(sentence)`` when a write failed, after which the writes queued behind
    it are dropped (they assumed it had succeeded).
    """

    idle = Signal()
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._queue: deque[tuple[Callable[[], object], str]] = deque()
        self._running = False
        self._current = ""

    @property
    def busy(self) -> bool:
        return self._running or bool(self._queue)

    def enqueue(self, work: Callable[[], object], what: str) -> None:
        self._queue.append((work, what))
        if not self._running:
            self._start_next()

    def _start_next(self) -> None:
        if not self._queue:
            self._running = False
            self.idle.emit()
            return
        work, self._current = self._queue.popleft()
        self._running = True
        self._tasks.submit(
            work,
            on_success=self._on_written,
            on_failure=self._on_failed,
            owner=self,
            name=f"save attendance: {self._current}",
        )

    @Slot(object)
    def _on_written(self, _result: object) -> None:
        self._start_next()

    @Slot(object)
    def _on_failed(self, error: Exception) -> None:
        self._queue.clear()
        self._running = False
        self.failed.emit(f"“{self._current}” was not saved: {user_message(error)}")


def status_after(mark: AttendanceRow | None, before: SessionStatus) -> SessionStatus:
    """The session's status once ``mark`` is written (as ``AttendanceService.mark`` does it)."""
    recorded = mark is not None and mark.status is not AttendanceStatus.NOT_RECORDED
    if recorded and before in (SessionStatus.SCHEDULED, SessionStatus.NOT_RECORDED):
        return SessionStatus.HELD
    return before


class MarkCommand(QUndoCommand):
    """One cell changed from ``before`` to ``after`` (None: no mark), and back on undo.

    Undo restores the mark exactly as it was (status, minutes, note, or no mark at all)
    and the session's status as it was (a first mark makes a scheduled session "held").
    """

    def __init__(self, marker: AttendanceMarker, cell: GridCell, after: AttendanceRow | None):
        what = STATUS_WORDS[after.status] if after is not None else "no mark"
        if after is not None and cell.mark is not None and after.status is cell.mark.status:
            what = f"{after.minutes_attended} minutes"
        super().__init__(f"{cell.member.display_name}: {what} on {session_label(cell.session)}")
        self.marker = marker
        self.session_id, self.participant_id = cell.key
        self.before = cell.mark
        self.after = after
        self.status_before = cell.session.status
        self.status_after = status_after(after, cell.session.status)

    def redo(self) -> None:
        self.marker.show(self.session_id, self.participant_id, self.after, self.status_after)
        service, after = self.marker.service, self.after
        session_id, participant_id = self.session_id, self.participant_id
        if after is None:
            self.marker.write(lambda: service.clear(session_id, participant_id), self.text())
        else:
            self.marker.write(
                lambda: service.mark(
                    session_id,
                    participant_id,
                    after.status,
                    minutes=after.minutes_attended,
                    note=after.note,
                ),
                self.text(),
            )

    def undo(self) -> None:
        self.marker.show(self.session_id, self.participant_id, self.before, self.status_before)
        service, before, status = self.marker.service, self.before, self.status_before
        session_id, participant_id = self.session_id, self.participant_id
        self.marker.write(
            lambda: service.restore(session_id, participant_id, before, session_status=status),
            f"undo {self.text()}",
        )


class AttendanceMarker(QObject):
    """Turns the facilitator's keys into undoable marks on the grid model and in the vault.

    Each change is a ``MarkCommand`` on ``stack``: the model shows it at once, and the
    write goes to the vault through a ``SerialWriter``. ``saved`` is emitted when every
    write so far is done; ``failed(sentence)`` when one was refused (the page then reloads
    the grid from the vault and calls ``reset()``, since the history no longer matches).
    """

    saved = Signal()
    failed = Signal(str)

    def __init__(
        self,
        service: AttendanceService,
        tasks: TaskRunner,
        model: AttendanceGridModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.model = model
        self.stack = QUndoStack(self)
        self.writer = SerialWriter(tasks, self)
        self.last_shown: tuple[uuid.UUID, uuid.UUID] | None = None  # (session, participant)
        self.writer.idle.connect(self.saved)
        self.writer.failed.connect(self.failed)
        model.minutes_handler = self.set_minutes

    # -- what the keys ask for --------------------------------------------------------------

    def set_status(self, cell: GridCell, status: AttendanceStatus) -> bool:
        """Mark ``status`` with its default minutes (a note is kept); False if not markable."""
        if not cell.markable:
            return False
        if cell.mark is not None and cell.mark.status is status:
            return True  # the same key again keeps the minutes someone may have typed
        minutes = default_minutes(status, cell.session.planned_minutes)
        note = cell.mark.note if cell.mark is not None else ""
        return self._push(cell, self._row(cell, status, minutes, note))

    def set_minutes(self, cell: GridCell, minutes: int) -> bool:
        """Minutes typed into a cell; an absence (or no mark) becomes "present" with them."""
        limit = cell.session.planned_minutes + OVERTIME_ALLOWANCE
        if not cell.markable or not 0 <= minutes <= limit:
            return False
        mark = cell.mark
        if mark is not None and mark.status.attended:
            if minutes == mark.minutes_attended:
                return True
            # As AttendanceService.mark does: minutes set by hand replace a live round's.
            changed = replace(mark, minutes_attended=minutes, arrived_minute=None, left_minute=None)
            return self._push(cell, changed)
        if minutes == 0:
            return True  # 0 minutes adds nothing to an absence or an empty cell
        note = mark.note if mark is not None else ""
        return self._push(cell, self._row(cell, AttendanceStatus.PRESENT, minutes, note))

    def clear(self, cell: GridCell) -> bool:
        if not cell.markable:
            return False
        if cell.mark is None:
            return True
        return self._push(cell, None)

    def reset(self) -> None:
        """Forget the history (after a reload, the commands no longer match the grid)."""
        self.stack.clear()
        self.last_shown = None

    # -- for the commands -------------------------------------------------------------------

    def show(
        self,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        mark: AttendanceRow | None,
        session_status: SessionStatus,
    ) -> None:
        self.last_shown = (session_id, participant_id)
        self.model.set_mark(session_id, participant_id, mark)
        self.model.set_session_status(session_id, session_status)

    def write(self, work: Callable[[], object], what: str) -> None:
        self.writer.enqueue(work, what)

    # -- private ----------------------------------------------------------------------------

    def _push(self, cell: GridCell, after: AttendanceRow | None) -> bool:
        self.stack.push(MarkCommand(self, cell, after))
        return True

    @staticmethod
    def _row(cell: GridCell, status: AttendanceStatus, minutes: int, note: str) -> AttendanceRow:
        session_id, participant_id = cell.key
        return AttendanceRow(
            attendance_id(session_id, participant_id),
            session_id,
            participant_id,
            status,
            minutes,
            note,
        )

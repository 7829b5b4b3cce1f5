"""Every change a facilitator makes to a roster: its dialogs, the task runner and the undo stack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QWidget

from app.services.figures.today import cohort_today
from app.tasks import TaskRunner
from models import CohortStatus, EnrollmentStatus
from views.errors import user_message
from views.roster.roster_commands import (
    Work,
    edit_command,
    end_command,
    transfer_command,
    waitlist_command,
)
from views.roster.roster_table_model import RosterEntry

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.enrollments import EnrollResult, TransferResult
    from app.services.participants import ParticipantRow
    from views.roster.roster_services import RosterServices


class RosterChanges(QObject):
    """Adds, edits, moves, waitlists, activates and ends stays for the roster page.

    The page hands in two callables, the selected entry and the cohort shown, and the widget
    that parents the dialogs. Each change runs on the task runner; ``stored(select)`` is
    emitted after it (reload, and select ``select`` when not None), ``notice(text)`` says
    what happened, ``failed(text)`` why not. Edits, waitlist ↔ active and ending a stay go
    on ``undo_stack``; while a change is on its way, ``busy`` is True and ``busy_changed``
    is emitted when that flips. One dialog at a time: ``dialog`` is the open one.
    """

    stored = Signal(object)
    notice = Signal(str)
    failed = Signal(str)
    busy_changed = Signal()

    def __init__(
        self,
        services: RosterServices,
        tasks: TaskRunner,
        selected: Callable[[], RosterEntry | None],
        cohort: Callable[[], CohortRow | None],
        host: QWidget,
    ) -> None:
        super().__init__(host)
        self._services = services
        self._tasks = tasks
        self._selected = selected
        self._cohort = cohort
        self._host = host
        self._pending = 0
        self.dialog: QDialog | None = None
        self.undo_stack = QUndoStack(self)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def clear(self) -> None:
        """Close the dialog and forget the undo history (another cohort is shown)."""
        if self.dialog is not None:
            self.dialog.reject()
        self.undo_stack.clear()

    # -- dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.reject()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Bound slots only: a lambda on a dialog's own signal keeps its wrapper alive past
        # the C++ object, and PySide crashes when it is finally destroyed.
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None  # a new dialog rejects the old one before it is set

    @Slot()
    def add_person(self) -> QDialog | None:
        from views.roster.roster_person_dialog import AddPersonDialog

        cohort = self._cohort()
        if cohort is None or cohort.status is not CohortStatus.ACTIVE:
            return None
        dialog = AddPersonDialog(self._services, self._tasks, cohort, self._host.window())
        dialog.enrolled.connect(self._on_enrolled)
        return self._open(dialog)

    def _on_enrolled(self, result: EnrollResult) -> None:
        row = result.enrollment
        where = "on the waitlist" if row.status is EnrollmentStatus.WAITLIST else "enrolled"
        warning = f" {result.capacity_warning}" if result.capacity_warning else ""
        self.notice.emit(f"{row.participant_name} is {where}.{warning}")
        self.stored.emit(row.participant_id)

    @Slot()
    def edit_selected(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        participants = self._services.participants
        self._tasks.submit(
            lambda: participants.get(entry.participant_id),
            on_success=self._open_edit,
            on_failure=self._on_read_failed,
            owner=self,
            name="read person",
        )

    def _on_read_failed(self, error: Exception) -> None:
        self.failed.emit(user_message(error))

    def _open_edit(self, row: ParticipantRow) -> None:
        from views.roster.roster_person_dialog import EditPersonDialog

        dialog = EditPersonDialog(self._services, self._tasks, row, self._host.window())
        dialog.edited.connect(self._on_edited)
        self._open(dialog)

    def _on_edited(self, before: ParticipantRow, after: ParticipantRow) -> None:
        self.undo_stack.push(edit_command(self._services, self.run_change, before, after))
        self.notice.emit(f"Saved {after.display_name}.")
        self.stored.emit(after.id)

    @Slot()
    def move_selected(self) -> None:
        from views.roster.roster_stay_dialogs import MoveDialog

        entry, cohort = self._selected(), self._cohort()
        if entry is None or cohort is None or not entry.is_current:
            return
        dialog = MoveDialog(self._services, self._tasks, cohort, entry, self._host.window())
        dialog.moved.connect(self._on_moved)
        self._open(dialog)

    def _on_moved(self, entry: RosterEntry, result: TransferResult) -> None:
        command = transfer_command(self._services, self.run_change, entry, result)
        self.undo_stack.push(command)
        warning = f" {result.capacity_warning}" if result.capacity_warning else ""
        name = entry.row.display_name
        self.notice.emit(f"{name} moved to another cohort (a transfer). Ctrl+Z undoes it.{warning}")
        self.stored.emit(None)

    @Slot()
    def end_selected(self) -> None:
        from views.roster.roster_stay_dialogs import EndStayDialog

        entry, cohort = self._selected(), self._cohort()
        if entry is None or cohort is None or not entry.is_current:
            return
        dialog = EndStayDialog(self._services, self._tasks, cohort, entry, self._host.window())
        dialog.ended.connect(self._on_ended)
        self._open(dialog)

    def _on_ended(
        self, entry: RosterEntry, status: EnrollmentStatus, reason: str, day: dt.date
    ) -> None:
        command = end_command(self._services, self.run_change, entry, status, reason, day)
        self.undo_stack.push(command)
        self.notice.emit(f"Done: {command.text()}. Ctrl+Z undoes it.")
        self.stored.emit(None)

    # -- quick changes --------------------------------------------------------------------

    @Slot()
    def toggle_waitlist(self) -> None:
        """Put the selected member on the waitlist, or move them from it into the group."""
        entry = self._selected()
        if entry is None or not entry.is_current or self.busy:
            return
        services, row, cohort = self._services, entry.row, self._cohort()
        if cohort is None:
            return
        today = cohort_today(cohort.timezone, services.context.now())
        command = waitlist_command(services, self.run_change, entry, today)
        enrollments = services.enrollments
        work: Work
        if row.status is EnrollmentStatus.WAITLIST:
            work = lambda: enrollments.activate(row.enrollment_id)  # noqa: E731
        else:
            work = lambda: enrollments.waitlist(row.enrollment_id)  # noqa: E731

        def done(_result: object) -> None:
            self._finish()
            self.undo_stack.push(command)
            self.notice.emit(f"Done: {command.text()}.")
            self.stored.emit(row.participant_id)

        self._start()
        self._tasks.submit(work, on_success=done, on_failure=self._on_change_failed, owner=self)

    def run_change(self, work: Work, done_text: str) -> None:
        """Run an undo or a redo on the task runner (the commands' runner), then reload."""

        def done(_result: object) -> None:
            self._finish()
            self.notice.emit(done_text[0].upper() + done_text[1:] + ".")
            self.stored.emit(None)

        self._start()
        self._tasks.submit(work, on_success=done, on_failure=self._on_change_failed, owner=self)

    def _on_change_failed(self, error: Exception) -> None:
        self._finish()
        self.undo_stack.clear()  # the records moved on; the history no longer matches them
        self.failed.emit(f"That could not be done: {user_message(error)}")
        self.stored.emit(None)

    def _start(self) -> None:
        self._pending += 1
        self.busy_changed.emit()

    def _finish(self) -> None:
        self._pending -= 1
        self.busy_changed.emit()

    @Slot()
    def undo(self) -> None:
        if not self.busy and self.undo_stack.canUndo():
            self.undo_stack.undo()

    @Slot()
    def redo(self) -> None:
        if not self.busy and self.undo_stack.canRedo():
            self.undo_stack.redo()

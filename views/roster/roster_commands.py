"""The roster's undoable changes: edits, waitlist ↔ active, ending a stay, and transfers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from app.services.participants import ParticipantDraft, ParticipantRow
from models import EnrollmentStatus
from views.roster.roster_table_model import RosterEntry

if TYPE_CHECKING:
    from app.services.enrollments import TransferResult
    from views.roster.roster_services import RosterServices

Work = Callable[[], object]
Runner = Callable[[Work, str], None]
"""Runs a unit of work on the task runner and then reloads the roster; the text says what."""


class DoneCommand(QUndoCommand):
    """A change that was already stored when it was pushed: the first ``redo`` does nothing.

    Undo and a later redo hand their work to ``run`` (the task runner), so they never block
    the GUI thread; a refusal (someone changed the record meanwhile) is reported by the page.
    """

    def __init__(self, text: str, run: Runner, do: Work, undo: Work) -> None:
        super().__init__(text)
        self._run = run
        self._do = do
        self._undo = undo
        self._stored = True

    def redo(self) -> None:
        if self._stored:
            self._stored = False
            return
        self._run(self._do, f"Redone: {self.text()}")

    def undo(self) -> None:
        self._run(self._undo, f"Undone: {self.text()}")


def _draft(row: ParticipantRow) -> ParticipantDraft:
    return ParticipantDraft(row.display_name, row.pronouns, row.recovery_start)


def edit_command(
    services: RosterServices, run: Runner, before: ParticipantRow, after: ParticipantRow
) -> DoneCommand:
    participants = services.participants
    return DoneCommand(
        f"edit {before.display_name}",
        run,
        lambda: participants.update(after.id, _draft(after)),
        lambda: participants.update(before.id, _draft(before)),
    )


def waitlist_command(
    services: RosterServices, run: Runner, entry: RosterEntry, new_start: dt.date
) -> DoneCommand:
    """Undoes a move between the waitlist and the group, restoring the old start date."""
    enrollments, row = services.enrollments, entry.row
    old_start = row.start_date
    if row.status is EnrollmentStatus.WAITLIST:  # it was activated
        return DoneCommand(
            f"move {row.display_name} into the group",
            run,
            lambda: enrollments.activate(row.enrollment_id, on=new_start),
            lambda: enrollments.waitlist(row.enrollment_id, on=old_start),
        )
    return DoneCommand(
        f"put {row.display_name} on the waitlist",
        run,
        lambda: enrollments.waitlist(row.enrollment_id, on=new_start),
        lambda: enrollments.activate(row.enrollment_id, on=old_start),
    )


def end_command(
    services: RosterServices,
    run: Runner,
    entry: RosterEntry,
    status: EnrollmentStatus,
    reason: str,
    day: dt.date,
) -> DoneCommand:
    enrollments, row = services.enrollments, entry.row
    verb = {
        EnrollmentStatus.GRADUATED: "graduate",
        EnrollmentStatus.DISCHARGED: "discharge",
        EnrollmentStatus.WITHDREW: "record the withdrawal of",
    }[status]
    return DoneCommand(
        f"{verb} {row.display_name}",
        run,
        lambda: enrollments.end(row.enrollment_id, status, reason=reason, on=day),
        lambda: enrollments.reopen(row.enrollment_id, row.status),
    )


def transfer_command(
    services: RosterServices, run: Runner, entry: RosterEntry, result: TransferResult
) -> DoneCommand:
    """Undoes a transfer (``undo_transfer``); a redo transfers them again, to the same cohort
    on the same day, and the next undo takes back that new stay."""
    enrollments, row = services.enrollments, entry.row
    target, day = result.enrollment.cohort_id, result.enrollment.start_date
    started = [result.enrollment.id]

    def again() -> TransferResult:
        moved = enrollments.transfer(row.enrollment_id, target, on=day)
        started[0] = moved.enrollment.id
        return moved

    return DoneCommand(
        f"transfer {row.display_name}",
        run,
        again,
        lambda: enrollments.undo_transfer(row.enrollment_id, started[0]),
    )

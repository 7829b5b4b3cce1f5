"""Confirmations before someone leaves a roster: moving to another cohort, or ending a stay."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from app.services.figures.today import cohort_today
from app.tasks import TaskRunner
from models import CohortStatus, EnrollmentStatus
from views.roster.roster_dialog_base import RosterDialog, date_edit
from views.roster.roster_table_model import RosterEntry

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from views.roster.roster_services import RosterServices

KEPT = "Nothing is deleted: their attendance, check-ins and goals stay in the vault."
ENDINGS = (
    (EnrollmentStatus.GRADUATED, "&Graduated", "Graduate"),
    (EnrollmentStatus.DISCHARGED, "&Discharged", "Discharge"),
    (EnrollmentStatus.WITHDREW, "&Withdrew", "Record that {name} withdrew"),
)


def qdate_value(edit: QWidget) -> dt.date:
    day = edit.date()  # type: ignore[attr-defined]
    return dt.date(day.year(), day.month(), day.day())


class EndStayDialog(RosterDialog):
    """Graduate, discharge (a reason is required) or record a withdrawal: the confirmation.

    ``ended(entry, status, reason, day)`` is emitted when the service has stored it.
    """

    ended = Signal(object, object, str, object)

    def __init__(
        self,
        services: RosterServices,
        tasks: TaskRunner,
        cohort: CohortRow,
        entry: RosterEntry,
        parent: QWidget | None,
    ) -> None:
        name = entry.row.display_name
        super().__init__(
            tasks,
            "End a stay",
            f"{name} leaves {cohort.name}",
            f"{name} will no longer be on this roster. {KEPT} You can undo this.",
            "Graduate",
            parent,
        )
        self.setObjectName("endStayDialog")
        self._services = services
        self._entry = entry
        self.choice = QButtonGroup(self)
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.outcomes: dict[EnrollmentStatus, QRadioButton] = {}
        for status, label, _verb in ENDINGS:
            button = QRadioButton(label, row)
            self.choice.addButton(button)
            layout.addWidget(button)
            self.outcomes[status] = button
            button.toggled.connect(self._update)
        layout.addStretch(1)
        self.add_row("How it &ended:", "status", row, "How the stay ended")
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.reason_label = self.add_row("&Reason:", "reason", self.reason, "Reason")
        self.end_date = date_edit(self, cohort_today(cohort.timezone, services.context.now()))
        self.add_row("&Last day:", "end_date", self.end_date, "Last day")
        self.outcomes[EnrollmentStatus.GRADUATED].setChecked(True)
        self.outcomes[EnrollmentStatus.GRADUATED].setFocus()

    @property
    def status(self) -> EnrollmentStatus:
        for status, button in self.outcomes.items():
            if button.isChecked():
                return status
        return EnrollmentStatus.GRADUATED

    def _update(self) -> None:
        name = self._entry.row.display_name
        verb = next(v for s, _label, v in ENDINGS if s is self.status)
        self.set_accept_text(verb.format(name=name) if "{" in verb else f"{verb} {name}")
        required = self.status is EnrollmentStatus.DISCHARGED
        self.reason_label.setText("&Reason (required):" if required else "&Reason:")
        self.reason.setPlaceholderText(
            "Why they were discharged; seen by clinicians only"
            if required
            else "Optional; seen by clinicians only"
        )

    def _on_accept_pressed(self) -> None:
        enrollments, entry = self._services.enrollments, self._entry
        status, reason, day = self.status, self.reason.toPlainText(), qdate_value(self.end_date)
        self.submit(
            lambda: enrollments.end(entry.row.enrollment_id, status, reason=reason, on=day),
            lambda _row: self.ended.emit(entry, status, reason, day),
        )


class MoveDialog(RosterDialog):
    """Transfers someone to another active cohort on a date: the confirmation.

    ``moved(entry, TransferResult)`` is emitted once stored (the stay here ended as a
    transfer, the one there begun, and the target's capacity warning).
    """

    moved = Signal(object, object)

    def __init__(
        self,
        services: RosterServices,
        tasks: TaskRunner,
        cohort: CohortRow,
        entry: RosterEntry,
        parent: QWidget | None,
    ) -> None:
        name = entry.row.display_name
        super().__init__(
            tasks,
            "Move to another cohort",
            f"Move {name} to another cohort",
            f"{name} leaves {cohort.name} and joins the cohort you choose. {KEPT}",
            f"Move {name}",
            parent,
        )
        self.setObjectName("moveDialog")
        self._services = services
        self._cohort = cohort
        self._entry = entry
        self.target = QComboBox(self)
        self.target.setPlaceholderText("Loading cohorts…")
        self.add_row("&To:", "cohort", self.target, "Move to cohort")
        self.move_date = date_edit(self, cohort_today(cohort.timezone, services.context.now()))
        self.add_row("&On:", "end_date", self.move_date, "Move date")
        self.accept_button.setEnabled(False)
        cohorts = services.cohorts
        tasks.submit(
            lambda: cohorts.list(include_finished=False),
            on_success=self._show_targets,
            on_failure=self.show_refusal,
            owner=self,
            name="list cohorts",
        )
        self.target.setFocus()

    def _show_targets(self, rows: list[CohortRow]) -> None:
        targets = [r for r in rows if r.id != self._cohort.id and r.status is CohortStatus.ACTIVE]
        for row in targets:
            seats = f"{row.active_members} of {row.capacity} seats"
            self.target.addItem(f"{row.name} ({seats})", row)
        if targets:
            self.target.setCurrentIndex(0)
            self.accept_button.setEnabled(True)
        else:
            self.target.setPlaceholderText("No other active cohort")

    def _on_accept_pressed(self) -> None:
        target: CohortRow | None = self.target.currentData()
        if target is None:
            return
        enrollments, entry, day = self._services.enrollments, self._entry, None
        day = qdate_value(self.move_date)
        self.submit(
            lambda: enrollments.transfer(entry.row.enrollment_id, target.id, on=day),
            lambda result: self.moved.emit(entry, result),
        )

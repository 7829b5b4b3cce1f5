"""The roster's header: the cohort's seats and schedule, messages, filters and action buttons."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import CohortStatus, EnrollmentStatus
from views.field_message import FieldMessage
from views.heading import heading_label, note_label
from views.roster.roster_changes import RosterChanges
from views.roster.roster_table_model import RosterEntry
from views.shell.desk_page import minimum_hours, schedule_text

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow

CURRENT = frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST})
SHOW_CHOICES: tuple[tuple[str, frozenset[EnrollmentStatus]], ...] = (
    ("Current members", CURRENT),
    ("Active", frozenset({EnrollmentStatus.ACTIVE})),
    ("Waitlist", frozenset({EnrollmentStatus.WAITLIST})),
    ("Graduated", frozenset({EnrollmentStatus.GRADUATED})),
    ("Discharged", frozenset({EnrollmentStatus.DISCHARGED})),
    ("Withdrew", frozenset({EnrollmentStatus.WITHDREW})),
    ("Transferred", frozenset({EnrollmentStatus.TRANSFERRED})),
    ("Everyone, past and present", frozenset(EnrollmentStatus)),
)


def summary_text(cohort: CohortRow, waiting: int) -> str:
    parts = [f"{cohort.active_members} of {cohort.capacity} seats taken"]
    if waiting:
        parts.append(f"{waiting} on the waitlist")
    parts.append(schedule_text(cohort))
    parts.append(f"{minimum_hours(cohort)} weekly IOP minimum")
    if cohort.status is not CohortStatus.ACTIVE:
        parts.insert(0, f"{cohort.status.value.capitalize()}: takes no one new")
    return " · ".join(parts)


class RosterControls(QWidget):
    """Two rows above the table: the cohort and its seats with the actions on the person
    selected; then the filter, the status choice, "Open profile", Undo and Redo.

    Buttons call ``changes`` (or ``open_profile``); ``update_actions`` enables them for the
    selection. Messages: ``notice`` (what happened), ``error`` and ``capacity_warning``.
    """

    def __init__(
        self, changes: RosterChanges, open_profile: Callable[[], None], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.heading = heading_label("", self)
        self.heading.setObjectName("rosterHeading")
        self.summary = note_label("", self)
        self.summary.setObjectName("rosterSummary")
        self.capacity_warning = FieldMessage(None, self)
        self.capacity_warning.setObjectName("capacityWarning")
        self.notice = QLabel(self)
        self.notice.setObjectName("rosterNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = FieldMessage(None, self)
        self.error.setObjectName("rosterError")
        self.filter = QLineEdit(self)
        self.filter.setAccessibleName("Filter by name or pronouns")
        self.filter.setPlaceholderText("Name or pronouns")
        self.filter.setClearButtonEnabled(True)
        self.filter_label = QLabel("Fi&lter:", self)
        self.filter_label.setBuddy(self.filter)
        self.show_choice = QComboBox(self)
        self.show_choice.setAccessibleName("Show")
        for text, statuses in SHOW_CHOICES:
            self.show_choice.addItem(text, statuses)
        self.show_label = QLabel("&Show:", self)
        self.show_label.setBuddy(self.show_choice)

        tips = {
            "add": "Enroll a new person, or someone already in the vault",
            "edit": "Edit name, pronouns and recovery date (F2)",
            "end": "Graduate, discharge or record a withdrawal",
        }
        self.add_button = self._button("&Add person…", tips["add"], changes.add_person)
        self.edit_button = self._button("&Edit…", tips["edit"], changes.edit_selected)
        self.move_button = self._button("&Move…", "Move to another cohort", changes.move_selected)
        self.waitlist_button = self._button("Put on &waitlist", "", changes.toggle_waitlist)
        self.end_button = self._button("E&nd stay…", tips["end"], changes.end_selected)
        self.open_button = self._button("&Open profile", "Open their profile (Enter)", open_profile)
        self.undo_button = self._button("&Undo", "Nothing to undo", changes.undo)
        self.redo_button = self._button("&Redo", "Nothing to redo", changes.redo)
        self._lay_out()

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        titles.addWidget(self.capacity_warning)
        top = QHBoxLayout()
        top.addLayout(titles, 1)
        for button in (self.add_button, self.edit_button, self.move_button):
            top.addWidget(button)
        top.addWidget(self.waitlist_button)
        top.addWidget(self.end_button)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_label)
        filters.addWidget(self.filter, 2)
        filters.addWidget(self.show_label)
        filters.addWidget(self.show_choice, 1)
        filters.addStretch(1)
        filters.addWidget(self.open_button)
        filters.addSpacing(12)
        filters.addWidget(self.undo_button)
        filters.addWidget(self.redo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        order: list[QWidget] = [self.add_button, self.edit_button, self.move_button]
        order += [self.waitlist_button, self.end_button, self.filter, self.show_choice]
        order += [self.open_button, self.undo_button, self.redo_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    @property
    def last_in_tab_order(self) -> QWidget:
        return self.redo_button

    def show_cohort(self, cohort: CohortRow, waiting: int) -> None:
        self.heading.setText(cohort.name)
        self.summary.setText(summary_text(cohort, waiting))
        if cohort.active_members > cohort.capacity:
            self.capacity_warning.show_message(
                f"Over capacity: {cohort.active_members} active members for {cohort.capacity} "
                "seats. Consider the waitlist or moving someone to another cohort."
            )
        else:
            self.capacity_warning.clear_message()

    def show_notice(self, text: str) -> None:
        self.error.clear_message()
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.notice.hide()
        self.error.show_message(text)

    def update_actions(
        self, entry: RosterEntry | None, cohort: CohortRow | None, busy: bool, stack: QUndoStack
    ) -> None:
        """Enable what can be done to ``entry`` in ``cohort`` now."""
        open_cohort = cohort is not None and cohort.status is CohortStatus.ACTIVE
        current = entry is not None and entry.is_current and not busy
        self.add_button.setEnabled(open_cohort)
        self.edit_button.setEnabled(entry is not None)
        self.open_button.setEnabled(entry is not None)
        self.move_button.setEnabled(current)
        self.end_button.setEnabled(current)
        waiting = entry is not None and entry.row.status is EnrollmentStatus.WAITLIST
        self.waitlist_button.setText("Ac&tivate" if waiting else "Put on &waitlist")
        self.waitlist_button.setAccessibleName("Activate" if waiting else "Put on waitlist")
        self.waitlist_button.setToolTip(
            "Move them from the waitlist into the group" if waiting else "Hold their seat for later"
        )
        self.waitlist_button.setEnabled(current and open_cohort)
        self.undo_button.setEnabled(stack.canUndo() and not busy)
        self.redo_button.setEnabled(stack.canRedo() and not busy)
        self.undo_button.setToolTip(
            f"Undo {stack.undoText()} (Ctrl+Z)" if stack.canUndo() else "Nothing to undo"
        )
        self.redo_button.setToolTip(
            f"Redo {stack.redoText()} (Ctrl+Shift+Z)" if stack.canRedo() else "Nothing to redo"
        )

"""Adding someone to a cohort (a new person, or someone already in the vault), or editing them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QWidget,
)

from app.services.errors import InvalidInput
from app.services.figures.today import cohort_today
from app.services.participants import ParticipantDraft, ParticipantRow
from app.tasks import TaskRunner
from views.roles import ROW_ROLE
from views.roster.roster_dialog_base import RosterDialog, date_edit

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from views.roster.roster_services import RosterServices

PRONOUNS = ("", "she/her", "he/him", "they/them", "she/they", "he/they")
NO_DATE = QDate(1900, 1, 1)  # the recovery date field's "not given"
SEARCH_DELAY_MS = 200


def seats_text(cohort: CohortRow) -> str:
    taken, capacity = cohort.active_members, cohort.capacity
    if taken >= capacity:
        return (
            f"{cohort.name} is full ({taken} of {capacity} seats taken). Enrolling takes it past "
            "its capacity; you can put the person on the waitlist instead."
        )
    return f"{taken} of {capacity} seats in {cohort.name} are taken."


class PersonFields:
    """Name, pronouns and recovery start date: the fields a person is known by."""

    def __init__(self, dialog: RosterDialog, row: ParticipantRow | None) -> None:
        self.name = QLineEdit(dialog)
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("A first name and initial, or an alias")
        self.pronouns = QComboBox(dialog)
        self.pronouns.setEditable(True)
        self.pronouns.addItems(PRONOUNS)
        self.recovery = QDateEdit(dialog)
        self.recovery.setCalendarPopup(True)
        self.recovery.setDisplayFormat("d MMM yyyy")
        self.recovery.setMinimumDate(NO_DATE)
        self.recovery.setSpecialValueText("Not given")
        self.recovery.setDate(NO_DATE)
        if row is not None:
            self.name.setText(row.display_name)
            self.pronouns.setCurrentText(row.pronouns)
            if row.recovery_start is not None:
                start = row.recovery_start
                self.recovery.setDate(QDate(start.year, start.month, start.day))
        self.labels = [
            dialog.add_row("&Name:", "display_name", self.name, "Name or alias"),
            dialog.add_row("&Pronouns:", "pronouns", self.pronouns, "Pronouns"),
            dialog.add_row(
                "In &recovery since:", "recovery_start", self.recovery, "In recovery since"
            ),
        ]

    def draft(self) -> ParticipantDraft:
        date = self.recovery.date()
        recovery = None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())
        return ParticipantDraft(self.name.text(), self.pronouns.currentText(), recovery)


class EditPersonDialog(RosterDialog):
    """Edits someone's name, pronouns and recovery date; ``edited(before, after)`` on success."""

    edited = Signal(object, object)  # ParticipantRow before, ParticipantRow after

    def __init__(
        self,
        services: RosterServices,
        tasks: TaskRunner,
        row: ParticipantRow,
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            tasks,
            "Edit person",
            f"Edit {row.display_name}",
            "Only what the group knows them by. Notes for clinicians are on their profile.",
            "&Save",
            parent,
        )
        self.setObjectName("editPersonDialog")
        self._services = services
        self._before = row
        self.person = PersonFields(self, row)
        self.person.name.setFocus()
        self.person.name.selectAll()

    def _on_accept_pressed(self) -> None:
        participants, person_id = self._services.participants, self._before.id
        draft = self.person.draft()
        self.submit(
            lambda: participants.update(person_id, draft),
            lambda after: self.edited.emit(self._before, after),
        )


class AddPersonDialog(RosterDialog):
    """Enrolls a new person, or someone already in the vault, in ``cohort``.

    ``enrolled(EnrollResult)`` is emitted once the person and their enrollment are stored (one
    unit of work, so a refusal leaves no one behind); the result carries the capacity
    warning, if any. The seat count is shown before anything is stored.
    """

    enrolled = Signal(object)

    def __init__(
        self,
        services: RosterServices,
        tasks: TaskRunner,
        cohort: CohortRow,
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            tasks,
            "Add a person",
            f"Add a person to {cohort.name}",
            seats_text(cohort),
            "&Enroll",
            parent,
        )
        self.setObjectName("addPersonDialog")
        self._services = services
        self._cohort = cohort
        self.is_new = QRadioButton("A &new person", self)
        self.is_existing = QRadioButton("Someone already in the &vault", self)
        self.is_new.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.is_new)
        self.choice.addButton(self.is_existing)
        choice_row = QWidget(self)
        choice_layout = QHBoxLayout(choice_row)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.is_new)
        choice_layout.addWidget(self.is_existing)
        choice_layout.addStretch(1)
        self.form.addRow(choice_row)

        self.person = PersonFields(self, None)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type part of a name")
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget(self)
        self.matches.setMaximumHeight(120)
        self.matches.setAccessibleName("People found")
        self.add_row("&Find:", "search", self.search, "Find someone by name")
        self.add_row("", "participant", self.matches, "People found")

        today = cohort_today(cohort.timezone, services.context.now())
        self.start_date = date_edit(self, today)
        self.add_row("&Starts on:", "start_date", self.start_date, "Start date")
        self.waitlist = QCheckBox("Put them on the &waitlist", self)
        self.waitlist.setChecked(cohort.active_members >= cohort.capacity)
        self.add_row("", "status", self.waitlist, "Put them on the waitlist")

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(self._on_search_edited)
        self.is_new.toggled.connect(self._show_mode)
        self.waitlist.toggled.connect(self._update_accept_text)
        self._show_mode()
        self._update_accept_text()
        self.person.name.setFocus()

    @property
    def new_person_mode(self) -> bool:
        return self.is_new.isChecked()

    def _show_mode(self) -> None:
        new = self.new_person_mode
        for key in ("display_name", "pronouns", "recovery_start", "search", "participant"):
            cell = self.fields[key].parentWidget()
            assert cell is not None  # add_row put each field in a cell of its own
            self.form.setRowVisible(cell, new == (key not in ("search", "participant")))
        self.clear_messages()
        (self.person.name if new else self.search).setFocus()

    def _update_accept_text(self) -> None:
        self.set_accept_text("Add to the &waitlist" if self.waitlist.isChecked() else "&Enroll")

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()  # one search once typing pauses, not one per key

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.matches.clear()
            return
        participants = self._services.participants
        self._tasks.submit(
            lambda: participants.search(text),
            on_success=self._show_matches,
            on_failure=self.show_refusal,
            key=f"person-search-{id(self)}",
            owner=self,
        )

    def _show_matches(self, rows: list[ParticipantRow]) -> None:
        self.matches.clear()
        for row in rows:
            label = f"{row.display_name} ({row.pronouns})" if row.pronouns else row.display_name
            item = QListWidgetItem(label, self.matches)
            item.setData(ROW_ROLE, row)
        if rows:
            self.matches.setCurrentRow(0)

    def _on_accept_pressed(self) -> None:
        services, cohort_id = self._services, self._cohort.id
        day = self.start_date.date()
        start = dt.date(day.year(), day.month(), day.day())
        waitlist = self.waitlist.isChecked()
        if self.new_person_mode:
            draft = self.person.draft()
            self.submit(
                lambda: services.enrollments.enroll_new(
                    draft, cohort_id, start_date=start, waitlist=waitlist
                ),
                self.enrolled.emit,
            )
            return
        item = self.matches.currentItem()
        if item is None:
            self.show_refusal(InvalidInput("participant", "Find and choose someone first."))
            return
        person: ParticipantRow = item.data(ROW_ROLE)
        self.submit(
            lambda: services.enrollments.enroll(
                person.id, cohort_id, start_date=start, waitlist=waitlist
            ),
            self.enrolled.emit,
        )

    def show_refusal(self, error: Exception) -> None:
        if isinstance(error, InvalidInput) and error.field == "cohort":
            # "Already in this cohort" is about whom they chose; anything else is general.
            if not self.new_person_mode:
                error = InvalidInput("participant", error.message)
            else:
                self.accept_button.setEnabled(True)
                self.general_message.show_message(error.message)
                return
        super().show_refusal(error)

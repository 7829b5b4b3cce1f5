"""The check-in log's filter bar: cohort, person, dates, sharing and words, as one query."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.checkin_log.service import CheckInLogQuery
from app.services.enrollments import EnrollmentRow
from models import ShareScope

ALL_COHORTS = "all"
NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "Any"
TYPING_PAUSE_MS = 300  # search once typing pauses, not at every keystroke
SCOPES = (
    ("Any", None),
    ("Shared with the group", ShareScope.GROUP),
    ("Clinician only", ShareScope.CLINICIAN),
)


@dataclass(frozen=True, slots=True)
class CohortChoice:
    id: uuid.UUID
    name: str
    has_cravings: bool


class AnyDateEdit(QDateEdit):
    """A date edit whose minimum reads "Any" and whose Tab always moves on.

    While its special text shows, Qt's QDateEdit keeps Tab inside (it tries to step to the
    next date section and finds none): a keyboard trap. Tab leaves it then, as anywhere else.
    """

    def focusNextPrevChild(self, next: bool) -> bool:
        if self.date() == self.minimumDate():
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)


class CheckInLogFilters(QWidget):
    """Filter controls over the log; ``changed`` fires whenever the filters they make change.

    The cohort defaults to the window's cohort (``set_cohort``) with "All cohorts" beside
    it; the person list holds the chosen cohort's members (``set_people``). Text waits for
    a pause in typing. ``query(template)`` applies the filters to a query keeping its order.
    """

    changed = Signal()
    cohort_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkinFilters")
        self._cohort: CohortChoice | None = None
        self.cohort = QComboBox(self)
        self.cohort.setAccessibleName("Show check-ins of")
        self.cohort.setMinimumContentsLength(22)
        self.cohort.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person = QComboBox(self)
        self.person.setAccessibleName("Participant")
        self.person.setMinimumContentsLength(12)
        self.person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person.addItem("Everyone", None)
        self.first_day = self._date_edit("From date (Any when not set)")
        self.last_day = self._date_edit("To date (Any when not set)")
        self.scope = QComboBox(self)
        self.scope.setAccessibleName("Shared with")
        for label, value in SCOPES:
            self.scope.addItem(label, value)
        self.search = QLineEdit(self)
        self.search.setAccessibleName("Search feelings, wins and challenges")
        self.search.setPlaceholderText("Search words…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.search.setMinimumWidth(140)
        self.clear_button = QPushButton("Clear filters", self)
        self.clear_button.setAccessibleName("Clear filters")
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)

        first_row, second_row = QHBoxLayout(), QHBoxLayout()
        rows = (
            (first_row, "C&ohort:", self.cohort),
            (first_row, "P&erson:", self.person),
            (first_row, "Shar&ing:", self.scope),
            (second_row, "Fro&m:", self.first_day),
            (second_row, "&To:", self.last_day),
        )
        for row, text, widget in rows:
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
        first_row.addStretch(1)
        second_row.addWidget(self.search, 1)
        second_row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first_row)
        layout.addLayout(second_row)

        self.cohort.currentIndexChanged.connect(self._on_cohort_changed)
        for combo in (self.person, self.scope):
            combo.currentIndexChanged.connect(self.changed)
        for edit in (self.first_day, self.last_day):
            edit.dateChanged.connect(self.changed)
        self.search.textChanged.connect(self._typing.start)
        self._typing.timeout.connect(self.changed)
        self.clear_button.clicked.connect(self.clear)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = AnyDateEdit(self)
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("Any")
        edit.setDate(NO_DATE)
        return edit

    def focus_chain(self) -> list[QWidget]:
        return [
            self.cohort, self.person, self.first_day, self.last_day, self.scope, self.search,
            self.clear_button,
        ]  # fmt: skip

    # -- what the window and the vault say -----------------------------------------------------

    def set_cohort(self, cohort: CohortChoice | None) -> None:
        """The window's cohort is the default; "All cohorts" stays one choice away."""
        self._cohort = cohort
        self.cohort.blockSignals(True)
        self.cohort.clear()
        if cohort is not None:
            self.cohort.addItem(cohort.name, cohort.id)
        self.cohort.addItem("All cohorts", ALL_COHORTS)
        self.cohort.setCurrentIndex(0)
        self.cohort.blockSignals(False)
        self.set_people([])

    def set_people(self, members: list[EnrollmentRow]) -> None:
        """The chosen cohort's members, by name; the chosen person stays chosen if listed."""
        wanted = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Everyone", None)
        seen: set[uuid.UUID] = set()
        for member in sorted(members, key=lambda m: m.participant_name.casefold()):
            if member.participant_id not in seen:
                seen.add(member.participant_id)
                self.person.addItem(member.participant_name, member.participant_id)
        self.person.setCurrentIndex(max(0, index_of(self.person, wanted)))
        self.person.blockSignals(False)

    @property
    def chosen_cohort(self) -> CohortChoice | None:
        """The one cohort shown, or None for all of them."""
        return self._cohort if self.cohort.currentData() != ALL_COHORTS else None

    def _on_cohort_changed(self, _index: int) -> None:
        self.cohort_changed.emit()
        self.changed.emit()

    # -- the query -------------------------------------------------------------------------

    def query(self, template: CheckInLogQuery) -> CheckInLogQuery:
        cohort = self.chosen_cohort
        person = self.person.currentData()
        return CheckInLogQuery(
            cohort_id=cohort.id if cohort is not None else None,
            participant_id=person if isinstance(person, uuid.UUID) else None,
            first_day=_day(self.first_day),
            last_day=_day(self.last_day),
            share_scope=self.scope.currentData(),
            text=self.search.text().strip(),
            sort=template.sort,
            descending=template.descending,
        )

    @property
    def active(self) -> bool:
        """Whether anything narrows the log beyond the cohort."""
        probe = self.query(CheckInLogQuery())
        return bool(
            probe.participant_id or probe.first_day or probe.last_day or probe.share_scope
            or probe.text
        )  # fmt: skip

    def clear(self) -> None:
        """Everyone, any date, any sharing, no words (the cohort stays as chosen)."""
        widgets = (self.person, self.scope, self.first_day, self.last_day, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        self.person.setCurrentIndex(0)
        self.scope.setCurrentIndex(0)
        self.first_day.setDate(NO_DATE)
        self.last_day.setDate(NO_DATE)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._typing.stop()
        self.changed.emit()


def index_of(combo: QComboBox, value: object) -> int:
    """The item whose data equals ``value`` (QComboBox.findData compares UUIDs by identity)."""
    if value is None:
        return -1
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def _day(edit: QDateEdit) -> dt.date | None:
    date = edit.date()
    if date == NO_DATE:
        return None
    return dt.date(date.year(), date.month(), date.day())

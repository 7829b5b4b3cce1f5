"""The new-cohort dialog: a small form over ``CohortService.create`` with messages per field."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo

from PySide6.QtCore import Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.cohorts import MAX_CAPACITY, CohortDraft, CohortRow, CohortService
from app.services.errors import InvalidInput
from app.tasks import TaskRunner
from models import AgeGroup, CohortType, LevelOfCare, Track
from views.errors import user_message
from views.field_message import FieldMessage, add_field_row

TRACKS = (
    ("Mental health", Track.MENTAL_HEALTH),
    ("Substance use", Track.SUBSTANCE_USE),
    ("Dual diagnosis", Track.DUAL_DIAGNOSIS),
)
LEVELS = (
    ("Intensive outpatient (IOP)", LevelOfCare.IOP),
    ("Partial hospitalization (PHP)", LevelOfCare.PHP),
)
TYPES = (
    ("Open: people join any week", CohortType.ROLLING),
    ("Closed: everyone starts and ends together", CohortType.CLOSED),
)
AGE_GROUPS = (
    ("Adults (IOP minimum 9 hours a week)", AgeGroup.ADULT),
    ("Adolescents (IOP minimum 6 hours a week)", AgeGroup.ADOLESCENT),
)


def system_timezone() -> str:
    """The system's IANA zone name (e.g. America/Chicago), else UTC."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if name in zoneinfo.available_timezones() else "UTC"


class NewCohortDialog(QDialog):
    """Asks for a cohort's name, track, care level, type, capacity, schedule and time zone.

    Creating goes through the task runner; ``cohort_created(row)`` is emitted and the dialog
    accepted once the service has stored it. A refused value (``InvalidInput``) is shown
    beside the field it names, and that field gets the focus; nothing is stored.
    """

    cohort_created = Signal(object)

    def __init__(
        self, cohorts: CohortService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New cohort")
        self.setObjectName("newCohortDialog")
        self._cohorts = cohorts
        self._tasks = tasks
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        defaults = CohortDraft(name="")

        heading = QLabel("Create a cohort", self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            "A cohort is one group that meets on a weekly schedule. You can change all of "
            "this later.",
            self,
        )
        intro.setWordWrap(True)

        self.name = QLineEdit(self)
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("e.g. Tuesday Evening IOP")
        self.track = self._combo(TRACKS, defaults.track)
        self.level_of_care = self._combo(LEVELS, defaults.level_of_care)
        self.cohort_type = self._combo(TYPES, defaults.cohort_type)
        self.age_group = self._combo(AGE_GROUPS, defaults.age_group)
        self.capacity = QSpinBox(self)
        self.capacity.setRange(1, MAX_CAPACITY)
        self.capacity.setValue(defaults.capacity)
        self.capacity.setSuffix(" people")
        self.days = QWidget(self)
        days_layout = QHBoxLayout(self.days)
        days_layout.setContentsMargins(0, 0, 0, 0)
        self.day_boxes: list[QCheckBox] = []
        for number in range(1, 8):
            box = QCheckBox(calendar.day_abbr[number - 1], self.days)
            box.setAccessibleName(f"Meets on {calendar.day_name[number - 1]}")
            box.setChecked(number in defaults.meeting_days)
            days_layout.addWidget(box)
            self.day_boxes.append(box)
        days_layout.addStretch(1)
        self.start_time = QTimeEdit(self)
        self.start_time.setDisplayFormat("HH:mm")
        self.start_time.setTime(QTime(defaults.start_time.hour, defaults.start_time.minute))
        self.planned_minutes = QSpinBox(self)
        self.planned_minutes.setRange(15, 8 * 60)
        self.planned_minutes.setSingleStep(15)
        self.planned_minutes.setValue(defaults.planned_minutes)
        self.planned_minutes.setSuffix(" minutes")
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(sorted(zoneinfo.available_timezones()))
        self.timezone.setCurrentText(system_timezone())
        completer = self.timezone.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._add_row(form, "&Name:", "name", self.name, "Name")
        self._add_row(form, "&Track:", "track", self.track, "Track")
        self._add_row(form, "&Level of care:", "level_of_care", self.level_of_care, "Level of care")
        self._add_row(form, "T&ype:", "cohort_type", self.cohort_type, "Open or closed")
        self._add_row(form, "&Participants:", "age_group", self.age_group, "Participants")
        self._add_row(form, "&Capacity:", "capacity", self.capacity, "Capacity")
        self._add_row(form, "Meets on:", "meeting_days", self.days, "Meeting days")
        self._add_row(form, "&Starts at:", "start_time", self.start_time, "Start time")
        self._add_row(
            form, "Session &length:", "planned_minutes", self.planned_minutes, "Session length"
        )
        self._add_row(form, "Time &zone:", "timezone", self.timezone, "Time zone")
        self.fields["meeting_days"] = self.day_boxes[0]  # where the focus goes on an error

        self.general_message = FieldMessage(None, self)
        self.buttons = QDialogButtonBox(self)
        self.create_button = QPushButton("Create cohort", self)
        self.create_button.setAccessibleName("Create cohort")
        self.create_button.setDefault(True)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.name.setFocus()

    def _combo(self, choices: tuple[tuple[str, object], ...], current: object) -> QComboBox:
        combo = QComboBox(self)
        for label, value in choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(combo.findData(current))
        return combo

    def _add_row(
        self, form: QFormLayout, label_text: str, key: str, field: QWidget, name: str
    ) -> None:
        _label, _cell, message = add_field_row(form, label_text, field, key, name, self)
        self.fields[key] = field
        self.messages[key] = message

    def draft(self) -> CohortDraft:
        time = self.start_time.time()
        return CohortDraft(
            name=self.name.text(),
            track=self.track.currentData(),
            level_of_care=self.level_of_care.currentData(),
            cohort_type=self.cohort_type.currentData(),
            capacity=self.capacity.value(),
            meeting_days=tuple(n for n, box in enumerate(self.day_boxes, 1) if box.isChecked()),
            start_time=dt.time(time.hour(), time.minute()),
            planned_minutes=self.planned_minutes.value(),
            timezone=self.timezone.currentText().strip(),
            age_group=self.age_group.currentData(),
        )

    def _submit(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.general_message.clear_message()
        draft = self.draft()
        self.create_button.setEnabled(False)
        cohorts = self._cohorts
        self._tasks.submit(
            lambda: cohorts.create(draft),
            on_success=self._on_created,
            on_failure=self._on_refused,
            owner=self,
            name="create cohort",
        )

    def _on_created(self, row: CohortRow) -> None:
        self.cohort_created.emit(row)
        self.accept()

    def _on_refused(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        if isinstance(error, InvalidInput) and error.field in self.messages:
            self.messages[error.field].show_message(error.message)
            self.fields[error.field].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.general_message.show_message(user_message(error))

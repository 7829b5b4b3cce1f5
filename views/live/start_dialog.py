"""Starting a group: today's sessions (or a new one now), the order, the time per speaker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.round.view import RoundView
from app.services.sessions import SessionRow
from models import RoundKind, RoundOrder
from views.errors import user_message
from views.heading import heading_label, note_label
from views.roles import ROW_ROLE

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.round.service import RoundService
    from app.tasks import TaskRunner

DEFAULT_MINUTES = 3
ORDER_CHOICES = (
    (RoundOrder.ALPHABETICAL, "Alphabetical"),
    (RoundOrder.RANDOM, "Random"),
    (RoundOrder.REVERSE_LAST, "Reverse of last time"),
)


@dataclass(frozen=True, slots=True)
class StartChoice:
    cohort_id: uuid.UUID
    session_id: uuid.UUID | None  # None: a new session now, outside the schedule
    order: RoundOrder
    soft_limit_seconds: int | None
    kind: RoundKind = RoundKind.CHECK_IN


def session_text(session: SessionRow, cohort: CohortRow, resumable: RoundView | None) -> str:
    local = session.scheduled_start.astimezone(ZoneInfo(cohort.timezone))
    text = f"Today at {local:%H:%M}, {session.planned_minutes} minutes"
    if session.topic:
        text += f" · {session.topic}"
    if resumable is not None:
        done = sum(1 for t in resumable.turns if t.status.value == "done")
        kind = "closing" if resumable.kind is RoundKind.CLOSING else "check-in"
        text += f" · {kind} round in progress ({done} of {len(resumable.turns)}): resume"
    return text


class StartSessionDialog(QDialog):
    """Lists the cohort's sessions today and "a new session now"; Enter starts the chosen
    one. A session whose round is in progress is resumed as it was (order and time kept).
    ``start_requested(StartChoice)`` is emitted on accept. Opened with ``open()``."""

    start_requested = Signal(object)

    def __init__(
        self,
        rounds: RoundService,
        tasks: TaskRunner,
        cohort: CohortRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a group")
        self.setObjectName("startSessionDialog")
        self._cohort = cohort
        self._rounds: dict[uuid.UUID, RoundView] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(f"Start a group: {cohort.name}", self))
        self.sessions = QListWidget(self)
        self.sessions.setAccessibleName("Session to run")
        sessions_label = QLabel("&Session", self)
        sessions_label.setBuddy(self.sessions)
        layout.addWidget(sessions_label)
        layout.addWidget(self.sessions)
        form = QFormLayout()
        self.order = QComboBox(self)
        self.order.setAccessibleName("Order of the round")
        for method, label in ORDER_CHOICES:
            self.order.addItem(label, method.value)
        form.addRow("&Order", self.order)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 30)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("No limit")
        self.minutes.setAccessibleName("Time per speaker, in minutes")
        form.addRow("&Time per speaker", self.minutes)
        layout.addLayout(form)
        self.note = note_label("Reading today's sessions…", self)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        start = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        start.setText("Start")
        start.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.sessions.itemActivated.connect(lambda _item: self.accept())
        self.sessions.currentRowChanged.connect(self._on_row_changed)
        rounds_service, cohort_id = rounds, cohort.id
        tasks.submit(
            lambda: (
                rounds_service.sessions_today(cohort_id),
                rounds_service.in_progress(cohort_id),
            ),
            on_success=self._on_loaded,
            on_failure=lambda error: self.note.setText(user_message(error)),
            owner=self,
            name="today's sessions",
        )

    def _on_loaded(self, loaded: tuple[list[SessionRow], list[RoundView]]) -> None:
        sessions, in_progress = loaded
        self._rounds = {r.session_id: r for r in in_progress}
        for session in sessions:
            text = session_text(session, self._cohort, self._rounds.get(session.id))
            item = QListWidgetItem(text, self.sessions)
            item.setData(ROW_ROLE, session.id)
        QListWidgetItem("A new session now (not on the schedule)", self.sessions)
        resumable = [i for i in range(len(sessions)) if sessions[i].id in self._rounds]
        self.sessions.setCurrentRow(resumable[0] if resumable else 0)
        self.note.setText(
            "Nothing is scheduled today: a new session starts now."
            if not sessions
            else "Enter starts the highlighted session."
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.sessions.setFocus()

    def _on_row_changed(self, _row: int) -> None:
        resuming = self.chosen_session() in self._rounds
        self.order.setEnabled(not resuming)
        self.minutes.setEnabled(not resuming)

    def chosen_session(self) -> uuid.UUID | None:
        item = self.sessions.currentItem()
        found = item.data(ROW_ROLE) if item is not None else None
        return found if isinstance(found, uuid.UUID) else None

    def choice(self) -> StartChoice:
        session_id = self.chosen_session()
        resumed = self._rounds.get(session_id) if session_id else None
        minutes = self.minutes.value()
        return StartChoice(
            self._cohort.id,
            session_id,
            RoundOrder(self.order.currentData()),
            minutes * 60 if minutes else None,
            resumed.kind if resumed is not None else RoundKind.CHECK_IN,
        )

    def accept(self) -> None:
        if not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            return
        self.start_requested.emit(self.choice())
        super().accept()

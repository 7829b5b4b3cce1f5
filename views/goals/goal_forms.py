"""The goal tracker's two forms: recording a report-back, and setting a goal for the week."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.goals.board import BoardGoal, Member
from models import ReviewOutcome, ValueDomain
from views.field_message import FieldMessage
from views.goals.goal_models import day_text
from views.heading import note_label

NO_GOAL_TEXT = "Select a goal that is due to record how the week went."


class NoteEdit(QPlainTextEdit):
    """A short note: Tab moves on, Ctrl+Enter submits (``submitted``)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class OutcomePanel(QGroupBox):
    """Records what became of the selected due goal: done, partly or not done, with a note.

    ``record_requested(outcome, note, carry_forward)`` asks for the write; the panel is
    otherwise passive. A goal that is done is not carried forward, so that button is off.
    """

    record_requested = Signal(object, str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Report-back", parent)
        self.setObjectName("outcomePanel")
        self.goal: BoardGoal | None = None
        self.goal_label = QLabel(NO_GOAL_TEXT, self)
        self.goal_label.setObjectName("outcomeGoal")
        self.goal_label.setWordWrap(True)
        self.goal_label.setTextFormat(Qt.TextFormat.PlainText)
        self.outcomes = QButtonGroup(self)
        self.radios: dict[ReviewOutcome, QRadioButton] = {}
        row = QHBoxLayout()
        for outcome, text in (
            (ReviewOutcome.DONE, "&Done"),
            (ReviewOutcome.PARTLY, "&Partly"),
            (ReviewOutcome.NOT_DONE, "&Not done"),
        ):
            radio = QRadioButton(text, self)
            radio.setAccessibleName(text.replace("&", ""))
            self.outcomes.addButton(radio)
            self.radios[outcome] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.outcomes.buttonToggled.connect(self._update_buttons)
        self.note = NoteEdit(self)
        self.note.setObjectName("barrierNote")
        self.note.setAccessibleName("Barrier note")
        self.note.setPlaceholderText("What got in the way? (optional; Ctrl+Enter records)")
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 14)
        self.note.submitted.connect(lambda: self._request(carry=False))
        note_caption = QLabel("&Barrier note:", self)
        note_caption.setBuddy(self.note)
        self.message = FieldMessage(self.note, self)
        self.record_button = QPushButton("&Record", self)
        self.record_button.setAccessibleName("Record outcome")
        self.record_button.clicked.connect(lambda: self._request(carry=False))
        self.carry_button = QPushButton("Record and &carry forward", self)
        self.carry_button.setAccessibleName("Record and carry forward")
        self.carry_button.setToolTip(
            "Records this outcome and sets the same goal again for the coming week"
        )
        self.carry_button.clicked.connect(lambda: self._request(carry=True))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.carry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.goal_label)
        layout.addLayout(row)
        layout.addWidget(note_caption)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_goal(None)

    @property
    def outcome(self) -> ReviewOutcome | None:
        return next((o for o, radio in self.radios.items() if radio.isChecked()), None)

    def show_goal(self, goal: BoardGoal | None) -> None:
        """Show ``goal`` (None: nothing selected); a new goal starts with a blank form."""
        changed = goal is None or self.goal is None or goal.id != self.goal.id
        self.goal = goal
        if goal is None:
            self.goal_label.setText(NO_GOAL_TEXT)
        else:
            self.goal_label.setText(
                f"{goal.participant_name}: {goal.text} ({goal.value_domain}), "
                f"set {day_text(goal.set_on)}"
            )
        if changed:
            self._reset()
        for widget in (*self.radios.values(), self.note):
            widget.setEnabled(goal is not None)
        self._update_buttons()

    def _reset(self) -> None:
        self.outcomes.setExclusive(False)  # an exclusive group cannot uncheck its last button
        for radio in self.radios.values():
            radio.setChecked(False)
        self.outcomes.setExclusive(True)
        self.note.clear()
        self.message.clear_message()

    def show_error(self, text: str) -> None:
        self.message.show_message(text)

    def _update_buttons(self) -> None:
        chosen = self.outcome
        ready = self.goal is not None and chosen is not None
        self.record_button.setEnabled(ready)
        self.carry_button.setEnabled(ready and chosen is not ReviewOutcome.DONE)

    def _request(self, *, carry: bool) -> None:
        outcome = self.outcome
        if self.goal is None:
            return
        if outcome is None:
            self.message.show_message("Choose done, partly or not done first.")
            self.radios[ReviewOutcome.DONE].setFocus()
            return
        if carry and outcome is ReviewOutcome.DONE:
            return
        self.record_requested.emit(outcome, self.note.toPlainText(), carry)


class NewGoalForm(QGroupBox):
    """Sets a goal for the coming week in the board's session.

    ``set_requested(participant_id, name, text, domain)`` asks for the write;
    ``show_error(field, message)`` puts a refusal beside its field ("text" or "value_domain").
    """

    set_requested = Signal(object, str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Set a goal for the week", parent)
        self.setObjectName("newGoalForm")
        self.person = QComboBox(self)
        self.person.setAccessibleName("Person")
        self.text = QLineEdit(self)
        self.text.setAccessibleName("Goal")
        self.text.setMaxLength(500)
        self.text.setPlaceholderText("Small and concrete: “walk 20 minutes after lunch”")
        self.text.returnPressed.connect(self._request)
        self.domain = QComboBox(self)
        self.domain.setEditable(True)
        self.domain.setAccessibleName("Value")
        self.domain.addItems([d.value for d in ValueDomain])
        self.domain.setToolTip(
            "The value this goal serves; type the person's own word if none fits"
        )
        self.set_button = QPushButton("&Set goal", self)
        self.set_button.setAccessibleName("Set goal")
        self.set_button.clicked.connect(self._request)
        self.messages = {
            "text": FieldMessage(self.text, self),
            "value_domain": FieldMessage(self.domain, self),
        }
        self.note = note_label("", self)
        form = QFormLayout()
        for caption, field in (("P&erson:", self.person), ("&Goal:", self.text)):
            label = QLabel(caption, self)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.messages["text"])
        value_label = QLabel("&Value:", self)
        value_label.setBuddy(self.domain)
        form.addRow(value_label, self.domain)
        form.addRow("", self.messages["value_domain"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.set_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def set_members(self, members: tuple[Member, ...], without_goal: tuple[Member, ...]) -> None:
        """List ``members``; keep the chosen person, else pick the first without a goal."""
        chosen = self.person.currentData()
        self.person.clear()
        for member in members:
            self.person.addItem(member.name, member.id)
        wanted = chosen if chosen in {m.id for m in members} else None
        if wanted is None and without_goal:
            wanted = without_goal[0].id
        if wanted is not None:
            self.person.setCurrentIndex(self.person.findData(wanted))
        self.setEnabled(bool(members))

    def show_error(self, field: str, text: str) -> None:
        message = self.messages.get(field, self.messages["text"])
        message.show_message(text)

    def goal_set(self, name: str) -> None:
        """The last goal was saved: clear its text for the next person."""
        self.text.clear()
        self.note.setText(f"Goal set for {name}.")
        for message in self.messages.values():
            message.clear_message()

    def _request(self) -> None:
        participant = self.person.currentData()
        if not isinstance(participant, uuid.UUID):
            return
        for message in self.messages.values():
            message.clear_message()
        self.set_requested.emit(
            participant, self.person.currentText(), self.text.text(), self.domain.currentText()
        )

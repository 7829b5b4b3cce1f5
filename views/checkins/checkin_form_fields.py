"""The check-in form's fields: what was said, each with its message beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.checkins import CheckInDraft
from models import ShareScope
from views.checkins.checkin_sparkline import MoodSparkline
from views.field_message import FieldMessage, add_field_row
from views.heading import heading_label, note_label

NOT_GIVEN = -1  # the spin boxes' "not given" value, shown as its special text
SCOPES = (("Shared with the group", ShareScope.GROUP), ("Clinician only", ShareScope.CLINICIAN))


class CheckInFields(QWidget):
    """Session and person pickers, mood, words, craving and sharing, and the two buttons.

    Every field has a ``FieldMessage`` under it (``messages[key]``, keys as the service's
    ``InvalidInput.field``); ``fields[key]`` is the control that takes the focus for it.
    ``draft()`` reads what the fields say; ``load(draft, name)`` and ``clear_fields()``
    fill them. The craving row shows only for tracks that record cravings.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cells: dict[str, QWidget] = {}
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}

        self.heading = heading_label("Record a check-in", self, scale=1.15)
        self.note = note_label("Choose a cohort to record its check-ins.", self)
        self.session = QComboBox(self)
        self.participant = QComboBox(self)
        for combo in (self.session, self.participant):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.mood = self._score_box("Mood")
        self.sparkline = MoodSparkline(self)
        self.sparkline.setAccessibleName("Recent moods")
        self.emotion_words = QLineEdit(self)
        self.emotion_words.setMaxLength(200)
        self.emotion_words.setPlaceholderText("e.g. tired, hopeful")
        self.accomplishments = QPlainTextEdit(self)
        self.challenges = QPlainTextEdit(self)
        for box in (self.accomplishments, self.challenges):
            box.setTabChangesFocus(True)  # Tab moves on, as in every other field
            box.setMaximumHeight(72)
        self.craving = self._score_box("Craving")
        self.share_scope = QComboBox(self)
        for label, scope in SCOPES:
            self.share_scope.addItem(label, scope)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._row(form, "&Session:", "session", self.session, "Session")
        self._row(form, "&Person:", "participant", self.participant, "Participant")
        mood_row = QWidget(self)
        mood_layout = QHBoxLayout(mood_row)
        mood_layout.setContentsMargins(0, 0, 0, 0)
        mood_layout.addWidget(self.mood)
        mood_layout.addWidget(self.sparkline, 1)
        self._row(form, "&Mood (0–10):", "mood", mood_row, "Mood, 0 to 10", focus=self.mood)
        self._row(form, "&Feelings:", "emotion_words", self.emotion_words, "Emotion words")
        self._row(form, "&Wins:", "accomplishments", self.accomplishments, "Accomplishments")
        self._row(form, "C&hallenges:", "challenges", self.challenges, "Challenges")
        self.craving_label = self._row(
            form, "C&raving (0–10):", "craving", self.craving, "Craving, 0 to 10"
        )
        self._row(form, "Shared &with:", "share_scope", self.share_scope, "Shared with")

        self.general_message = FieldMessage(None, self)
        self.save_button = QPushButton("&Save check-in", self)
        self.save_button.setAccessibleName("Save check-in")
        self.save_button.setToolTip("Save this check-in (Ctrl+S)")
        self.new_button = QPushButton("&New", self)
        self.new_button.setAccessibleName("New check-in")
        self.new_button.setToolTip("Clear the form for another person")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self._set_enabled(False)

    # -- building --------------------------------------------------------------------------

    def _score_box(self, name: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(NOT_GIVEN, 10)
        box.setSpecialValueText("Not given")
        box.setValue(NOT_GIVEN)
        box.setMinimumWidth(112)
        box.setObjectName(name.lower())
        return box

    def _row(
        self,
        form: QFormLayout,
        text: str,
        key: str,
        field: QWidget,
        name: str,
        *,
        focus: QWidget | None = None,
    ) -> QLabel:
        label, cell, message = add_field_row(form, text, field, key, name, self, focus=focus)
        self.fields[key] = focus or field
        self.messages[key] = message
        self._cells[key] = cell
        return label

    def focus_chain(self) -> list[QWidget]:
        """The form's controls in the order the eye reads them (for the page's tab order)."""
        return [
            self.session, self.participant, self.mood, self.emotion_words, self.accomplishments,
            self.challenges, self.craving, self.share_scope, self.new_button, self.save_button,
        ]  # fmt: skip

    def load(self, draft: CheckInDraft, name: str) -> None:
        self._clear_messages()
        self.heading.setText(f"Edit {name}’s check-in")
        self.mood.setValue(NOT_GIVEN if draft.mood is None else draft.mood)
        self.emotion_words.setText(draft.emotion_words)
        self.accomplishments.setPlainText(draft.accomplishments)
        self.challenges.setPlainText(draft.challenges)
        self.craving.setValue(NOT_GIVEN if draft.craving is None else draft.craving)
        self.share_scope.setCurrentIndex(self.share_scope.findData(draft.share_scope))

    def clear_fields(self) -> None:
        self._clear_messages()
        self.heading.setText("Record a check-in")
        self.mood.setValue(NOT_GIVEN)
        self.emotion_words.clear()
        self.accomplishments.clear()
        self.challenges.clear()
        self.craving.setValue(NOT_GIVEN)
        self.share_scope.setCurrentIndex(0)

    def draft(self) -> CheckInDraft:
        mood, craving = self.mood.value(), self.craving.value()
        return CheckInDraft(
            mood=None if mood == NOT_GIVEN else mood,
            emotion_words=self.emotion_words.text(),
            accomplishments=self.accomplishments.toPlainText(),
            challenges=self.challenges.toPlainText(),
            craving=None if craving == NOT_GIVEN or not self.craving.isVisible() else craving,
            share_scope=self.share_scope.currentData(),
        )

    def _refuse(self, field: str, message: str) -> None:
        self.messages[field].show_message(message)
        self.fields[field].setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_messages(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.general_message.clear_message()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self.focus_chain():
            widget.setEnabled(enabled)
        self.sparkline.setEnabled(enabled)

    def _show_cravings(self, shown: bool) -> None:
        self.craving_label.setVisible(shown)
        self._cells["craving"].setVisible(shown)

"""The profile's clinician-only panel: notes and the reasons stays ended, tinted and labelled."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.participants import ParticipantService
from app.services.profile import ParticipantProfile
from app.tasks import TaskRunner
from views.errors import user_message
from views.heading import heading_label, note_label
from views.profile.profile_models import clinician_tint
from views.theme import meaning


class ClinicianPanel(QFrame):
    """Clinician-only content, visibly apart: a warm tint, a border and a heading that says so.

    Nothing here is ever shown where the group can see it. The notes are editable; Save
    (Ctrl+S) stores them through the task runner; ``saved`` is emitted after each save and
    ``save_failed(message)`` when the vault refused it.
    """

    saved = Signal()
    save_failed = Signal(str)

    def __init__(
        self, participants: ParticipantService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clinicianPanel")
        self.setAccessibleName("Clinician only")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._participants = participants
        self._tasks = tasks
        self._participant_id: uuid.UUID | None = None
        self._saved_text = ""
        self.heading = heading_label("Clinician only", self, scale=1.1)
        self.heading.setObjectName("clinicianHeading")
        self.subheading = note_label(
            "Never shown to the group. Notes are saved with Save, or when this window closes.",
            self,
        )
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("clinicianNotes")
        self.notes.setAccessibleName("Clinician notes")
        self.notes.setPlaceholderText("Notes for clinicians: risks, plans, contacts with providers")
        self.notes.setTabChangesFocus(True)
        self.notes.textChanged.connect(self._update_state)
        notes_label = QLabel("&Notes:", self)
        notes_label.setBuddy(self.notes)
        self.save_button = QPushButton("&Save notes", self)
        self.save_button.setAccessibleName("Save clinician notes")
        self.save_button.setToolTip("Save the clinician notes (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.state = note_label("", self)
        self.state.setObjectName("clinicianNotesState")
        self.reasons = QLabel(self)
        self.reasons.setObjectName("clinicianReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.private_checkins = note_label("", self)
        for label in (self.subheading, self.state, self.private_checkins):
            # The palette's muted grey is under 4.5:1 on the warm tint; full text colour is not.
            label.setForegroundRole(QPalette.ColorRole.WindowText)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.reasons)
        layout.addWidget(self.private_checkins)
        self._tint()
        self._update_state()

    def _tint(self) -> None:
        """The warm background and edge, for the palette in use (light or dark)."""
        tint = clinician_tint()
        colours = QGuiApplication.palette()
        edge = meaning(colours, "clinician_edge").name()
        self.setStyleSheet(
            f"QFrame#clinicianPanel {{ background-color: {tint.name()}; "
            f"border: 1px solid {edge}; border-left: 5px solid {edge}; border-radius: 4px; }}"
        )
        heading = self.heading.palette()
        heading.setColor(QPalette.ColorRole.WindowText, meaning(colours, "clinician_heading"))
        self.heading.setPalette(heading)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._tint()  # light ↔ dark while the window is open
        super().changeEvent(event)

    @property
    def dirty(self) -> bool:
        return self._participant_id is not None and self.notes.toPlainText() != self._saved_text

    def show_profile(self, profile: ParticipantProfile, stay_names: dict[uuid.UUID, str]) -> None:
        first = self._participant_id != profile.participant_id
        self._participant_id = profile.participant_id
        if first or not self.dirty:  # never overwrite what a clinician is typing
            self._saved_text = profile.clinician.notes
            self.notes.setPlainText(profile.clinician.notes)
        reasons = [
            f"{stay_names.get(stay, 'A stay')}: {reason}"
            for stay, reason in profile.clinician.stay_reasons
        ]
        self.reasons.setText(
            "Why stays ended — " + "; ".join(reasons)
            if reasons
            else "No stay has ended with a reason."
        )
        private = sum(1 for c in profile.checkins if c.clinician_only)
        if private == 1:
            text = "1 check-in was shared with clinicians only; it is tinted and marked "
        else:
            text = (
                f"{private} check-ins were shared with clinicians only; they are tinted and marked "
            )
        self.private_checkins.setText(
            text + "“Clinician only” in the timeline."
            if private
            else "Every check-in was shared with the group."
        )
        self._update_state()

    def clear(self) -> None:
        self._participant_id = None
        self._saved_text = ""
        self.notes.clear()
        self.reasons.clear()
        self.private_checkins.clear()

    def save(self) -> None:
        if not self.dirty or self._participant_id is None:
            return
        participants, person, text = (
            self._participants,
            self._participant_id,
            self.notes.toPlainText(),
        )
        self.save_button.setEnabled(False)
        self.state.setText("Saving…")

        def stored(_result: object) -> None:
            self._saved_text = text
            self._update_state()
            self.state.setText("Saved.")
            self.saved.emit()

        def refused(error: Exception) -> None:
            self._update_state()
            self.state.setText(f"Not saved: {user_message(error)}")
            self.save_failed.emit(user_message(error))

        self._tasks.submit(
            lambda: participants.set_clinician_notes(person, text),
            on_success=stored,
            on_failure=refused,
            name="save clinician notes",
        )

    def save_now(self) -> None:
        """Store unsaved notes at once, on this thread (the vault is about to lock)."""
        if self.dirty and self._participant_id is not None:
            self._participants.set_clinician_notes(self._participant_id, self.notes.toPlainText())
            self._saved_text = self.notes.toPlainText()

    def _update_state(self) -> None:
        self.save_button.setEnabled(self.dirty)
        self.state.setText("Unsaved changes" if self.dirty else "")

"""The lower part of the export and import dialogs (progress, a stage, the outcome, two
buttons), and the dialog they share: closing while the work runs asks it to cancel."""

from __future__ import annotations

import threading
from typing import ClassVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from views.field_message import FieldMessage

PROGRESS_STEPS = 1000


class TaskPanel(QWidget):
    """Idle, running, or done; ``go_clicked`` starts, ``stop_clicked`` cancels or closes.

    While running, the stop button says Cancel (``stop_clicked`` then asks the work to stop);
    when done it says Close. ``show_failure`` and ``show_result`` end a run.
    """

    go_clicked = Signal()
    stop_clicked = Signal()

    def __init__(self, go_text: str, go_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.running = False
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.hide()
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.hide()
        self.message = FieldMessage(None, self)
        self.message.setObjectName("generalMessage")
        self.result = QLabel("", self)
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.hide()
        self.go_button = QPushButton(go_text, self)
        self.go_button.setAccessibleName(go_name)
        self.go_button.setDefault(True)
        self.go_button.setAutoDefault(True)
        self.stop_button = QPushButton("Cancel", self)
        self.stop_button.setAccessibleName("Cancel")
        self.stop_button.setAutoDefault(False)
        self.go_button.clicked.connect(self.go_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.go_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.result)
        layout.addLayout(buttons)

    def start(self, status: str) -> None:
        self.running = True
        self.message.clear_message()
        self.result.hide()
        self.set_status(status)
        self.progress.setValue(0)
        self.progress.show()
        self.go_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.stop_button.setText("Cancel")
        self.stop_button.setAccessibleName("Cancel")

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_fraction(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * PROGRESS_STEPS))

    def cancelling(self, text: str) -> None:
        self.set_status(text)
        self.stop_button.setEnabled(False)

    def show_failure(self, text: str) -> None:
        """The run ended without a result: say why; the user may correct and go again."""
        self._stop()
        self.message.show_message(text)
        self.go_button.setEnabled(True)
        self.stop_button.setText("Close")
        self.stop_button.setAccessibleName("Close")

    def show_result(self, text: str) -> None:
        """The run succeeded: the sentence, and Close as the one thing left to do."""
        self._stop()
        self.progress.setValue(PROGRESS_STEPS)
        self.progress.show()
        self.result.setText(text)
        self.result.show()
        self.result.setAccessibleName(text)
        self.go_button.setEnabled(False)
        self.stop_button.setText("Close")
        self.stop_button.setAccessibleName("Close")
        self.stop_button.setDefault(True)
        self.stop_button.setFocus()

    def _stop(self) -> None:
        self.running = False
        self.set_status("")
        self.progress.hide()
        self.stop_button.setEnabled(True)


class TaskDialog(QDialog):
    """A dialog whose ``panel`` runs one piece of work that ``_cancel`` asks to stop.

    Cancel, Escape and the window's close button, while the work runs, ask it to cancel
    (``cancelling_text`` says so) and keep the dialog open until it has; otherwise they close.
    """

    cancelling_text: ClassVar[str] = "Cancelling…"
    panel: TaskPanel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    @Slot()
    def _on_stop_clicked(self) -> None:
        if self.panel.running:
            self._cancel.set()
            self.panel.cancelling(self.cancelling_text)
        else:
            self.reject()

    # -- Qt overrides ---------------------------------------------------------------------

    def reject(self) -> None:
        if self.panel.running:
            self._on_stop_clicked()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.panel.running:
            self._on_stop_clicked()
            event.ignore()
            return
        super().closeEvent(event)

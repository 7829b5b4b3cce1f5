"""The locked window's only content: why it is locked, and the passphrase (or keychain) way back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskRunner
from app.vault.errors import WrongPassphrase
from views.errors import user_message
from views.field_message import FieldMessage
from views.heading import heading_label, note_label

Attempt = Callable[[str], Any]
KeychainAttempt = Callable[[], Any]


class LockScreen(QWidget):
    """Shown in place of the desk while the vault is locked.

    ``attempt(passphrase)`` opens the vault on a worker and returns what the composition
    root needs (it raises ``WrongPassphrase`` for a wrong one); ``keychain_attempt()``
    does the same from the keychain's cached key, returning None when there is none; its
    button exists only when it is given. ``unlocked(result)`` is emitted with the result.
    A wrong passphrase is said beside the field, which keeps the focus.
    """

    unlocked = Signal(object)

    def __init__(
        self,
        tasks: TaskRunner,
        attempt: Attempt,
        keychain_attempt: KeychainAttempt | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self._tasks = tasks
        self._attempt = attempt
        self._keychain_attempt = keychain_attempt
        self._busy = False

        column = QWidget(self)
        column.setMaximumWidth(520)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.heading = heading_label("Circlekeeper is locked", column, scale=1.4)
        self.reason = note_label("", column)
        self.reason.setObjectName("lockReason")
        self.passphrase = QLineEdit(column)
        self.passphrase.setObjectName("lockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.returnPressed.connect(self._submit)
        self.passphrase.textEdited.connect(self._on_edited)
        caption = QLabel("&Passphrase:", column)
        caption.setBuddy(self.passphrase)
        self.message = FieldMessage(self.passphrase, column)
        self.message.setObjectName("lockMessage")
        self.unlock_button = QPushButton("&Unlock", column)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.clicked.connect(self._submit)
        self.keychain_button = QPushButton("Unlock with the system &keychain", column)
        self.keychain_button.setAccessibleName("Unlock with the system keychain")
        self.keychain_button.clicked.connect(self._submit_keychain)
        self.keychain_button.setVisible(keychain_attempt is not None)
        self.status = note_label("", column)

        form = QFormLayout()
        form.addRow(caption, self.passphrase)
        form.addRow("", self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.keychain_button)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(column)
        inner.addWidget(self.heading)
        inner.addWidget(self.reason)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)
        self.setTabOrder(self.passphrase, self.keychain_button)
        self.setTabOrder(self.keychain_button, self.unlock_button)

    def offer_keychain(self, offered: bool) -> None:
        """Show the keychain button (when there is a keychain attempt) or hide it."""
        self.keychain_button.setVisible(offered and self._keychain_attempt is not None)

    def show_locked(self, reason: str) -> None:
        """A fresh screen for a new lock: the reason, an empty field with the focus."""
        self.reason.setText(
            f"Locked {reason}. Nothing from the vault is on screen or open until it is "
            "unlocked; you will come back to where you were."
        )
        self._busy = False
        self.passphrase.clear()
        self.passphrase.setReadOnly(False)
        self.message.clear_message()
        self.status.clear()
        self.unlock_button.setEnabled(True)
        self.keychain_button.setEnabled(True)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the wrapped reason gets its full height at once
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_edited(self, _text: str) -> None:
        self.message.clear_message()

    def _submit(self) -> None:
        if self._busy:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.show_message("Type the vault’s passphrase.")
            self.passphrase.setFocus()
            return
        attempt = self._attempt
        self._run(lambda: attempt(passphrase), "Unlocking…")

    def _submit_keychain(self) -> None:
        if self._busy or self._keychain_attempt is None:
            return
        self._run(self._keychain_attempt, "Asking the keychain…")

    def _run(self, work: Callable[[], Any], status: str) -> None:
        self._busy = True
        self.passphrase.setReadOnly(True)  # read-only, not disabled: it keeps the focus
        self.unlock_button.setEnabled(False)
        self.keychain_button.setEnabled(False)
        self.status.setText(status)
        self._tasks.submit(
            work, on_success=self._on_result, on_failure=self._on_refused, owner=self, name="unlock"
        )

    def _on_result(self, result: Any) -> None:
        if result is None:
            self._on_refused(None)
            return
        self._busy = False
        self.passphrase.clear()
        self.status.clear()
        self.unlocked.emit(result)

    def _on_refused(self, error: Exception | None) -> None:
        self._busy = False
        self.passphrase.setReadOnly(False)
        self.unlock_button.setEnabled(True)
        self.keychain_button.setEnabled(True)
        self.status.clear()
        if error is None:
            text = "The keychain holds no key for this vault; type the passphrase."
        elif isinstance(error, WrongPassphrase):
            text = "Wrong passphrase. Check it and try again."
        else:
            text = user_message(error)
        self.message.show_message(text)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

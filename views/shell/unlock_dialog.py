"""The unlock dialog: the passphrase, an inline "wrong passphrase", and Quit.

A vault that opens with less than this device last saw (an older copy put back, a leftover
``-wal`` that would lose changes) is opened only if the person says so (``consent_box``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskRunner
from app.vault.errors import NeedsConsent, WrongPassphrase
from app.vault.vault import UnlockedVault
from views.errors import user_message
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path

# unlock(passphrase) opens the vault; unlock(passphrase, True) once the user chose to open
# one older than this device's last use of it.
Unlock = Callable[..., UnlockedVault]


OPEN_ANYWAY = "Open anyway"


def consent_box(text: str, parent: QWidget) -> QMessageBox:
    """Ask whether to open a vault older than this device's last use of it.

    Its ``consented`` property is True once "Open anyway" was chosen; anything else
    (Quit, Escape) leaves the vault as it is.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, "Circlekeeper", text, parent=parent)
    box.setObjectName("consentBox")
    box.setInformativeText(
        "Open it anyway? What changed after that is not in these files; a backup or "
        "another device may still have it. Nothing is changed unless you open it."
    )
    chosen = box.addButton(OPEN_ANYWAY, QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.setEscapeButton(quit_button)
    box.setProperty("consented", False)
    box.buttonClicked.connect(lambda button: box.setProperty("consented", button is chosen))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


class UnlockDialog(QDialog):
    """Asks for the passphrase and unlocks through the task runner (a key derivation).

    ``vault_unlocked(vault)`` is emitted, then the dialog accepted, once ``unlock`` succeeds.
    A wrong passphrase shows an inline message and the field keeps the focus, its text
    selected for retyping; nothing else opens. Rejecting the dialog means "quit".
    """

    vault_unlocked = Signal(object)

    def __init__(
        self, unlock: Unlock, tasks: TaskRunner, folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Unlock Circlekeeper")
        self._unlock = unlock
        self._tasks = tasks
        self._busy = False

        intro = QLabel(f"Enter the passphrase of the vault in {readable_path(folder)}.", self)
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.textEdited.connect(self._on_edited)
        label = QLabel("&Passphrase:", self)
        label.setBuddy(self.passphrase)
        self.message = FieldMessage(self.passphrase, self)
        self.message.setObjectName("passphraseMessage")
        self.status = note_label("", self)
        form = QFormLayout()
        form.addRow(label, self.passphrase)
        form.addRow("", self.message)
        hint = note_label(
            "Forgot it? The recovery key shown when the vault was created sets a new one: "
            "python -m app passwd --recovery-key-file FILE",
            self,
        )
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.unlock_button = QPushButton("&Unlock", self)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(lambda: self._submit())
        self.quit_button = QPushButton("&Quit", self)
        self.quit_button.setAccessibleName("Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Unlock your vault", self))
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.passphrase.setFocus()

    def show_error(self, text: str) -> None:
        """An inline message, e.g. why the passphrase from the environment did not work."""
        self.message.show_message(text)

    def _on_edited(self) -> None:
        if self.message.message:
            self.message.clear_message()

    def _submit(self, accept_older: bool = False) -> None:
        if self._busy:
            return
        if not self.passphrase.text():
            self.message.show_message("Type the vault’s passphrase.")
            self.passphrase.setFocus()
            return
        self._busy = True
        # Read-only rather than disabled: a disabled field would lose the keyboard focus.
        self.passphrase.setReadOnly(True)
        self.unlock_button.setEnabled(False)
        self.status.setText("Unlocking…")
        passphrase, unlock = self.passphrase.text(), self._unlock
        self._tasks.submit(
            lambda: unlock(passphrase, True) if accept_older else unlock(passphrase),
            on_success=self._on_unlocked,
            on_failure=self._on_refused,
            owner=self,
            name="unlock",
        )

    def _on_unlocked(self, vault: UnlockedVault) -> None:
        self._busy = False
        self.passphrase.clear()
        self.vault_unlocked.emit(vault)
        self.accept()

    def _on_refused(self, error: Exception) -> None:
        self._busy = False
        self.passphrase.setReadOnly(False)
        self.unlock_button.setEnabled(True)
        self.status.setText("")
        if isinstance(error, NeedsConsent):
            box = consent_box(str(error), self)
            box.finished.connect(
                lambda _result: (
                    self._submit(accept_older=True)
                    if box.property("consented")
                    else self.message.show_message(str(error))
                )
            )
            box.open()
            return
        if isinstance(error, WrongPassphrase):
            self.message.show_message("Wrong passphrase. Check it and try again.")
        else:
            self.message.show_message(user_message(error))
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def reject(self) -> None:
        if self._busy:  # an unlock in flight finishes first; the vault must not be left open
            return
        super().reject()

"""The recovery key, shown once: a copyable field, a clear warning, and a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from views.heading import heading_label, note_label


class RecoveryKeyPanel(QWidget):
    """Shows a recovery key until the user confirms it is stored; then forgets it.

    ``confirmed`` is emitted when the user has ticked the confirmation and pressed Continue;
    the key is then removed from the field (it is kept nowhere by Circlekeeper).
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyPanel")
        warning = QLabel(
            "<b>This key is shown only now, and Circlekeeper keeps no copy.</b> Write it "
            "down or save it in a password manager, away from this computer. If you forget "
            "your passphrase, this key is the only way to set a new one; without both, the "
            "vault cannot be opened by anyone.",
            self,
        )
        warning.setWordWrap(True)
        warning.setAccessibleName("Warning: the recovery key is shown only once")
        # Wrapped over two lines rather than scrolled: every character must be seen to be
        # written down.
        self.key_field = QPlainTextEdit(self)
        self.key_field.setReadOnly(True)
        self.key_field.setAccessibleName("Recovery key")
        self.key_field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key_field.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.key_field.setTabChangesFocus(True)
        lines = self.key_field.fontMetrics().lineSpacing() * 2
        self.key_field.setFixedHeight(lines + 2 * self.key_field.frameWidth() + 12)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setAccessibleName("Copy the recovery key")
        self.copy_button.clicked.connect(self._copy)
        row = QHBoxLayout()
        row.addWidget(self.key_field, 1)
        row.addWidget(self.copy_button)
        self.copied_note = note_label("", self)
        self.stored_box = QCheckBox("I have stored the recovery key somewhere safe", self)
        self.stored_box.setAccessibleName("I have stored the recovery key somewhere safe")
        self.continue_button = QPushButton("C&ontinue", self)
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setEnabled(False)
        self.stored_box.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self._confirm)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Your recovery key", self))
        layout.addWidget(warning)
        layout.addSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.copied_note)
        layout.addStretch(1)
        layout.addWidget(self.stored_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)

    def show_key(self, key: str) -> None:
        self.key_field.setPlainText(key)
        self.stored_box.setChecked(False)
        self.copy_button.setFocus()

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.key_field.toPlainText())
        self.copied_note.setText(
            "Copied. Paste it where you keep it safe, then copy something else so that it "
            "does not stay on the clipboard."
        )

    def _confirm(self) -> None:
        self.key_field.clear()
        self.confirmed.emit()

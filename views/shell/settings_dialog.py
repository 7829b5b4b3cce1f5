"""File ▸ Settings: theme, auto-lock, how the lock behaves, and replacing the database key."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.settings import (
    AUTO_LOCK_MINUTES,
    KEYCHAIN_AFTER_LOCK,
    LOCK_WITH_SYSTEM,
    THEME,
    Settings,
    Theme,
)
from views.heading import heading_label, note_label

THEME_TEXT = {
    Theme.SYSTEM: "Follow the system",
    Theme.LIGHT: "Light",
    Theme.DARK: "Dark",
}


class SettingsDialog(QDialog):
    """Edits the typed settings in place; there is nothing to confirm or cancel.

    ``theme_changed(Theme)`` and ``auto_lock_changed(minutes)`` are emitted after the
    setting is stored, so the theme and the idle watch follow at once. ``lock_sources``
    (what the system reports here: sleep, screen lock) is said beside its checkbox.
    With ``can_rekey`` (a vault is open), "Re-encrypt with a new key…" emits
    ``rekey_requested``; the desk asks for the passphrase and does it.
    """

    theme_changed = Signal(object)
    auto_lock_changed = Signal(int)
    rekey_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        lock_sources: list[str],
        parent: QWidget | None = None,
        *,
        can_rekey: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._settings = settings

        self.theme = QComboBox(self)
        self.theme.setAccessibleName("Theme")
        for theme, text in THEME_TEXT.items():
            self.theme.addItem(text, theme.value)  # plain text: Qt would drop the enum type
        self.theme.setCurrentIndex(self.theme.findData(settings.get(THEME).value))
        self.theme.currentIndexChanged.connect(self._on_theme)

        self.auto_lock = QSpinBox(self)
        self.auto_lock.setAccessibleName("Lock after minutes without activity")
        self.auto_lock.setRange(AUTO_LOCK_MINUTES.minimum or 1, AUTO_LOCK_MINUTES.maximum or 30)
        self.auto_lock.setSuffix(" minutes")
        self.auto_lock.setValue(settings.get(AUTO_LOCK_MINUTES))
        self.auto_lock.valueChanged.connect(self._on_auto_lock)

        self.with_system = QCheckBox("Also lock when the screen locks or the computer sleeps", self)
        self.with_system.setChecked(settings.get(LOCK_WITH_SYSTEM))
        self.with_system.toggled.connect(lambda on: settings.set(LOCK_WITH_SYSTEM, on))
        heard = ", ".join(lock_sources)
        system_note = note_label(
            f"This computer reports: {heard}."
            if heard
            else "This system reports neither here; time asleep still counts as idle time.",
            self,
        )
        self.keychain = QCheckBox("After a lock, allow unlocking with the system keychain", self)
        self.keychain.setChecked(settings.get(KEYCHAIN_AFTER_LOCK))
        self.keychain.toggled.connect(lambda on: settings.set(KEYCHAIN_AFTER_LOCK, on))
        keychain_note = note_label(
            "Convenient, but then anyone at this computer while you are logged in can undo "
            "the lock without the passphrase.",
            self,
        )
        self.rekey = QPushButton("Re-encrypt with a new &key…", self)
        self.rekey.setAccessibleName("Re-encrypt the database with a new key")
        self.rekey.setAutoDefault(False)
        self.rekey.setEnabled(can_rekey)
        self.rekey.clicked.connect(self.rekey_requested.emit)
        rekey_note = note_label(
            "Re-encrypts the database under a new key: key files kept in older backups no "
            "longer open it. The passphrase and the recovery key stay the same.",
            self,
        )
        where = note_label(f"Settings are kept in {settings.location}", self)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        theme_label = QLabel("&Theme:", self)
        theme_label.setBuddy(self.theme)
        form.addRow(theme_label, self.theme)
        lock_label = QLabel("&Lock after:", self)
        lock_label.setBuddy(self.auto_lock)
        form.addRow(lock_label, self.auto_lock)
        form.addRow("", self.with_system)
        form.addRow("", system_note)
        form.addRow("", self.keychain)
        form.addRow("", keychain_note)
        form.addRow("Database key:", self.rekey)
        form.addRow("", rekey_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Settings", self))
        layout.addLayout(form)
        layout.addWidget(where)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.theme.setFocus()

    def _on_theme(self, index: int) -> None:
        theme = Theme(self.theme.itemData(index))
        self._settings.set(THEME, theme)
        self.theme_changed.emit(theme)

    def _on_auto_lock(self, minutes: int) -> None:
        self._settings.set(AUTO_LOCK_MINUTES, minutes)
        self.auto_lock_changed.emit(minutes)

"""The window's status bar: background work in progress, the last backup, the vault's state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from app.tasks import TaskRunner

BUSY_DELAY_MS = 300  # shorter work would only make the indicator flicker


class DeskStatusBar(QStatusBar):
    """Permanent parts, left to right: "Working…" with a busy bar (only when the task runner
    has been busy for ``BUSY_DELAY_MS``), the last backup, and whether the vault is open."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy_label = QLabel("Working…", self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setAccessibleName("Background work in progress")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(100)
        self.busy_bar.setMaximumHeight(14)
        self.backup_label = QLabel("", self)
        self.backup_label.setObjectName("lastBackup")
        self.vault_label = QLabel("Vault locked", self)
        self.vault_label.setObjectName("vaultState")
        for widget in (self.busy_label, self.busy_bar):
            widget.hide()
            self.addPermanentWidget(widget)
        self.addPermanentWidget(self.backup_label)
        self.addPermanentWidget(self.vault_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self._show_busy(True))
        tasks.activity_changed.connect(self._on_activity_changed)

    def show_vault(self, open_: bool, folder: Path | None = None) -> None:
        self.vault_label.setText("Vault unlocked" if open_ else "Vault locked")
        if folder is not None:
            self.vault_label.setToolTip(f"Encrypted vault in {folder}")

    def show_last_backup(self, at: dt.datetime | None, folder: str = "") -> None:
        """``Last backup: 3 Mar 14:05`` (local time), or a nudge when there is none."""
        if at is None:
            self.backup_label.setText("No backup yet")
            self.backup_label.setToolTip("File ▸ Back up… writes an encrypted copy")
            return
        local = at.astimezone()
        self.backup_label.setText(f"Last backup: {local.day} {local:%b %H:%M}")
        self.backup_label.setToolTip(f"{local:%Y-%m-%d %H:%M} in {folder}" if folder else "")

    @Slot(int)
    def _on_activity_changed(self, running: int) -> None:
        if running and not self._busy_timer.isActive() and not self.busy_bar.isVisible():
            self._busy_timer.start()
        elif not running:
            self._busy_timer.stop()
            self._show_busy(False)

    def _show_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)

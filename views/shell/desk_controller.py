"""Answers the window's requests that need more than the window: find, settings, back up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from app.settings import LAST_BACKUP_AT, LAST_BACKUP_FOLDER, Settings
from app.tasks import TaskRunner
from views.errors import user_message
from views.shell.main_window import MainWindow
from views.theme import ThemeController

if TYPE_CHECKING:
    from app.services.container import Services
    from views.shell.idle_watch import IdleWatch
    from views.shell.search_dialog import SearchDialog
    from views.shell.settings_dialog import SettingsDialog

Backup = Callable[[Path], Path]


class DeskController(QObject):
    """Opens the search and settings dialogs and runs backups for the window.

    ``attach(services, backup)`` gives it the open vault's services and a callable that
    writes an encrypted copy into a new folder (``UnlockedVault.backup``); ``detach()``
    forgets both when the vault locks. Settings work without a vault; find and back up
    need one (the window disables them while locked).
    """

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        settings: Settings,
        theme: ThemeController,
        *,
        lock_sources: Callable[[], list[str]] = list,
    ) -> None:
        super().__init__(window)
        self._window, self._tasks, self._settings, self._theme = window, tasks, settings, theme
        self.lock_sources = lock_sources  # what the system reports here, for the settings
        self._services: Services | None = None
        self._backup: Backup | None = None
        self.idle: IdleWatch | None = None
        # Re-encrypts the open vault under a new key, given its passphrase (the composition
        # root's, while a vault is open).
        self.rekey: Callable[[str], None] | None = None
        self.search_dialog: SearchDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        window.search_requested.connect(self.open_search)
        window.settings_requested.connect(self.open_settings)
        window.backup_requested.connect(self.choose_backup_folder)
        self.show_last_backup()

    def attach(self, services: Services, backup: Backup) -> None:
        self._services, self._backup = services, backup

    def detach(self) -> None:
        self._services = self._backup = None

    # -- find -----------------------------------------------------------------------------

    @Slot()
    def open_search(self) -> SearchDialog | None:
        from views.shell.search_dialog import PAGE_OF, SearchDialog

        if self._services is None:
            return None
        if self.search_dialog is not None:
            self.search_dialog.raise_()
            self.search_dialog.activateWindow()
            return self.search_dialog
        dialog = SearchDialog(self._services.search, self._tasks, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hit_opened.connect(lambda hit: self._window.open_record(hit, PAGE_OF[hit.kind]))
        dialog.finished.connect(self._on_search_finished)
        self.search_dialog = dialog
        dialog.open()
        return dialog

    def _on_search_finished(self, _result: int) -> None:
        self.search_dialog = None

    # -- settings -------------------------------------------------------------------------

    @Slot()
    def open_settings(self) -> SettingsDialog:
        from views.shell.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return self.settings_dialog
        can_rekey = self.rekey is not None and self._services is not None
        dialog = SettingsDialog(
            self._settings, self.lock_sources(), self._window, can_rekey=can_rekey
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.theme_changed.connect(self._theme.apply)
        dialog.rekey_requested.connect(self.ask_rekey_passphrase)
        dialog.auto_lock_changed.connect(self._on_auto_lock_changed)
        dialog.finished.connect(self._on_settings_finished)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def ask_rekey_passphrase(self) -> QInputDialog:
        """The vault's passphrase, then the rekey (the desk locks while it runs)."""
        parent = self.settings_dialog or self._window
        dialog = QInputDialog(parent)
        dialog.setObjectName("rekeyPassphrase")
        dialog.setWindowTitle("Re-encrypt with a new key")
        dialog.setLabelText(
            "The database will be re-encrypted under a new key; the desk is locked while it "
            "runs. Enter the vault’s passphrase:"
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self._rekey_with)
        dialog.open()
        return dialog

    def _rekey_with(self, passphrase: str) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        if self.rekey is not None and passphrase:
            self.rekey(passphrase)

    def _on_auto_lock_changed(self, minutes: int) -> None:
        if self.idle is not None:
            self.idle.set_minutes(minutes)

    def _on_settings_finished(self, _result: int) -> None:
        self.settings_dialog = None

    # -- back up --------------------------------------------------------------------------

    @Slot()
    def choose_backup_folder(self) -> QFileDialog | None:
        """Ask where to put the backup (a new folder is made inside the chosen one)."""
        if self._backup is None:
            return None
        dialog = QFileDialog(self._window, "Choose where to put the backup")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        last = self._settings.get(LAST_BACKUP_FOLDER)
        dialog.setDirectory(str(Path(last).parent) if last else str(Path.home()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: self.back_up_into(Path(folder)))
        dialog.open()
        return dialog

    def back_up_into(self, parent: Path) -> None:
        """Write the backup into a new, dated folder inside ``parent`` (on a worker)."""
        backup, services = self._backup, self._services
        if backup is None or services is None:
            return
        stamp = dt.datetime.now().astimezone()
        target = parent / f"Circlekeeper backup {stamp:%Y-%m-%d %H%M}"
        number = 2
        while target.exists():
            target = parent / f"Circlekeeper backup {stamp:%Y-%m-%d %H%M} ({number})"
            number += 1
        context = services.context

        def work() -> Path:
            from models import AuditAction

            written = backup(target)
            context.record(AuditAction.EXPORT, entity="vault", detail="encrypted backup")
            return written

        self._window.show_notice("Backing up…")
        self._tasks.submit(
            work, on_success=self._on_backed_up, on_failure=self._on_backup_failed, name="backup"
        )

    def _on_backed_up(self, folder: Path) -> None:
        self._settings.set(LAST_BACKUP_AT, dt.datetime.now(dt.UTC).isoformat())
        self._settings.set(LAST_BACKUP_FOLDER, str(folder))
        self.show_last_backup()
        self._window.show_notice(f"Backed up to {folder}")

    def _on_backup_failed(self, error: Exception) -> None:
        self._window.statusBar().clearMessage()
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Back up", user_message(error), parent=self._window
        )
        box.setInformativeText("Nothing was changed in the vault.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_last_backup(self) -> None:
        raw = self._settings.get(LAST_BACKUP_AT)
        try:
            at = dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            at = None
        self._window.show_last_backup(at, self._settings.get(LAST_BACKUP_FOLDER))

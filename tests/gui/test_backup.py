"""File ▸ Back up…: an encrypted copy in a new dated folder, through the task runner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.container import Services
from app.settings import LAST_BACKUP_AT, LAST_BACKUP_FOLDER, Settings
from app.tasks import TaskRunner
from app.vault.vault import UnlockedVault, VaultPaths, unlock_with_passphrase
from models import AuditAction, AuditEvent
from tests.conftest import PASSPHRASE
from views.shell.desk_controller import DeskController
from views.shell.main_window import MainWindow
from views.theme import ThemeController


def make_desk(
    qtbot: QtBot, qapp: QApplication, settings: Settings, tasks: TaskRunner
) -> tuple[MainWindow, DeskController]:
    window = MainWindow(settings, tasks)
    qtbot.addWidget(window)
    return window, DeskController(window, tasks, settings, ThemeController(qapp, settings))


def test_a_backup_is_a_vault_that_opens_and_the_status_bar_says_when(
    qtbot: QtBot,
    qapp: QApplication,
    settings: Settings,
    tasks: TaskRunner,
    vault: UnlockedVault,
    services: Services,
    tmp_path: Path,
) -> None:
    window, desk = make_desk(qtbot, qapp, settings, tasks)
    assert window.backup_label.text() == "No backup yet"
    assert desk.choose_backup_folder() is None  # no vault attached: nothing to back up
    desk.attach(services, vault.backup)
    picker = desk.choose_backup_folder()
    assert isinstance(picker, QFileDialog) and picker.isVisible()
    picker.reject()

    desk.back_up_into(tmp_path / "backups")
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("Last backup"), timeout=20_000)
    folder = Path(settings.get(LAST_BACKUP_FOLDER))
    assert folder.parent == tmp_path / "backups" and folder.name.startswith("Circlekeeper backup")
    assert settings.get(LAST_BACKUP_AT)
    assert str(folder) in window.backup_label.toolTip()
    unlock_with_passphrase(VaultPaths(folder), PASSPHRASE).close()  # a real, openable vault
    with vault.database.read() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity == "vault"))
        assert list(actions) == [AuditAction.EXPORT]

    desk.back_up_into(tmp_path / "backups")  # the same minute: a second, numbered folder
    qtbot.waitUntil(lambda: settings.get(LAST_BACKUP_FOLDER) != str(folder), timeout=20_000)
    assert settings.get(LAST_BACKUP_FOLDER).endswith("(2)")


def test_a_failed_backup_says_why_and_changes_nothing(
    qtbot: QtBot,
    qapp: QApplication,
    settings: Settings,
    tasks: TaskRunner,
    services: Services,
    tmp_path: Path,
) -> None:
    window, desk = make_desk(qtbot, qapp, settings, tasks)

    def refuse(folder: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(folder))

    desk.attach(services, refuse)
    desk.back_up_into(tmp_path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10_000)
    box = window.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    assert "Permission denied" in box.text()
    assert window.backup_label.text() == "No backup yet"
    assert settings.get(LAST_BACKUP_AT) == ""
    box.close()

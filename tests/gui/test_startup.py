"""The composition root's flow: first run, keychain, $CIRCLEKEEPER_PASSPHRASE, or the dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.bootstrap import Startup
from app.settings import Settings
from app.tasks import TaskRunner
from app.vault.keychain import Keychain
from app.vault.vault import VaultPaths, create_vault
from models import AuditAction, AuditEvent
from tests.gui.conftest import MemoryKeyring
from views.shell.first_run_dialog import FirstRunDialog
from views.shell.main_window import MainWindow
from views.shell.unlock_dialog import UnlockDialog

PASSPHRASE = "lantern orchard seventeen"

MakeStartup = Callable[..., Startup]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def make_startup(
    qtbot: QtBot, folder: Path, settings: Settings, tasks: TaskRunner, keychain: Keychain
) -> Iterator[MakeStartup]:
    made: list[Startup] = []

    def make(passphrase: str | None = None) -> Startup:
        window = MainWindow(settings, tasks)
        qtbot.addWidget(window)
        startup = Startup(
            folder=folder,
            window=window,
            tasks=tasks,
            settings=settings,
            keychain_factory=lambda: keychain,
            passphrase=passphrase,
        )
        window.show()
        made.append(startup)
        return startup

    yield make
    for startup in made:
        startup.close()  # workers stopped, then the vault closed


def make_vault(folder: Path, keychain: Keychain | None = None) -> None:
    create_vault(VaultPaths(folder), PASSPHRASE, keychain=keychain).vault.close()


def unlock_details(startup: Startup) -> list[str]:
    assert startup.opened is not None
    with startup.opened.vault.database.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UNLOCK))
        return [event.detail for event in events]


def begin_until_dialog(qtbot: QtBot, startup: Startup) -> object:
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as blocker:
        startup.begin()
    return blocker.args[0]


def test_no_vault_opens_the_first_run_dialog_then_the_desk(
    qtbot: QtBot, make_startup: MakeStartup, folder: Path
) -> None:
    startup = make_startup()
    dialog = begin_until_dialog(qtbot, startup)
    assert isinstance(dialog, FirstRunDialog)
    assert dialog.isModal() and dialog.parent() is startup.window
    dialog.recovery_box.setChecked(False)
    QTest.keyClicks(dialog.passphrase, PASSPHRASE)
    QTest.keyClicks(dialog.repeat, PASSPHRASE)
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert startup.window.windowTitle() == "Circlekeeper"
    assert [page.title for page in startup.window.pages] == [
        "Roster",
        "Check-ins",
        "Goals",
        "Attendance",
    ]
    assert unlock_details(startup) == ["unlocked by a new passphrase"]
    assert VaultPaths(folder).database.exists()


def test_a_key_in_the_keychain_opens_the_desk_without_any_prompt(
    qtbot: QtBot, make_startup: MakeStartup, folder: Path, keychain: Keychain
) -> None:
    make_vault(folder, keychain)
    startup = make_startup()
    dialogs: list[object] = []
    startup.dialog_opened.connect(dialogs.append)
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        startup.begin()
    assert dialogs == []
    assert unlock_details(startup) == ["unlocked by keychain"]
    assert startup.window.vault_label.text() == "Vault unlocked"


def test_the_passphrase_from_the_environment_unlocks_and_is_cached(
    qtbot: QtBot,
    make_startup: MakeStartup,
    folder: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    make_vault(folder)
    assert memory_keyring.secrets == {}
    startup = make_startup(passphrase=PASSPHRASE)
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        startup.begin()
    assert unlock_details(startup) == ["unlocked by passphrase (environment)"]
    assert len(memory_keyring.secrets) == 1


def test_a_wrong_passphrase_in_the_environment_falls_back_to_the_dialog(
    qtbot: QtBot, make_startup: MakeStartup, folder: Path
) -> None:
    make_vault(folder)
    startup = make_startup(passphrase="not the passphrase")
    dialog = begin_until_dialog(qtbot, startup)
    assert isinstance(dialog, UnlockDialog)
    assert "CIRCLEKEEPER_PASSPHRASE did not unlock" in dialog.message.message
    assert startup.opened is None and startup.window.pages == []

    QTest.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        QTest.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert unlock_details(startup) == ["unlocked by passphrase"]


def test_quit_in_the_unlock_dialog_asks_to_quit_and_opens_nothing(
    qtbot: QtBot, make_startup: MakeStartup, folder: Path
) -> None:
    make_vault(folder)
    startup = make_startup()
    dialog = begin_until_dialog(qtbot, startup)
    assert isinstance(dialog, UnlockDialog)
    assert "locked" in startup.window.windowTitle()
    with qtbot.waitSignal(startup.quit_requested, timeout=5000) as blocker:
        QTest.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [0]
    assert startup.opened is None


def test_a_damaged_key_file_is_a_message_not_a_traceback(
    qtbot: QtBot, make_startup: MakeStartup, folder: Path
) -> None:
    make_vault(folder)
    key_file = VaultPaths(folder).key_file
    key_file.write_text("{ not json")
    startup = make_startup()
    box = begin_until_dialog(qtbot, startup)
    assert isinstance(box, QMessageBox)
    assert "key file" in box.text() and "damaged" in box.text()
    assert "Traceback" not in box.text()
    assert key_file.read_text() == "{ not json"
    with qtbot.waitSignal(startup.quit_requested, timeout=5000) as blocker:
        box.done(QMessageBox.StandardButton.Ok)
    assert blocker.args == [1]

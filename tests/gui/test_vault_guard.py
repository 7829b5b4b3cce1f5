"""The window as the vault's one writer: it holds the lock, asks before opening an older copy,
and re-encrypts the vault from File ▸ Settings (issue 11)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.bootstrap import Startup
from app.database.engine import open_engine
from app.database.errors import DatabaseUnreadable
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import Settings
from app.tasks import TaskRunner
from app.vault.anchor import AnchorStore
from app.vault.errors import VaultBusy
from app.vault.keychain import Keychain
from app.vault.keyfile import KeyFile
from app.vault.lock import WriterLock
from app.vault.vault import (
    OpenOptions,
    UnlockedVault,
    VaultPaths,
    create_vault,
    unlock_with_passphrase,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE
from views.shell.desk_controller import DeskController
from views.shell.main_window import MainWindow
from views.shell.unlock_dialog import OPEN_ANYWAY, UnlockDialog
from views.theme import ThemeController

MakeStartup = Callable[..., Startup]


@pytest.fixture
def paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "vault")


@pytest.fixture
def make_startup(
    qtbot: QtBot, paths: VaultPaths, settings: Settings, tasks: TaskRunner, keychain: Keychain
) -> Iterator[MakeStartup]:
    made: list[Startup] = []

    def make(*, desk: bool = False) -> Startup:
        window = MainWindow(settings, tasks)
        qtbot.addWidget(window)
        controller = None
        if desk:
            from PySide6.QtWidgets import QApplication

            application = QApplication.instance()
            assert isinstance(application, QApplication)
            theme = ThemeController(application, settings)
            controller = DeskController(window, tasks, settings, theme)
        startup = Startup(
            folder=paths.folder, window=window, tasks=tasks, settings=settings,
            keychain_factory=lambda: keychain, passphrase=None, desk=controller,
        )  # fmt: skip
        window.show()
        made.append(startup)
        return startup

    yield make
    for startup in made:
        startup.close()


def write_as_writer(paths: VaultPaths, keychain: Keychain, name: str) -> None:
    with WriterLock(paths.folder, "a test") as lock:
        options = OpenOptions(lock=lock, anchors=AnchorStore.for_user(keychain))
        vault = unlock_with_passphrase(paths, PASSPHRASE, keychain, options)
        try:
            Services.for_vault(vault).participants.create(ParticipantDraft(display_name=name))
        finally:
            vault.close()


def begin_until_dialog(qtbot: QtBot, startup: Startup) -> object:
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as blocker:
        startup.begin()
    return blocker.args[0]


def click(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_window_holds_the_vault_and_a_second_writer_is_told_so(
    qtbot: QtBot, make_startup: MakeStartup, paths: VaultPaths, keychain: Keychain
) -> None:
    create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF, keychain=keychain).vault.close()
    startup = make_startup()
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        startup.begin()
    with pytest.raises(VaultBusy, match="in use by the Circlekeeper window"):
        WriterLock(paths.folder, "the command `python -m app demo`").acquire(wait=0)
    startup.close()
    WriterLock(paths.folder, "the command `python -m app demo`").acquire(wait=0)


def test_a_vault_held_by_a_command_is_a_message_naming_it(
    qtbot: QtBot, make_startup: MakeStartup, paths: VaultPaths, keychain: Keychain
) -> None:
    create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF, keychain=keychain).vault.close()
    with WriterLock(paths.folder, "the command `python -m app demo`", "demo"):
        startup = make_startup()
        box = begin_until_dialog(qtbot, startup)
    assert isinstance(box, QMessageBox)
    assert "in use by the command `python -m app demo`" in box.text()
    assert startup.opened is None
    with qtbot.waitSignal(startup.quit_requested, timeout=5000) as blocker:
        box.done(QMessageBox.StandardButton.Ok)
    assert blocker.args == [1]


@pytest.fixture
def rolled_back(paths: VaultPaths, keychain: Keychain, tmp_path: Path) -> VaultPaths:
    create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF, keychain=keychain).vault.close()
    write_as_writer(paths, keychain, "Ben")
    shutil.copytree(paths.folder, tmp_path / "older")
    write_as_writer(paths, keychain, "Cleo")
    shutil.rmtree(paths.folder)
    shutil.copytree(tmp_path / "older", paths.folder)
    return paths


@pytest.mark.parametrize("answer", ["Quit", OPEN_ANYWAY])
def test_an_older_copy_is_opened_only_when_the_user_says_so(
    qtbot: QtBot, make_startup: MakeStartup, rolled_back: VaultPaths, answer: str
) -> None:
    startup = make_startup()
    box = begin_until_dialog(qtbot, startup)
    assert isinstance(box, QMessageBox)
    assert box.text().startswith(
        "This vault is older than the last time this device used it: last change "
    )
    if answer == "Quit":
        with qtbot.waitSignal(startup.quit_requested, timeout=5000) as blocker:
            click(box, "Quit")
        assert blocker.args == [0] and startup.opened is None
    else:
        with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
            click(box, OPEN_ANYWAY)
        assert startup.opened is not None


def test_the_unlock_dialog_asks_before_opening_an_older_copy(
    qtbot: QtBot, rolled_back: VaultPaths, keychain: Keychain, tasks: TaskRunner
) -> None:
    keychain.forget(str(KeyFile.read(rolled_back.key_file).vault_id))
    with WriterLock(rolled_back.folder, "the window") as lock:

        def unlock(passphrase: str, accept_older: bool = False) -> UnlockedVault:
            options = OpenOptions(lock, AnchorStore.for_user(keychain), accept_older)
            return unlock_with_passphrase(rolled_back, passphrase, None, options)

        dialog = UnlockDialog(unlock, tasks, rolled_back.folder)
        qtbot.addWidget(dialog)
        dialog.open()
        QTest.keyClicks(dialog.passphrase, PASSPHRASE)
        QTest.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.findChild(QMessageBox) is not None, timeout=20_000)
        box = dialog.findChild(QMessageBox)
        assert isinstance(box, QMessageBox) and "older" in box.text()
        with qtbot.waitSignal(dialog.vault_unlocked, timeout=20_000) as opened:
            click(box, OPEN_ANYWAY)
        opened.args[0].close()


def test_settings_re_encrypts_the_open_vault_under_a_new_key(
    qtbot: QtBot, make_startup: MakeStartup, paths: VaultPaths, keychain: Keychain
) -> None:
    create_vault(paths, PASSPHRASE, kdf=CHEAP_KDF, keychain=keychain).vault.close()
    old_key = KeyFile.read(paths.key_file).unwrap(PASSPHRASE)
    startup = make_startup(desk=True)
    with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
        startup.begin()
    assert startup.desk is not None
    settings = startup.desk.open_settings()
    assert settings.rekey.isEnabled()
    QTest.mouseClick(settings.rekey, Qt.MouseButton.LeftButton)
    ask = settings.findChild(QInputDialog, "rekeyPassphrase")
    assert isinstance(ask, QInputDialog)
    assert startup.lock is not None
    with qtbot.waitSignal(startup.lock.unlocked, timeout=30_000):
        ask.setTextValue(PASSPHRASE)
        ask.accept()
    assert startup.opened is not None  # the desk is back, on the new key
    with pytest.raises(DatabaseUnreadable):
        open_engine(paths.database, old_key)
    new_key = KeyFile.read(paths.key_file).unwrap(PASSPHRASE)
    assert new_key != old_key
    assert keychain.load(str(KeyFile.read(paths.key_file).vault_id)) == new_key  # updated too
    assert "re-encrypted under a new key" in startup.window.statusBar().currentMessage()

"""The unlock dialog: a wrong passphrase says so in place, keeps the focus and opens nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.tasks import TaskRunner
from app.vault.vault import UnlockedVault, VaultPaths, create_vault, unlock_with_passphrase
from tests.gui.conftest import unnamed_controls
from views.shell.unlock_dialog import UnlockDialog

PASSPHRASE = "lantern orchard seventeen"


@pytest.fixture
def paths(tmp_path: Path) -> VaultPaths:
    created = create_vault(VaultPaths(tmp_path / "vault"), PASSPHRASE)
    created.vault.close()
    return created.vault.paths


@pytest.fixture
def dialog(qtbot: QtBot, tasks: TaskRunner, paths: VaultPaths) -> UnlockDialog:
    widget = UnlockDialog(
        lambda passphrase: unlock_with_passphrase(paths, passphrase), tasks, paths.folder
    )
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: widget.passphrase.hasFocus(), timeout=2000)
    return widget


def test_a_wrong_passphrase_shows_the_message_and_opens_nothing(
    qtbot: QtBot, dialog: UnlockDialog, paths: VaultPaths
) -> None:
    before = paths.database.read_bytes()
    unlocked: list[object] = []
    dialog.vault_unlocked.connect(unlocked.append)

    QTest.keyClicks(dialog.passphrase, "not the passphrase")
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.message != "", timeout=10_000)

    assert dialog.message.message.startswith("Wrong passphrase")
    assert dialog.message.isVisible()
    assert dialog.passphrase.hasFocus()
    assert dialog.passphrase.selectedText() == "not the passphrase"  # ready to retype
    assert not dialog.passphrase.isReadOnly()
    assert dialog.isVisible() and unlocked == []
    assert paths.database.read_bytes() == before

    QTest.keyClicks(dialog.passphrase, PASSPHRASE)  # typing replaces the selection
    assert dialog.message.message == ""  # the old complaint goes once the user types
    with qtbot.waitSignal(dialog.vault_unlocked, timeout=10_000) as blocker:
        QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    vault = blocker.args[0]
    assert isinstance(vault, UnlockedVault)
    vault.close()
    assert not dialog.isVisible()


def test_an_empty_passphrase_is_not_tried(qtbot: QtBot, dialog: UnlockDialog) -> None:
    QTest.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.message.message == "Type the vault’s passphrase."
    assert dialog.unlock_button.isEnabled()


def test_quit_rejects_the_dialog(qtbot: QtBot, dialog: UnlockDialog) -> None:
    assert unnamed_controls(dialog) == []
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        QTest.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)

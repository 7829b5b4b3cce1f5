"""The first-run dialog creates a real encrypted vault, a recovery key shown once, or a demo."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.tasks import TaskRunner
from app.vault.keychain import Keychain
from app.vault.vault import (
    CreatedVault,
    UnlockedVault,
    VaultPaths,
    create_vault,
    reset_passphrase_with_recovery,
    unlock_with_passphrase,
)
from tests.gui.conftest import MemoryKeyring, unnamed_controls
from views.shell import first_run_dialog
from views.shell.first_run_dialog import FirstRunDialog

PASSPHRASE = "lantern orchard seventeen"


@pytest.fixture
def paths(tmp_path: Path) -> VaultPaths:
    return VaultPaths(tmp_path / "vault")


@pytest.fixture
def dialog(
    qtbot: QtBot, tasks: TaskRunner, paths: VaultPaths, keychain: Keychain
) -> FirstRunDialog:
    def create(passphrase: str, with_recovery: bool) -> CreatedVault:
        return create_vault(paths, passphrase, with_recovery=with_recovery, keychain=keychain)

    widget = FirstRunDialog(create, tasks, paths.folder)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_passphrases(qtbot: QtBot, dialog: FirstRunDialog, first: str, second: str) -> None:
    QTest.keyClicks(dialog.passphrase, first)
    QTest.keyClicks(dialog.repeat, second)


def wait_for_vault(qtbot: QtBot, dialog: FirstRunDialog, timeout: int = 20_000) -> UnlockedVault:
    with qtbot.waitSignal(dialog.vault_created, timeout=timeout) as blocker:
        pass
    vault = blocker.args[0]
    assert isinstance(vault, UnlockedVault)
    return vault


def test_short_and_different_passphrases_are_explained_beside_the_fields(
    qtbot: QtBot, dialog: FirstRunDialog, paths: VaultPaths
) -> None:
    type_passphrases(qtbot, dialog, "short", "shorter")
    assert "at least 8 characters" in dialog.passphrase_message.message
    assert dialog.repeat_message.message == "The two passphrases differ."
    QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == FirstRunDialog.CHOOSE
    assert not paths.folder.exists()


def test_the_dialog_creates_a_real_encrypted_vault(
    qtbot: QtBot, dialog: FirstRunDialog, paths: VaultPaths, memory_keyring: MemoryKeyring
) -> None:
    dialog.recovery_box.setChecked(False)
    type_passphrases(qtbot, dialog, PASSPHRASE, PASSPHRASE)
    assert dialog.passphrase_message.message == dialog.repeat_message.message == ""
    QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    vault = wait_for_vault(qtbot, dialog)
    vault.close()

    assert paths.database.read_bytes()[:16] != b"SQLite format 3\x00"
    assert paths.key_file.exists()
    assert PASSPHRASE.encode() not in paths.key_file.read_bytes()
    assert len(memory_keyring.secrets) == 1  # cached for the next start
    assert not dialog.isVisible()  # accepted
    unlock_with_passphrase(paths, PASSPHRASE).close()


def test_the_recovery_key_is_shown_once_and_really_recovers(
    qtbot: QtBot, dialog: FirstRunDialog, paths: VaultPaths
) -> None:
    assert dialog.recovery_box.isChecked()  # recommended, so on by default
    type_passphrases(qtbot, dialog, PASSPHRASE, PASSPHRASE)
    QTest.keyClick(dialog.repeat, Qt.Key.Key_Return)  # Enter creates, like the default button
    panel = dialog.recovery_panel
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is panel, timeout=20_000)
    key = panel.key_field.toPlainText()
    assert key.startswith("AGE-SECRET-KEY-1")
    assert panel.key_field.isReadOnly()
    assert not panel.continue_button.isEnabled()
    assert unnamed_controls(dialog) == []

    QTest.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == key
    QApplication.clipboard().clear()
    panel.stored_box.setChecked(True)
    with qtbot.waitSignal(dialog.vault_created, timeout=5000) as blocker:
        QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    blocker.args[0].close()
    assert panel.key_field.toPlainText() == ""  # not kept in the dialog either

    reset_passphrase_with_recovery(paths, key, "a brand new passphrase")
    unlock_with_passphrase(paths, "a brand new passphrase").close()


def test_without_the_demo_module_the_demo_button_explains_and_creates_nothing(
    qtbot: QtBot, dialog: FirstRunDialog, paths: VaultPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_run_dialog, "load_demo_generator", lambda: None)
    type_passphrases(qtbot, dialog, PASSPHRASE, PASSPHRASE)
    QTest.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert "demo program is not part of this version" in dialog.general_message.message
    assert not paths.folder.exists()


def test_the_demo_path_runs_the_generator_with_progress_on_the_new_vault(
    qtbot: QtBot, dialog: FirstRunDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring, with a stand-in generator; the real one is tested just below."""
    from dataclasses import dataclass

    from app.services.cohorts import CohortDraft

    @dataclass(frozen=True)
    class Summary:
        cohorts: int
        participants: int

    calls: list[dict[str, int]] = []
    services: list[Services] = []

    def generate(vault: UnlockedVault, *, progress: object, **size: int) -> Summary:
        assert callable(progress)
        calls.append(size)
        services.append(Services.for_vault(vault))  # one Services per open database
        services[0].cohorts.create(CohortDraft(name="Demo Tuesday"))
        for step in range(1, 11):
            progress(step / 10)
        return Summary(cohorts=1, participants=0)

    monkeypatch.setattr(first_run_dialog, "load_demo_generator", lambda: generate)
    dialog.recovery_box.setChecked(False)
    type_passphrases(qtbot, dialog, PASSPHRASE, PASSPHRASE)
    QTest.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.vault_created, timeout=20_000) as blocker:
        pass
    vault, note = blocker.args
    try:
        assert [c.name for c in services[0].cohorts.list()] == ["Demo Tuesday"]
    finally:
        vault.close()
    assert calls == [first_run_dialog.DEMO_SIZE]
    assert note == "Demo program written: 1 cohorts, 0 people."
    assert dialog.progress.value() == dialog.progress.maximum()


@pytest.mark.skipif(
    importlib.util.find_spec("app.demo") is None,
    reason="app.demo (the demo generator) is not in this branch yet",
)
def test_explore_a_demo_program_fills_the_new_vault(
    qtbot: QtBot, dialog: FirstRunDialog, paths: VaultPaths
) -> None:
    dialog.recovery_box.setChecked(False)
    type_passphrases(qtbot, dialog, PASSPHRASE, PASSPHRASE)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    QTest.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.vault_created, timeout=120_000) as blocker:
        pass
    vault, note = blocker.args
    try:
        cohorts = Services.for_vault(vault).cohorts.list()
        assert len(cohorts) == first_run_dialog.DEMO_SIZE["cohorts"]
    finally:
        vault.close()
    assert note.startswith("Demo program written")
    assert progress and max(progress) >= 1
    unlock_with_passphrase(paths, PASSPHRASE).close()  # the passphrase typed protects it


def test_every_control_is_named_and_tab_follows_the_eye(
    qtbot: QtBot, dialog: FirstRunDialog
) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.passphrase.hasFocus(), timeout=2000)
    assert unnamed_controls(dialog) == []
    for expected in (
        dialog.repeat,
        dialog.show_box,
        dialog.recovery_box,
        dialog.demo_button,
        dialog.quit_button,
        dialog.create_button,
    ):
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected

"""Export and import through the dialogs, between two real vaults: trust, cancel, bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.services import integrity
from app.services.exchange import ExchangeService
from app.sync.importer import ImportReport
from app.tasks import TaskRunner
from tests.gui.conftest import unnamed_controls
from tests.gui.sync_support import (
    HeldExchange,
    click,
    devices,
    grab,
    hold,
    peers,
    pick_file,
    tick,
)
from tests.unit.test_sync_support import Machine, small_program
from views.sync.export_dialog import ExportDialog
from views.sync.import_dialog import ImportDialog

__all__ = ["devices", "hold", "peers"]

Hold = Callable[[Machine, str], HeldExchange]

WAIT = 20_000


def export_dialog(
    qtbot: QtBot, machine: Machine, tasks: TaskRunner, exchange: ExchangeService | None = None
) -> ExportDialog:
    dialog = ExportDialog(
        exchange or machine.services.exchange, machine.services.cohorts, tasks,
        folder=machine.folder,
    )  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.recipient.peer.placeholderText() != "Loading…", timeout=WAIT)
    return dialog


def import_dialog(
    qtbot: QtBot, machine: Machine, tasks: TaskRunner, exchange: ExchangeService | None = None
) -> ImportDialog:
    dialog = ImportDialog(exchange or machine.services.exchange, tasks, folder=machine.folder)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_bundle(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    pick_file(qtbot, dialog.choose_button, lambda: dialog.file_dialog, path)
    qtbot.waitUntil(
        lambda: dialog.panel.go_button.isEnabled() or dialog.bundle_message.isVisible(),
        timeout=WAIT,
    )


def export_to_peer(qtbot: QtBot, dialog: ExportDialog, destination: Path) -> str:
    pick_file(qtbot, dialog.choose_button, lambda: dialog.file_dialog, destination)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        click(dialog.panel.go_button)
    return dialog.panel.result.text()


def run_import(qtbot: QtBot, dialog: ImportDialog) -> ImportReport:
    with qtbot.waitSignal(dialog.imported, timeout=WAIT) as blocker:
        click(dialog.panel.go_button)
    report = blocker.args[0]
    assert isinstance(report, ImportReport)
    return report


def test_export_to_a_peer_then_import_it_into_the_other_vault(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    small_program(a.services)
    exporting = export_dialog(qtbot, a, tasks)
    assert exporting.recipient.to_peer.isChecked() and exporting.scope.since_last.isChecked()
    assert exporting.recipient.peer.currentText().startswith("clinic-laptop")
    assert "none yet" in exporting.scope.since_last.text()
    assert unnamed_controls(exporting) == []
    bundle = a.folder / "for-clinic.ckb"
    sentence = export_to_peer(qtbot, exporting, bundle)
    assert bundle.exists()
    assert sentence.startswith("Wrote ") and "for clinic-laptop (everything;" in sentence
    assert sentence.endswith("/for-clinic.ckb.")
    assert not exporting.panel.go_button.isEnabled()
    assert exporting.panel.stop_button.text() == "Close"

    importing = import_dialog(qtbot, b, tasks)
    assert unnamed_controls(importing) == []
    choose_bundle(qtbot, importing, bundle)
    assert not importing.passphrase.isVisible()
    report = run_import(qtbot, importing)
    assert report.changed_rows > 0 and not report.newly_trusted
    result = importing.panel.result.text()
    assert result.startswith("Imported from front-desk-laptop: ")
    assert "0 changes to review" in result
    assert a.digest() == b.digest()

    again = export_dialog(qtbot, a, tasks)  # the peer is known now: since the last export
    assert again.scope.since_last.isChecked() and "none yet" not in again.scope.since_last.text()


def test_a_bundle_from_an_unknown_device_needs_its_fingerprint_confirmed(
    qtbot: QtBot, devices: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = devices
    small_program(a.services)
    exporting = export_dialog(qtbot, a, tasks)
    assert (
        not exporting.recipient.to_peer.isEnabled()
        and exporting.recipient.no_peers_note.isVisible()
    )
    assert exporting.recipient.to_key.isChecked() and exporting.scope.full.isChecked()
    stranger = a.folder / "stranger.ckb"
    pick_file(qtbot, exporting.choose_button, lambda: exporting.file_dialog, stranger)
    QTest.keyClicks(exporting.recipient.key, "age1notakey")
    click(exporting.panel.go_button)
    key_message = exporting.recipient.key_message
    qtbot.waitUntil(key_message.isVisible, timeout=WAIT)
    assert key_message.text() == "'age1notakey' is not an age recipient (age1…)."
    assert not exporting.panel.message.isVisible() and not stranger.exists()
    exporting.recipient.key.clear()
    QTest.keyClicks(exporting.recipient.key, b.device.age_recipient)
    with qtbot.waitSignal(exporting.exported, timeout=WAIT):
        click(exporting.panel.go_button)

    before = b.digest()
    importing = import_dialog(qtbot, b, tasks)
    choose_bundle(qtbot, importing, a.folder / "stranger.ckb")
    click(importing.panel.go_button)
    check = importing.signer_check
    qtbot.waitUntil(check.isVisible, timeout=WAIT)
    assert check.fingerprint.text() == a.device.card.fingerprint
    assert "front-desk-laptop" in check.intro.text()
    assert importing.panel.go_button.text() == "&Trust and import"
    assert not importing.panel.go_button.isEnabled()  # never silently
    assert b.digest() == before and b.services.exchange.peers() == []
    assert unnamed_controls(importing) == []
    grab(importing, "import-unknown-device.png")
    tick(check.box)
    assert importing.panel.go_button.isEnabled()
    report = run_import(qtbot, importing)
    assert report.newly_trusted
    assert importing.panel.result.text().startswith("Now trusting front-desk-laptop.")
    assert [p.fingerprint for p in b.services.exchange.peers()] == [a.device.card.fingerprint]
    assert not check.isVisible()


def test_cancelling_an_import_rolls_it_back(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner, hold: Hold
) -> None:
    a, b = peers
    small_program(a.services, people=6)
    bundle = a.export(b)
    before = integrity.check(b.vault.database).digest
    held = hold(b, "applying")
    importing = import_dialog(qtbot, b, tasks, held)
    choose_bundle(qtbot, importing, bundle)
    click(importing.panel.go_button)
    qtbot.waitUntil(held.reached.is_set, timeout=WAIT)  # rows are being written now
    assert importing.panel.stop_button.text() == "Cancel"
    assert importing.panel.progress.isVisible() and importing.panel.status.isVisible()
    click(importing.panel.stop_button)
    assert not importing.panel.stop_button.isEnabled()
    held.release.set()
    qtbot.waitUntil(lambda: not importing.panel.running, timeout=WAIT)
    assert importing.panel.message.text() == "The import was cancelled; nothing was changed."
    assert not importing.panel.result.isVisible()
    assert integrity.check(b.vault.database).digest == before
    assert importing.panel.go_button.isEnabled()  # and it can be imported after all
    run_import(qtbot, importing)
    assert b.digest() == a.digest()


def test_cancelling_an_export_leaves_no_file(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner, hold: Hold
) -> None:
    a, _b = peers
    small_program(a.services)
    held = hold(a, "selecting")
    exporting = export_dialog(qtbot, a, tasks, held)
    bundle = a.folder / "never.ckb"
    pick_file(qtbot, exporting.choose_button, lambda: exporting.file_dialog, bundle)
    click(exporting.panel.go_button)
    qtbot.waitUntil(held.reached.is_set, timeout=WAIT)
    exporting.reject()  # Escape or the window's close button: asks to cancel, stays open
    assert exporting.isVisible()
    held.release.set()
    qtbot.waitUntil(lambda: not exporting.panel.running, timeout=WAIT)
    assert exporting.panel.message.text() == "The export was cancelled; no file was written."
    assert sorted(p.name for p in a.folder.iterdir()) == ["vault"]
    assert [p.last_sent_at for p in a.services.exchange.peers()] == [None]


def test_damaged_and_foreign_files_are_refused_in_one_sentence(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    small_program(a.services)
    good = a.export(b).read_bytes()
    damaged = a.folder / "damaged.ckb"
    middle = len(good) // 2
    damaged.write_bytes(good[:middle] + bytes([good[middle] ^ 0x40]) + good[middle + 1 :])
    foreign = a.folder / "notes.ckb"
    foreign.write_text("minutes of Tuesday's group\n")
    before = b.digest()

    importing = import_dialog(qtbot, b, tasks)
    choose_bundle(qtbot, importing, foreign)  # refused on its header, before any import
    assert importing.bundle_message.text() == (
        "This file is not a Circlekeeper bundle (not an age v1 file)."
    )
    assert not importing.panel.go_button.isEnabled()

    choose_bundle(qtbot, importing, damaged)
    assert not importing.bundle_message.isVisible()
    click(importing.panel.go_button)
    qtbot.waitUntil(lambda: importing.panel.message.isVisible(), timeout=WAIT)
    sentence = importing.panel.message.text()
    assert sentence == (
        "The bundle cannot be decrypted: it was made for another device, or it is damaged."
    )
    assert not importing.panel.result.isVisible()
    assert b.digest() == before


def test_a_passphrase_bundle_round_trip(
    qtbot: QtBot, devices: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = devices
    small_program(a.services)
    exporting = export_dialog(qtbot, a, tasks)
    QTest.keyClicks(exporting.recipient.passphrase, "seventeen lanterns")
    QTest.keyClicks(exporting.recipient.repeat, "seventeen lantern")
    pick_file(qtbot, exporting.choose_button, lambda: exporting.file_dialog, a.folder / "p.ckb")
    assert exporting.recipient.to_passphrase.isChecked()
    click(exporting.panel.go_button)
    assert exporting.recipient.passphrase_message.text() == "The two passphrases differ."
    assert not exporting.panel.running
    QTest.keyClicks(exporting.recipient.repeat, "s")
    with qtbot.waitSignal(exporting.exported, timeout=WAIT):
        click(exporting.panel.go_button)

    importing = import_dialog(qtbot, b, tasks)
    choose_bundle(qtbot, importing, a.folder / "p.ckb")
    assert importing.passphrase.isVisible()
    click(importing.panel.go_button)
    assert importing.panel.message.text() == "Type the bundle’s passphrase first."
    QTest.keyClicks(importing.passphrase, "seventeen lanterns")
    click(importing.panel.go_button)
    qtbot.waitUntil(importing.signer_check.isVisible, timeout=WAIT)  # a stranger, still
    tick(importing.signer_check.box)
    assert run_import(qtbot, importing).changed_rows > 0
    assert a.digest() == b.digest()


def test_export_of_chosen_cohorts_keyboard_and_screenshot(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    for name in ("Monday Evening IOP", "Thursday Dual Diagnosis", "Tuesday Adolescent IOP"):
        small_program(a.services, people=1, name=name)
    exporting = export_dialog(qtbot, a, tasks)
    exporting.activateWindow()  # Tab moves the application's focus: the window must be active
    qtbot.waitUntil(exporting.isActiveWindow, timeout=WAIT)
    exporting.recipient.peer.setFocus()
    # Under load the focus may still be on its way (window activation is asynchronous).
    qtbot.waitUntil(lambda: exporting.focusWidget() is exporting.recipient.peer, timeout=WAIT)
    QTest.keyClick(exporting.recipient.peer, Qt.Key.Key_Tab)  # the tab order follows the eye
    assert exporting.focusWidget() is exporting.recipient.key  # radios in a group: arrows, not Tab
    exporting.scope.some_cohorts.setFocus()
    QTest.keyClick(exporting.scope.some_cohorts, Qt.Key.Key_Space)
    assert exporting.scope.cohort_list.isEnabled()
    click(exporting.panel.go_button)
    assert exporting.scope.cohort_message.text() == "Tick at least one cohort."
    assert exporting.destination_message.text() == "Choose where to save the bundle."
    for row in (0, 2):
        exporting.scope.cohort_list.item(row).setCheckState(Qt.CheckState.Checked)
    exporting.scope.full.setChecked(True)
    bundle = a.folder / "two-cohorts.ckb"
    sentence = export_to_peer(qtbot, exporting, bundle)
    assert "for clinic-laptop (everything;" in sentence
    grab(exporting, "export-dialog.png")
    b.import_(bundle)
    names = {c.name for c in b.services.cohorts.list()}
    assert names == {"Monday Evening IOP", "Tuesday Adolescent IOP"}

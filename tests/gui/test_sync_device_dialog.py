"""This device: the card shown, copied and saved; a peer trusted only after its fingerprint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import Settings
from app.tasks import TaskRunner
from tests.gui.conftest import unnamed_controls
from tests.gui.sync_support import click, devices, grab, pick_file, tick
from tests.unit.test_sync_support import Machine
from views.shell.main_window import MainWindow
from views.sync.device_dialog import DeviceDialog, TrustPeerDialog
from views.sync.sync_actions import SyncActions, install_sync

__all__ = ["devices"]

WAIT = 20_000


def device_dialog(qtbot: QtBot, machine: Machine, tasks: TaskRunner) -> DeviceDialog:
    dialog = DeviceDialog(machine.services.exchange, tasks, folder=machine.folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=WAIT)
    return dialog


def test_the_card_is_shown_copied_and_saved(
    qtbot: QtBot, devices: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, _b = devices
    dialog = device_dialog(qtbot, a, tasks)
    card = a.device.card
    assert dialog.heading.text() == "This device: front-desk-laptop"
    assert dialog.fingerprint.text() == card.fingerprint
    assert dialog.card_text.toPlainText() == card.to_text()
    assert dialog.no_peers.isVisible() and dialog.peers.rowCount() == 0
    assert unnamed_controls(dialog) == []
    click(dialog.copy_button)
    assert QGuiApplication.clipboard().text() == card.to_text()
    target = a.folder / "front-desk.card"
    pick_file(qtbot, dialog.save_button, lambda: dialog.save_dialog, target)
    qtbot.waitUntil(lambda: "Saved the contact card" in dialog.card_note.text(), timeout=WAIT)
    assert target.read_text() == card.to_text()


def test_a_peer_is_trusted_only_after_its_fingerprint_is_confirmed(
    qtbot: QtBot, devices: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = devices
    card_file = b.folder / "clinic.card"
    b.services.exchange.save_contact_card(card_file)
    dialog = device_dialog(qtbot, a, tasks)
    pick_file(qtbot, dialog.trust_button, lambda: dialog.open_dialog, card_file)
    qtbot.waitUntil(lambda: dialog.findChild(TrustPeerDialog) is not None, timeout=WAIT)
    trusting = dialog.findChild(TrustPeerDialog)
    assert isinstance(trusting, TrustPeerDialog)
    qtbot.waitUntil(trusting.isVisible, timeout=WAIT)
    assert trusting.check.fingerprint.text() == b.device.card.fingerprint
    assert "clinic-laptop" in trusting.check.intro.text()
    assert not trusting.trust_button.isEnabled()
    assert unnamed_controls(trusting) == []
    tick(trusting.check.box)
    with qtbot.waitSignal(dialog.peer_trusted, timeout=WAIT):
        click(trusting.trust_button)
    qtbot.waitUntil(lambda: dialog.peers.rowCount() == 1, timeout=WAIT)
    assert [p.name for p in a.services.exchange.peers()] == ["clinic-laptop"]
    assert not dialog.no_peers.isVisible()
    grab(dialog, "this-device.png")

    own = a.folder / "own.card"
    a.services.exchange.save_contact_card(own)
    pick_file(qtbot, dialog.trust_button, lambda: dialog.open_dialog, own)
    qtbot.waitUntil(lambda: dialog.trust_message.isVisible(), timeout=WAIT)
    assert dialog.trust_message.text() == "That is this device’s own contact card."

    damaged = a.folder / "damaged.card"
    damaged.write_text(card_file.read_text().replace("name: clinic-laptop", "name: x")[:-20])
    pick_file(qtbot, dialog.trust_button, lambda: dialog.open_dialog, damaged)
    qtbot.waitUntil(lambda: "own" not in dialog.trust_message.text(), timeout=WAIT)
    qtbot.waitUntil(dialog.trust_message.isVisible, timeout=WAIT)
    assert dialog.trust_message.text() == "The contact card's age recipient is not valid."
    assert dialog.findChildren(TrustPeerDialog) == []


def test_the_main_window_offers_the_sync_actions_and_the_count(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner, tmp_path: Path
) -> None:
    window = MainWindow(settings, tasks)
    qtbot.addWidget(window)
    sync = install_sync(window, services, tasks)
    with qtbot.waitSignal(sync.conflict_count_changed, timeout=WAIT):
        pass
    menu = window.file_menu
    assert isinstance(menu, QMenu)
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts == [
        "&New cohort…", "&Back up…", "&Export…", "&Import…",
        "This &device and trusted devices…", "Changes to &review…",
        "&Settings…", "&Lock", "&Quit",
    ]  # fmt: skip
    assert not sync.review_button.isVisible()  # nothing waits
    dialog = sync.open_import()
    assert dialog.isVisible() and dialog.parent() is window
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # open(), not exec()
    dialog.reject()
    sync.remove()


def test_a_records_history_lists_every_earlier_value(
    qtbot: QtBot, services: Services, tasks: TaskRunner
) -> None:
    person = services.participants.create(ParticipantDraft(display_name="Ana"))
    services.participants.set_clinician_notes(person.id, "first visit")
    services.participants.set_clinician_notes(person.id, "second visit")
    window = QWidget()
    qtbot.addWidget(window)
    sync = SyncActions(services.exchange, services.sync_review, services.cohorts, tasks, window)
    dialog = sync.open_history("participant", person.id)
    qtbot.waitUntil(lambda: dialog.history.rowCount() == 2, timeout=WAIT)
    assert dialog.heading.text() == "History of Ana"
    assert [row.value for row in dialog.history.rows] == ["first visit", ""]
    assert dialog.history.index(0, 0).data() == "clinician notes"
    assert unnamed_controls(dialog) == []
    sync.remove()

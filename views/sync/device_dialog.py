"""This device: its contact card and fingerprint, the trusted devices, and trusting one more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.exchange import ExchangeService
from app.sync.keys import ContactCard
from app.sync.peers import PeerRow
from app.tasks import TaskRunner
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path
from views.sync.fingerprint_check import FingerprintCheck, fingerprint_label
from views.sync.table_models import PeerColumn, PeerTableModel
from views.sync.wording import CARD_FILTER, sync_message


@dataclass(frozen=True, slots=True)
class DeviceState:
    card: ContactCard
    peers: list[PeerRow]


class TrustPeerDialog(QDialog):
    """Shows a peer's card and trusts it only once the user confirms its fingerprint."""

    peer_trusted = Signal(object)

    def __init__(
        self,
        card: ContactCard,
        exchange: ExchangeService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trustPeerDialog")
        self.setWindowTitle("Trust a device")
        self._card, self._exchange, self._tasks = card, exchange, tasks
        self.check = FingerprintCheck(self)
        self.check.show_device(
            f"Trust “{card.name}”? This vault will then accept its bundles, and you can "
            "export bundles that only it can open. Its fingerprint:",
            card.fingerprint,
        )
        self.message = FieldMessage(None, self)
        self.buttons = QDialogButtonBox(self)
        self.trust_button = QPushButton("&Trust this device", self)
        self.trust_button.setAccessibleName("Trust this device")
        self.trust_button.setEnabled(False)
        self.buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.check.confirmed_changed.connect(self.trust_button.setEnabled)
        self.buttons.accepted.connect(self._trust)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Trust a device", self))
        layout.addWidget(self.check)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.check.box.setFocus()

    @Slot()
    def _trust(self) -> None:
        if not self.check.confirmed:
            return
        self.trust_button.setEnabled(False)
        exchange, card = self._exchange, self._card
        self._tasks.submit(
            lambda: exchange.trust(card),
            on_success=self._on_trusted,
            on_failure=self._on_failed,
            owner=self,
            name="trust device",
        )

    def _on_trusted(self, peer: PeerRow) -> None:
        self.peer_trusted.emit(peer)
        self.accept()

    def _on_failed(self, error: Exception) -> None:
        self.trust_button.setEnabled(True)
        self.message.show_message(sync_message(error))


class DeviceDialog(QDialog):
    """This device's card (copy, save as a file), its fingerprint, and the trusted devices.

    "Trust a device…" reads a card file and opens ``TrustPeerDialog``; ``peer_trusted(row)``
    follows a newly trusted device. Every read and write goes through the task runner.
    """

    peer_trusted = Signal(object)

    def __init__(
        self,
        exchange: ExchangeService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("This device")
        self._exchange, self._tasks = exchange, tasks
        self._folder = folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        self.card: ContactCard | None = None
        self.save_dialog: QFileDialog | None = None
        self.open_dialog: QFileDialog | None = None

        self.heading = heading_label("This device", self)
        intro = note_label(
            "Give this contact card to the devices you exchange bundles with. Their owners "
            "check it by the fingerprint: read it to them by phone or in person.",
            self,
        )
        self.fingerprint = fingerprint_label(self)
        self.fingerprint.setObjectName("ownFingerprint")
        self.card_text = QPlainTextEdit(self)
        self.card_text.setReadOnly(True)
        self.card_text.setAccessibleName("Contact card")
        self.card_text.setTabChangesFocus(True)
        self.card_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.card_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.card_text.setFixedHeight(self.card_text.fontMetrics().lineSpacing() * 7 + 24)
        self.copy_button = QPushButton("&Copy card", self)
        self.copy_button.setAccessibleName("Copy the contact card")
        self.copy_button.clicked.connect(self.copy_card)
        self.save_button = QPushButton("&Save card as…", self)
        self.save_button.setAccessibleName("Save the contact card as a file")
        self.save_button.clicked.connect(self.choose_card_file)
        self.card_note = note_label("", self)
        self.card_message = FieldMessage(None, self)
        card_buttons = QHBoxLayout()
        card_buttons.addWidget(self.copy_button)
        card_buttons.addWidget(self.save_button)
        card_buttons.addStretch(1)

        self.peers = PeerTableModel(self)
        self.peer_table = QTableView(self)
        self.peer_table.setObjectName("peerTable")
        self.peer_table.setAccessibleName("Trusted devices")
        self.peer_table.setModel(self.peers)
        self.peer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.peer_table.setTabKeyNavigation(False)
        self.peer_table.verticalHeader().hide()
        header = self.peer_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PeerColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.no_peers = note_label("No trusted devices yet.", self)
        self.trust_button = QPushButton("&Trust a device…", self)
        self.trust_button.setAccessibleName("Trust a device from its contact card")
        self.trust_button.clicked.connect(self.choose_peer_card)
        self.trust_message = FieldMessage(None, self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.trust_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        peers_heading = heading_label("Trusted devices", self, scale=1.1)
        peers_note = note_label("Bundles from these devices are accepted here.", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.card_text)
        layout.addLayout(card_buttons)
        layout.addWidget(self.card_note)
        layout.addWidget(self.card_message)
        layout.addSpacing(8)
        layout.addWidget(peers_heading)
        layout.addWidget(peers_note)
        layout.addWidget(self.peer_table, 1)
        layout.addWidget(self.no_peers)
        layout.addWidget(self.trust_message)
        layout.addLayout(bottom)
        self.setMinimumSize(620, 560)
        self.copy_button.setFocus()
        self.reload()

    @Slot()
    def reload(self) -> None:
        exchange = self._exchange
        self._tasks.submit(
            lambda: DeviceState(exchange.contact_card(), exchange.peers()),
            on_success=self._on_loaded,
            on_failure=lambda error: self.card_message.show_message(sync_message(error)),
            key="device-dialog",
            owner=self,
            name="device and peers",
        )

    def _on_loaded(self, state: DeviceState) -> None:
        self.card = state.card
        self.heading.setText(f"This device: {state.card.name}")
        self.fingerprint.setText(state.card.fingerprint)
        self.fingerprint.setAccessibleName(f"This device’s fingerprint {state.card.fingerprint}")
        self.card_text.setPlainText(state.card.to_text())
        self.peers.set_rows(state.peers)
        self.no_peers.setVisible(not state.peers)

    # -- this device's card ---------------------------------------------------------------

    @Slot()
    def copy_card(self) -> None:
        if self.card is not None:
            QGuiApplication.clipboard().setText(self.card.to_text())
            self.card_note.setText("Copied the contact card to the clipboard.")

    @Slot()
    def choose_card_file(self) -> None:
        if self.card is None:
            return
        if self.save_dialog is None:
            self.save_dialog = QFileDialog(self, "Save the contact card as", str(self._folder))
            self.save_dialog.setObjectName("cardSaveDialog")
            self.save_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.save_dialog.setNameFilter(CARD_FILTER)
            self.save_dialog.setDefaultSuffix("card")
            self.save_dialog.fileSelected.connect(self.save_card)
        self.save_dialog.selectFile(f"{self.card.name}.card")
        self.save_dialog.open()

    @Slot(str)
    def save_card(self, path: str) -> None:
        if not path:
            return
        target, exchange = Path(path), self._exchange
        self.card_message.clear_message()
        self._tasks.submit(
            lambda: exchange.save_contact_card(target),
            on_success=lambda _card: self.card_note.setText(
                f"Saved the contact card to {readable_path(target)}."
            ),
            on_failure=lambda error: self.card_message.show_message(sync_message(error)),
            owner=self,
            name="save contact card",
        )

    # -- trusting a device ----------------------------------------------------------------

    @Slot()
    def choose_peer_card(self) -> None:
        if self.open_dialog is None:
            self.open_dialog = QFileDialog(
                self, "Choose the device’s contact card", str(self._folder)
            )
            self.open_dialog.setObjectName("cardOpenDialog")
            self.open_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            self.open_dialog.setNameFilter(CARD_FILTER)
            self.open_dialog.fileSelected.connect(self.read_peer_card)
        self.open_dialog.open()

    @Slot(str)
    def read_peer_card(self, path: str) -> None:
        if not path:
            return
        source, exchange = Path(path), self._exchange
        self.trust_message.clear_message()
        self._tasks.submit(
            lambda: exchange.read_contact_card(source),
            on_success=self._ask_to_trust,
            on_failure=lambda error: self.trust_message.show_message(sync_message(error)),
            owner=self,
            name="read contact card",
        )

    def _ask_to_trust(self, card: ContactCard) -> None:
        if self.card is not None and card.fingerprint == self.card.fingerprint:
            self.trust_message.show_message("That is this device’s own contact card.")
            return
        dialog = TrustPeerDialog(card, self._exchange, self._tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.peer_trusted.connect(self._on_peer_trusted)
        dialog.open()

    def _on_peer_trusted(self, peer: PeerRow) -> None:
        self.card_note.setText("")
        self.trust_message.clear_message()
        self.reload()
        self.peer_trusted.emit(peer)

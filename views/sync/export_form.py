"""The export dialog's two questions: whom the bundle is for, and what it holds."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.sync.peers import PeerRow
from app.vault.errors import WeakPassphrase
from app.vault.keyfile import check_passphrase_strength
from views.field_message import FieldMessage
from views.heading import note_label
from views.sync.wording import when

TO_PEER, TO_KEY, TO_PASSPHRASE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom a bundle is for, as ``ExportRequest`` takes it."""

    recipients: tuple[str, ...] = ()
    passphrase: str = ""
    peer: PeerRow | None = None


class RecipientBox(QGroupBox):
    """A trusted device, an age public key pasted, or a one-off passphrase typed twice.

    ``peer_changed(peer or None)`` follows the choice (None unless a trusted device is the
    recipient); ``recipient()`` returns the choice, or None with a message beside the field.
    """

    peer_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Who it is for", parent)
        self._peers: list[PeerRow] = []
        self.to_peer = QRadioButton("A &trusted device:", self)
        self.to_key = QRadioButton("An age public &key:", self)
        self.to_passphrase = QRadioButton("A one-off pass&phrase:", self)
        self.kind = QButtonGroup(self)
        for number, radio in enumerate((self.to_peer, self.to_key, self.to_passphrase)):
            self.kind.addButton(radio, number)
            radio.setAccessibleName(radio.text().replace("&", "").rstrip(":"))
        self.peer = QComboBox(self)
        self.peer.setAccessibleName("Trusted device")
        self.peer.setPlaceholderText("Loading…")
        self.no_peers_note = note_label(
            "No trusted devices yet: trust one under File ▸ This device.", self
        )
        self.no_peers_note.hide()
        self.key = QLineEdit(self)
        self.key.setAccessibleName("Age public key")
        self.key.setPlaceholderText("age1…")
        self.passphrase = self._secret("Bundle passphrase")
        self.repeat = self._secret("Bundle passphrase again")
        self.repeat.setPlaceholderText("the same passphrase again")
        self.peer_message = FieldMessage(self.peer, self)
        self.key_message = FieldMessage(self.key, self)
        self.passphrase_message = FieldMessage(self.passphrase, self)
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        rows: list[tuple[QWidget | None, QWidget]] = [
            (self.to_peer, self.peer), (None, self.no_peers_note), (None, self.peer_message),
            (self.to_key, self.key), (None, self.key_message),
            (self.to_passphrase, self.passphrase), (None, self.repeat),
            (None, self.passphrase_message),
        ]  # fmt: skip
        for row, (first, second) in enumerate(rows):
            if first is not None:
                grid.addWidget(first, row, 0)
            grid.addWidget(second, row, 1)
        self.kind.idToggled.connect(self._on_kind_toggled)
        self.peer.currentIndexChanged.connect(lambda _index: self._announce())
        self.key.textEdited.connect(lambda _text: self.to_key.setChecked(True))
        self.passphrase.textEdited.connect(lambda _text: self.to_passphrase.setChecked(True))

    def _secret(self, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    @property
    def focus_chain(self) -> list[QWidget]:
        return [
            self.to_peer, self.peer, self.to_key, self.key,
            self.to_passphrase, self.passphrase, self.repeat,
        ]  # fmt: skip

    def set_peers(self, peers: list[PeerRow]) -> None:
        self._peers = peers
        self.peer.clear()
        self.peer.setPlaceholderText("No trusted devices yet")
        for peer in peers:
            self.peer.addItem(f"{peer.name}  ({peer.fingerprint})", peer.fingerprint)
        self.peer.setCurrentIndex(0 if peers else -1)  # with a placeholder, nothing is chosen
        self.to_peer.setEnabled(bool(peers))
        self.peer.setEnabled(bool(peers))
        self.no_peers_note.setVisible(not peers)
        (self.to_peer if peers else self.to_key).setChecked(True)
        self._announce()
        (self.peer if peers else self.key).setFocus()

    def select_peer(self, fingerprint: str) -> None:
        self.peer.setCurrentIndex(self.peer.findData(fingerprint))
        self.to_peer.setChecked(True)

    @property
    def chosen_peer(self) -> PeerRow | None:
        """The trusted device chosen as the recipient (None for a key or a passphrase)."""
        if not self.to_peer.isChecked():
            return None
        fingerprint = self.peer.currentData()
        return next((p for p in self._peers if p.fingerprint == fingerprint), None)

    @Slot(int, bool)
    def _on_kind_toggled(self, _kind: int, checked: bool) -> None:
        if checked:
            self._announce()

    def _announce(self) -> None:
        self.peer_changed.emit(self.chosen_peer)

    def recipient(self) -> Recipient | None:
        for message in (self.peer_message, self.key_message, self.passphrase_message):
            message.clear_message()
        if self.to_peer.isChecked():
            peer = self.chosen_peer
            if peer is None:
                return self._refuse(self.peer_message, self.peer, "Choose a trusted device.")
            return Recipient(peer=peer)
        if self.to_key.isChecked():
            key = self.key.text().strip()
            if not key.startswith("age1"):
                return self._refuse(
                    self.key_message, self.key, "Paste the device’s age public key (age1…)."
                )
            return Recipient(recipients=(key,))
        passphrase = self.passphrase.text()
        try:
            check_passphrase_strength(passphrase)
        except WeakPassphrase as error:
            return self._refuse(self.passphrase_message, self.passphrase, str(error))
        if self.repeat.text() != passphrase:
            return self._refuse(self.passphrase_message, self.repeat, "The two passphrases differ.")
        return Recipient(passphrase=passphrase)

    @staticmethod
    def _refuse(message: FieldMessage, field: QWidget, text: str) -> None:
        message.show_message(text)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        return


class ScopeBox(QGroupBox):
    """All cohorts or chosen ones; since the last export to the peer (its default) or all.

    ``set_peer(peer)`` follows the recipient: "since the last export" is offered, and
    chosen, only for a trusted device. ``cohorts()`` returns the chosen names (empty for
    all), or None with a message when "only these" has none ticked.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("What it holds", parent)
        self.all_cohorts = QRadioButton("&All cohorts", self)
        self.some_cohorts = QRadioButton("Only &these cohorts:", self)
        self.cohort_kind = QButtonGroup(self)
        self.cohort_kind.addButton(self.all_cohorts, 0)
        self.cohort_kind.addButton(self.some_cohorts, 1)
        self.all_cohorts.setAccessibleName("All cohorts")
        self.some_cohorts.setAccessibleName("Only these cohorts")
        self.all_cohorts.setChecked(True)
        self.cohort_list = QListWidget(self)
        self.cohort_list.setAccessibleName("Cohorts to include")
        self.cohort_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.cohort_list.setEnabled(False)
        self.some_cohorts.toggled.connect(self.cohort_list.setEnabled)
        self.cohort_message = FieldMessage(self.cohort_list, self)
        self.since_last = QRadioButton("", self)
        self.full = QRadioButton("&Everything (a full bundle)", self)
        self.since_last.setAccessibleName("Only what changed since the last export to it")
        self.full.setAccessibleName("Everything")
        self.since_kind = QButtonGroup(self)
        self.since_kind.addButton(self.since_last, 0)
        self.since_kind.addButton(self.full, 1)
        layout = QVBoxLayout(self)
        for widget in (self.all_cohorts, self.some_cohorts, self.cohort_list, self.cohort_message):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addWidget(self.since_last)
        layout.addWidget(self.full)
        self.set_peer(None)

    @property
    def focus_chain(self) -> list[QWidget]:
        return [self.all_cohorts, self.cohort_list, self.since_last]

    def set_cohorts(self, names: list[str]) -> None:
        self.cohort_list.clear()
        for name in names:
            item = QListWidgetItem(name, self.cohort_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.some_cohorts.setEnabled(bool(names))

    @Slot(object)
    def set_peer(self, peer: PeerRow | None) -> None:
        if peer is None:
            text = "Only what &changed since the last export (for a trusted device)"
        elif peer.last_sent_at is None:
            text = f"Only what &changed since the last export to {peer.name} (none yet: everything)"
        else:
            text = (
                f"Only what &changed since the last export to {peer.name}, "
                f"{when(peer.last_sent_at)}"
            )
        self.since_last.setText(text)
        self.since_last.setEnabled(peer is not None)
        (self.since_last if peer is not None else self.full).setChecked(True)

    def cohorts(self) -> tuple[str, ...] | None:
        self.cohort_message.clear_message()
        if not self.some_cohorts.isChecked():
            return ()
        chosen = tuple(
            self.cohort_list.item(row).text()
            for row in range(self.cohort_list.count())
            if self.cohort_list.item(row).checkState() == Qt.CheckState.Checked
        )
        if not chosen:
            self.cohort_message.show_message("Tick at least one cohort.")
            self.cohort_list.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        return chosen

"""File ▸ Export…: whom a bundle is for, what it holds, where it goes; written on a worker."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.cohorts import CohortService
from app.services.exchange import ExchangeService
from app.sync.export import ExportReport, ExportRequest
from app.sync.peers import PeerRow
from app.tasks import TaskCancelled, TaskControl, TaskRunner
from app.vault.errors import WeakPassphrase
from app.vault.keyfile import check_passphrase_strength
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path
from views.sync.task_panel import TaskPanel
from views.sync.wording import (
    BUNDLE_FILTER,
    OperationCancelled,
    export_sentence,
    sync_message,
    when,
)

# Where each stage of ``export_bundle`` sits on the progress bar: (start, end).
STAGES = {"selecting": (0.0, 0.45), "packing": (0.45, 0.85), "encrypting": (0.85, 0.95)}
NO_RETURN = STAGES["encrypting"][0]  # from here the file is being written: no cancelling


@dataclass(frozen=True, slots=True)
class ExportChoices:
    peers: list[PeerRow]
    cohorts: list[str]


def stage_fraction(stage: str, done: int, total: int) -> float:
    start, end = STAGES.get(stage, (1.0, 1.0))
    return start + (end - start) * (done / total if total else 1.0)


def default_name(peer: str, today: dt.date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", peer.lower()).strip("-")[:40] or "bundle"
    return f"circlekeeper-{slug}-{today.isoformat()}.ckb"


class ExportDialog(QDialog):
    """Asks whom a bundle is for, what it holds and where it goes; then writes it.

    Recipients: a trusted device (then "since the last exchange" is the default), an age
    public key, or a one-off passphrase typed twice. The work runs through the task runner;
    Cancel stops it before the file is written (then no file exists); once writing has
    begun, Cancel is disabled. ``exported(report)`` follows a written bundle.
    """

    exported = Signal(object)

    def __init__(
        self,
        exchange: ExchangeService,
        cohorts: CohortService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export a bundle")
        self._exchange, self._cohorts, self._tasks = exchange, cohorts, tasks
        self._folder = folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        self._peers: list[PeerRow] = []
        self._cancel = threading.Event()
        self.file_dialog: QFileDialog | None = None
        self.destination_path: Path | None = None

        intro = note_label(
            "A bundle is an encrypted file with this vault’s changes. Only the device or the "
            "person you choose can open it, and it proves it came from this device.",
            self,
        )
        self.panel = TaskPanel("E&xport", "Export", self)
        self.panel.go_clicked.connect(self._start)
        self.panel.stop_clicked.connect(self._on_stop_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Export a bundle", self))
        layout.addWidget(intro)
        layout.addWidget(self._recipient_group())
        layout.addWidget(self._scope_group())
        layout.addLayout(self._destination_row())
        layout.addWidget(self.panel)
        self._set_tab_order()
        self.setMinimumWidth(600)
        self._load_choices()

    # -- building -------------------------------------------------------------------------

    def _recipient_group(self) -> QGroupBox:
        group = QGroupBox("Who it is for", self)
        self.to_peer = QRadioButton("A &trusted device:", group)
        self.to_key = QRadioButton("An age public &key:", group)
        self.to_passphrase = QRadioButton("A one-off pass&phrase:", group)
        self.recipient_kind = QButtonGroup(self)
        for number, radio in enumerate((self.to_peer, self.to_key, self.to_passphrase)):
            self.recipient_kind.addButton(radio, number)
            radio.setAccessibleName(radio.text().replace("&", "").rstrip(":"))
        self.peer = QComboBox(group)
        self.peer.setAccessibleName("Trusted device")
        self.peer.setPlaceholderText("Loading…")
        self.no_peers_note = note_label(
            "No trusted devices yet: trust one under File ▸ This device.", group
        )
        self.no_peers_note.hide()
        self.key = QLineEdit(group)
        self.key.setAccessibleName("Age public key")
        self.key.setPlaceholderText("age1…")
        self.passphrase = QLineEdit(group)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Bundle passphrase")
        self.repeat = QLineEdit(group)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Bundle passphrase again")
        self.repeat.setPlaceholderText("the same passphrase again")
        self.peer_message = FieldMessage(self.peer, group)
        self.key_message = FieldMessage(self.key, group)
        self.passphrase_message = FieldMessage(self.passphrase, group)
        grid = QGridLayout(group)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.to_peer, 0, 0)
        grid.addWidget(self.peer, 0, 1)
        grid.addWidget(self.no_peers_note, 1, 1)
        grid.addWidget(self.peer_message, 2, 1)
        grid.addWidget(self.to_key, 3, 0)
        grid.addWidget(self.key, 3, 1)
        grid.addWidget(self.key_message, 4, 1)
        grid.addWidget(self.to_passphrase, 5, 0)
        grid.addWidget(self.passphrase, 5, 1)
        grid.addWidget(self.repeat, 6, 1)
        grid.addWidget(self.passphrase_message, 7, 1)
        self.recipient_kind.idToggled.connect(self._on_recipient_kind_toggled)
        self.peer.currentIndexChanged.connect(self._update_since_label)
        self.key.textEdited.connect(lambda _text: self.to_key.setChecked(True))
        self.passphrase.textEdited.connect(lambda _text: self.to_passphrase.setChecked(True))
        return group

    def _scope_group(self) -> QGroupBox:
        group = QGroupBox("What it holds", self)
        self.all_cohorts = QRadioButton("&All cohorts", group)
        self.some_cohorts = QRadioButton("Only &these cohorts:", group)
        self.cohort_scope = QButtonGroup(self)
        self.cohort_scope.addButton(self.all_cohorts, 0)
        self.cohort_scope.addButton(self.some_cohorts, 1)
        self.all_cohorts.setAccessibleName("All cohorts")
        self.some_cohorts.setAccessibleName("Only these cohorts")
        self.all_cohorts.setChecked(True)
        self.cohort_list = QListWidget(group)
        self.cohort_list.setAccessibleName("Cohorts to include")
        self.cohort_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.cohort_list.setEnabled(False)
        self.some_cohorts.toggled.connect(self.cohort_list.setEnabled)
        self.cohort_message = FieldMessage(self.cohort_list, group)
        self.since_last = QRadioButton("Only what &changed since the last export to it", group)
        self.full = QRadioButton("&Everything (a full bundle)", group)
        self.since_last.setAccessibleName("Only what changed since the last export to it")
        self.full.setAccessibleName("Everything")
        self.since_kind = QButtonGroup(self)
        self.since_kind.addButton(self.since_last, 0)
        self.since_kind.addButton(self.full, 1)
        layout = QVBoxLayout(group)
        layout.addWidget(self.all_cohorts)
        layout.addWidget(self.some_cohorts)
        layout.addWidget(self.cohort_list)
        layout.addWidget(self.cohort_message)
        layout.addSpacing(6)
        layout.addWidget(self.since_last)
        layout.addWidget(self.full)
        return group

    def _destination_row(self) -> QVBoxLayout:
        label = QLabel("&Save to:", self)
        self.destination = QLineEdit(self)
        self.destination.setReadOnly(True)
        self.destination.setPlaceholderText("Choose where to save the bundle")
        self.destination.setAccessibleName("Save to")
        label.setBuddy(self.destination)
        self.choose_button = QPushButton("C&hoose…", self)
        self.choose_button.setAccessibleName("Choose where to save the bundle")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_destination)
        self.destination_message = FieldMessage(self.destination, self)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.destination, 1)
        row.addWidget(self.choose_button)
        column = QVBoxLayout()
        column.addLayout(row)
        column.addWidget(self.destination_message)
        return column

    def _set_tab_order(self) -> None:
        order: list[QWidget] = [
            self.to_peer, self.peer, self.to_key, self.key, self.to_passphrase,
            self.passphrase, self.repeat, self.all_cohorts, self.cohort_list,
            self.since_last, self.destination, self.choose_button,
            self.panel.go_button, self.panel.stop_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    # -- choices --------------------------------------------------------------------------

    def _load_choices(self) -> None:
        exchange, cohorts = self._exchange, self._cohorts
        self._tasks.submit(
            lambda: ExportChoices(exchange.peers(), [c.name for c in cohorts.list()]),
            on_success=self._on_choices_loaded,
            on_failure=lambda error: self.panel.message.show_message(sync_message(error)),
            owner=self,
            name="export choices",
        )

    def _on_choices_loaded(self, choices: ExportChoices) -> None:
        self._peers = choices.peers
        self.peer.clear()
        self.peer.setPlaceholderText("No trusted devices yet")
        for peer in choices.peers:
            self.peer.addItem(f"{peer.name}  ({peer.fingerprint})", peer.fingerprint)
        self.peer.setCurrentIndex(0 if choices.peers else -1)  # a placeholder selects nothing
        for name in choices.cohorts:
            item = QListWidgetItem(name, self.cohort_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.some_cohorts.setEnabled(bool(choices.cohorts))
        has_peers = bool(choices.peers)
        self.to_peer.setEnabled(has_peers)
        self.peer.setEnabled(has_peers)
        self.no_peers_note.setVisible(not has_peers)
        (self.to_peer if has_peers else self.to_key).setChecked(True)
        self._on_recipient_kind_toggled(self.recipient_kind.checkedId(), True)
        (self.peer if has_peers else self.key).setFocus()

    def select_peer(self, fingerprint: str) -> None:
        self.peer.setCurrentIndex(self.peer.findData(fingerprint))
        self.to_peer.setChecked(True)

    @property
    def chosen_peer(self) -> PeerRow | None:
        fingerprint = self.peer.currentData()
        return next((p for p in self._peers if p.fingerprint == fingerprint), None)

    @Slot(int, bool)
    def _on_recipient_kind_toggled(self, kind: int, checked: bool) -> None:
        if not checked:
            return
        to_peer = kind == 0
        self.since_last.setEnabled(to_peer)
        (self.since_last if to_peer else self.full).setChecked(True)
        self._update_since_label()

    def _update_since_label(self) -> None:
        peer = self.chosen_peer if self.to_peer.isChecked() else None
        if peer is None:
            text = "Only what changed since the last export (for a trusted device)"
        elif peer.last_sent_at is None:
            text = f"Only what changed since the last export to {peer.name} (none yet)"
        else:
            text = (
                f"Only what changed since the last export to {peer.name}, {when(peer.last_sent_at)}"
            )
        self.since_last.setText(text)

    # -- destination ----------------------------------------------------------------------

    @Slot()
    def choose_destination(self) -> None:
        if self.file_dialog is None:
            self.file_dialog = QFileDialog(self, "Save the bundle as", str(self._folder))
            self.file_dialog.setObjectName("bundleFileDialog")
            self.file_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.file_dialog.setNameFilter(BUNDLE_FILTER)
            self.file_dialog.setDefaultSuffix("ckb")
            self.file_dialog.fileSelected.connect(self._on_destination_chosen)
        peer = self.chosen_peer if self.to_peer.isChecked() else None
        self.file_dialog.selectFile(default_name(peer.name if peer else "", dt.date.today()))
        self.file_dialog.open()

    @Slot(str)
    def _on_destination_chosen(self, path: str) -> None:
        if not path:
            return
        self.destination_path = Path(path)
        self._folder = self.destination_path.parent
        self.destination.setText(readable_path(self.destination_path))
        self.destination.setToolTip(str(self.destination_path))
        self.destination_message.clear_message()
        self.panel.go_button.setFocus()

    # -- exporting ------------------------------------------------------------------------

    def request(self) -> ExportRequest | None:
        """The request the form describes; None (with messages beside the fields) if unfit."""
        for message in (
            self.peer_message, self.key_message, self.passphrase_message,
            self.cohort_message, self.destination_message,
        ):  # fmt: skip
            message.clear_message()
        problems: list[tuple[FieldMessage, QWidget, str]] = []
        peer, key, passphrase = self.chosen_peer, self.key.text().strip(), ""
        if self.to_peer.isChecked() and peer is None:
            problems.append((self.peer_message, self.peer, "Choose a trusted device."))
        elif self.to_key.isChecked() and not key.startswith("age1"):
            problems.append(
                (self.key_message, self.key, "Paste the device’s age public key (age1…).")
            )
        elif self.to_passphrase.isChecked():
            passphrase = self.passphrase.text()
            try:
                check_passphrase_strength(passphrase)
            except WeakPassphrase as error:
                problems.append((self.passphrase_message, self.passphrase, str(error)))
            else:
                if self.repeat.text() != passphrase:
                    problems.append(
                        (self.passphrase_message, self.repeat, "The two passphrases differ.")
                    )
        cohorts = tuple(
            self.cohort_list.item(row).text()
            for row in range(self.cohort_list.count())
            if self.cohort_list.item(row).checkState() == Qt.CheckState.Checked
        )
        if self.some_cohorts.isChecked() and not cohorts:
            problems.append((self.cohort_message, self.cohort_list, "Tick at least one cohort."))
        if self.destination_path is None:
            problems.append(
                (self.destination_message, self.choose_button, "Choose where to save the bundle.")
            )
        for message, _field, text in problems:
            message.show_message(text)
        if problems:
            problems[0][1].setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        assert self.destination_path is not None
        return ExportRequest(
            destination=self.destination_path,
            recipients=(key,) if self.to_key.isChecked() else (),
            passphrase=passphrase,
            cohorts=cohorts if self.some_cohorts.isChecked() else (),
            since_peer=peer.fingerprint if self.to_peer.isChecked() and peer else None,
            full=self.full.isChecked(),
        )

    @Slot()
    def _start(self) -> None:
        request = self.request()
        if request is None or self.panel.running:
            return
        self._cancel = threading.Event()
        cancel, exchange = self._cancel, self._exchange

        def work(control: TaskControl) -> ExportReport:
            def progress(stage: str, done: int, total: int) -> None:
                # Never after "written": the file is in place and its transaction commits.
                if stage in STAGES:
                    if control.cancelled:
                        raise TaskCancelled
                    if cancel.is_set():
                        raise OperationCancelled
                control.report_progress(stage_fraction(stage, done, total))

            return exchange.export(request, progress)

        self.panel.start("Choosing what changed…")
        self._tasks.submit_controlled(
            work,
            on_success=self._on_exported,
            on_failure=self._on_failed,
            on_progress=self._on_progress,
            owner=self,
            name="export bundle",
        )

    def _on_progress(self, fraction: float) -> None:
        self.panel.set_fraction(fraction)
        if fraction >= NO_RETURN:
            self.panel.cancelling("Encrypting and writing the file…")
        elif fraction >= STAGES["packing"][0] and not self._cancel.is_set():
            self.panel.set_status("Packing and signing…")

    def _on_exported(self, report: ExportReport) -> None:
        late = (
            " (It was already being written when you cancelled.)" if self._cancel.is_set() else ""
        )
        self.panel.show_result(export_sentence(report) + late)
        self.exported.emit(report)

    def _on_failed(self, error: Exception) -> None:
        if isinstance(error, ValueError) and self.to_key.isChecked():
            self.panel.show_failure("")  # the key is not an age recipient: say so beside it
            self.key_message.show_message(str(error))
            self.key.setFocus()
            return
        self.panel.show_failure(sync_message(error))

    @Slot()
    def _on_stop_clicked(self) -> None:
        if self.panel.running:
            self._cancel.set()
            self.panel.cancelling("Cancelling…")
        else:
            self.reject()

    # -- Qt overrides ---------------------------------------------------------------------

    def reject(self) -> None:
        if self.panel.running:  # Escape while writing asks to cancel, and waits for it
            self._on_stop_clicked()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.panel.running:
            self._on_stop_clicked()
            event.ignore()
            return
        super().closeEvent(event)

"""File ▸ Export…: whom a bundle is for, what it holds, where it goes; written on a worker."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.cohorts import CohortService
from app.services.exchange import ExchangeService
from app.sync.export import ExportReport, ExportRequest
from app.sync.peers import PeerRow
from app.tasks import TaskCancelled, TaskControl, TaskRunner
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path
from views.sync.export_form import RecipientBox, ScopeBox
from views.sync.task_panel import TaskDialog, TaskPanel
from views.sync.wording import (
    BUNDLE_FILTER,
    OperationCancelled,
    export_sentence,
    sync_message,
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


class ExportDialog(TaskDialog):
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
        self.file_dialog: QFileDialog | None = None
        self.destination_path: Path | None = None

        intro = note_label(
            "A bundle is an encrypted file with this vault’s changes. Only the device or the "
            "person you choose can open it, and it proves it came from this device.",
            self,
        )
        self.recipient = RecipientBox(self)
        self.scope = ScopeBox(self)
        self.recipient.peer_changed.connect(self.scope.set_peer)
        self.panel = TaskPanel("E&xport", "Export", self)
        self.panel.go_clicked.connect(self._start)
        self.panel.stop_clicked.connect(self._on_stop_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Export a bundle", self))
        layout.addWidget(intro)
        layout.addWidget(self.recipient)
        layout.addWidget(self.scope)
        layout.addLayout(self._destination_row())
        layout.addWidget(self.panel)
        self._set_tab_order()
        self.setMinimumWidth(600)
        self._load_choices()

    # -- building -------------------------------------------------------------------------

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
            *self.recipient.focus_chain, *self.scope.focus_chain, self.destination,
            self.choose_button, self.panel.go_button, self.panel.stop_button,
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
        self.scope.set_cohorts(choices.cohorts)
        self.recipient.set_peers(choices.peers)

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
        peer = self.recipient.chosen_peer
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
        """The request the form describes; None (with messages beside the fields) if unfit.

        Every problem is shown at once; the focus goes to the first, in reading order.
        """
        self.destination_message.clear_message()
        if self.destination_path is None:
            self.destination_message.show_message("Choose where to save the bundle.")
            self.choose_button.setFocus(Qt.FocusReason.OtherFocusReason)
        cohorts = self.scope.cohorts()
        recipient = self.recipient.recipient()
        if recipient is None or cohorts is None or self.destination_path is None:
            return None
        return ExportRequest(
            destination=self.destination_path,
            recipients=recipient.recipients,
            passphrase=recipient.passphrase,
            cohorts=cohorts,
            since_peer=recipient.peer.fingerprint if recipient.peer is not None else None,
            full=self.scope.full.isChecked(),
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
        if isinstance(error, ValueError) and self.recipient.to_key.isChecked():
            self.panel.show_failure("")  # the key is not an age recipient: say so beside it
            self.recipient.key_message.show_message(str(error))
            self.recipient.key.setFocus()
            return
        self.panel.show_failure(sync_message(error))

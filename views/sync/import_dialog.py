"""File ▸ Import…: a bundle verified, an unknown signer confirmed by a person, then merged."""

from __future__ import annotations

import threading
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

from app.services.exchange import ExchangeService
from app.sync.errors import UnknownSigner
from app.sync.importer import ImportReport
from app.tasks import TaskControl, TaskRunner
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path
from views.sync.fingerprint_check import FingerprintCheck
from views.sync.task_panel import TaskDialog, TaskPanel
from views.sync.wording import BUNDLE_FILTER, import_sentence, plural, sync_message

VERIFIED_AT = 0.1  # decrypting and verifying take the first tenth of the bar, merging the rest


def stage_fraction(stage: str, done: int, total: int) -> float:
    if stage == "decrypting":
        return 0.02
    if stage == "applying":
        return VERIFIED_AT + (1 - VERIFIED_AT) * (done / total if total else 1.0)
    return 1.0


class ImportDialog(TaskDialog):
    """Chooses a bundle, asks for its passphrase if it has one, and merges it.

    A bundle signed by a device this vault does not trust is refused at first (nothing is
    written); the dialog then shows the signer's fingerprint and imports only after the user
    confirms it matches what its owner reads out, trusting the device in the same step.
    Cancel rolls the merge back. ``imported(report)`` follows a merged bundle, and
    ``review_requested`` asks for the changes to review.
    """

    imported = Signal(object)
    review_requested = Signal()
    cancelling_text = "Cancelling; nothing will be changed…"

    def __init__(
        self,
        exchange: ExchangeService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import a bundle")
        self._exchange, self._tasks = exchange, tasks
        self._folder = folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        )
        self._signer: UnknownSigner | None = None
        self._checked_path: Path | None = None
        self._needs_passphrase = False
        self.bundle_path: Path | None = None
        self.file_dialog: QFileDialog | None = None

        intro = note_label(
            "Everything in the bundle is checked before anything is written; then it is "
            "merged in one step, and nothing anyone wrote on either device is lost.",
            self,
        )
        label = QLabel("&Bundle:", self)
        self.bundle = QLineEdit(self)
        self.bundle.setReadOnly(True)
        self.bundle.setPlaceholderText("Choose the bundle file")
        self.bundle.setAccessibleName("Bundle")
        label.setBuddy(self.bundle)
        self.choose_button = QPushButton("C&hoose…", self)
        self.choose_button.setAccessibleName("Choose the bundle file")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_bundle)
        self.bundle_message = FieldMessage(self.bundle, self)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.bundle, 1)
        row.addWidget(self.choose_button)

        self.passphrase_label = QLabel(
            "This bundle is protected by a passphrase. &Passphrase:", self
        )
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Bundle passphrase")
        self.passphrase_label.setBuddy(self.passphrase)
        self.passphrase_label.hide()
        self.passphrase.hide()

        self.signer_check = FingerprintCheck(self)
        self.signer_check.hide()
        self.signer_check.confirmed_changed.connect(self._on_signer_confirmed)

        self.panel = TaskPanel("&Import", "Import", self)
        self.panel.go_button.setEnabled(False)
        self.panel.go_clicked.connect(self._start)
        self.panel.stop_clicked.connect(self._on_stop_clicked)
        self.review_button = QPushButton("&Review changes…", self)
        self.review_button.setAccessibleName("Review changes")
        self.review_button.setAutoDefault(False)
        self.review_button.hide()
        self.review_button.clicked.connect(self._on_review_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("Import a bundle", self))
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.bundle_message)
        layout.addWidget(self.passphrase_label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.signer_check)
        layout.addStretch(1)
        layout.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.panel)
        for first, second in (
            (self.bundle, self.choose_button),
            (self.choose_button, self.passphrase),
            (self.passphrase, self.signer_check.box),
            (self.signer_check.box, self.review_button),
            (self.review_button, self.panel.go_button),
            (self.panel.go_button, self.panel.stop_button),
        ):
            self.setTabOrder(first, second)
        self.setMinimumWidth(560)
        self.choose_button.setFocus()

    # -- choosing -------------------------------------------------------------------------

    @Slot()
    def choose_bundle(self) -> None:
        if self.file_dialog is None:
            self.file_dialog = QFileDialog(self, "Choose a bundle to import", str(self._folder))
            self.file_dialog.setObjectName("bundleFileDialog")
            self.file_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            self.file_dialog.setNameFilter(BUNDLE_FILTER)
            self.file_dialog.fileSelected.connect(self.set_bundle)
        self.file_dialog.open()

    @Slot(str)
    def set_bundle(self, path: str) -> None:
        """Take ``path`` as the bundle and read its header (is a passphrase needed?)."""
        if not path or self.panel.running:
            return
        chosen = self.bundle_path = Path(path)
        self._folder = chosen.parent
        self._signer = None
        self._checked_path = None
        self.signer_check.hide()
        self.review_button.hide()
        self.bundle.setText(readable_path(chosen))
        self.bundle.setToolTip(str(chosen))
        self.bundle_message.clear_message()
        self.panel.message.clear_message()
        self.panel.result.hide()
        self.panel.go_button.setText("&Import")
        self.panel.go_button.setAccessibleName("Import")
        self.panel.go_button.setEnabled(False)
        exchange = self._exchange
        self._tasks.submit(
            lambda: exchange.needs_passphrase(chosen),
            on_success=lambda needed: self._on_checked(chosen, needed),
            on_failure=lambda error: self._on_refused_file(chosen, error),
            key="import-check",
            owner=self,
            name="read bundle header",
        )

    def _on_checked(self, path: Path, needs_passphrase: bool) -> None:
        if path != self.bundle_path:
            return
        self._checked_path = path
        self._needs_passphrase = needs_passphrase
        self.passphrase_label.setVisible(needs_passphrase)
        self.passphrase.setVisible(needs_passphrase)
        self.panel.go_button.setEnabled(True)
        (self.passphrase if needs_passphrase else self.panel.go_button).setFocus()

    def _on_refused_file(self, path: Path, error: Exception) -> None:
        if path == self.bundle_path:
            self.bundle_message.show_message(sync_message(error))
            self.choose_button.setFocus()

    # -- importing ------------------------------------------------------------------------

    @Slot(bool)
    def _on_signer_confirmed(self, confirmed: bool) -> None:
        self.panel.go_button.setEnabled(confirmed and not self.panel.running)

    @Slot()
    def _start(self) -> None:
        path = self._checked_path
        if path is None or self.panel.running:
            return
        if self._needs_passphrase and not self.passphrase.text():
            self.panel.message.show_message("Type the bundle’s passphrase first.")
            self.passphrase.setFocus()
            return
        trust = None
        if self._signer is not None:
            if not self.signer_check.confirmed:
                return
            trust = self._signer.fingerprint
        self._cancel = threading.Event()
        cancel, exchange, passphrase = self._cancel, self._exchange, self.passphrase.text()

        def work(control: TaskControl) -> ImportReport:
            return exchange.import_file(
                path,
                trust=trust,
                passphrase=passphrase,
                progress=lambda stage, done, total: control.report_progress(
                    stage_fraction(stage, done, total)
                ),
                cancelled=lambda: cancel.is_set() or control.cancelled,
            )

        self.choose_button.setEnabled(False)
        self.signer_check.box.setEnabled(False)
        self.panel.start("Decrypting and verifying…")
        self._tasks.submit_controlled(
            work,
            on_success=self._on_imported,
            on_failure=self._on_failed,
            on_progress=self._on_progress,
            owner=self,
            name="import bundle",
        )

    def _on_progress(self, fraction: float) -> None:
        self.panel.set_fraction(fraction)
        if fraction >= VERIFIED_AT and not self._cancel.is_set():
            self.panel.set_status("Merging…")

    def _on_imported(self, report: ImportReport) -> None:
        self._after_run()
        self._signer = None
        self.signer_check.hide()
        self.passphrase.clear()
        late = " (It had already finished when you cancelled.)" if self._cancel.is_set() else ""
        self.panel.show_result(import_sentence(report) + late)
        conflicts = report.stats.conflicts
        if conflicts and not report.already_imported:
            self.review_button.setText(f"&Review {plural(conflicts, 'change')}…")
            self.review_button.show()
        self.imported.emit(report)

    def _on_failed(self, error: Exception) -> None:
        self._after_run()
        if isinstance(error, UnknownSigner):
            self._ask_about_signer(error)
            return
        self.panel.show_failure(sync_message(error))

    def _ask_about_signer(self, signer: UnknownSigner) -> None:
        self._signer = signer
        self.panel.show_failure("")
        self.signer_check.show_device(
            f"This bundle was signed by “{signer.name}”, a device this vault does not trust "
            "yet. Nothing has been imported. Import it only if its owner reads you this "
            "same fingerprint:",
            signer.fingerprint,
        )
        self.signer_check.show()
        self.panel.go_button.setText("&Trust and import")
        self.panel.go_button.setAccessibleName("Trust and import")
        self.panel.go_button.setEnabled(False)
        self.signer_check.box.setFocus()

    def _after_run(self) -> None:
        self.choose_button.setEnabled(True)
        self.signer_check.box.setEnabled(True)

    @Slot()
    def _on_review_clicked(self) -> None:
        self.review_requested.emit()
        self.accept()

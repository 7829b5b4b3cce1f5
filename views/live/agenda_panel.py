"""The pre-session agenda in the window, and "Print to PDF…" through a file dialog."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, Signal, Slot
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.agenda.markdown import render
from app.services.agenda.service import Agenda
from app.services.changes import ROUND_PROGRESS, Changes
from views.errors import user_message
from views.heading import heading_label

if TYPE_CHECKING:
    from app.services.agenda.service import AgendaService
    from app.tasks import TaskRunner


def write_pdf(markdown: str, path: Path, title: str) -> Path:
    """Typeset ``markdown`` on A4 into ``path`` (runs on a worker: no widget is involved)."""
    document = QTextDocument()
    document.setMarkdown(markdown)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Circlekeeper")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    document.print_(writer)
    del writer  # the file is complete once the writer is gone
    return path


def pdf_name(agenda: Agenda) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in agenda.cohort_name)
    return f"Agenda {safe.strip()} {agenda.day.isoformat()}.pdf"


class AgendaPanel(QWidget):
    """Shows an agenda (``AgendaService``) as a document; "Print to PDF…" asks where with a
    file dialog (``open()``) and writes the PDF through the task runner.

    ``load_session(id)`` / ``load_cohort(id)`` read it off the GUI thread, and any change to
    the agenda's cohort announced on the change bus reads it again (scrolled where it was).
    ``pdf_written(path)`` and ``failed(message)`` report the outcome. The agenda is the
    facilitator's: it names who needs a check-in and why, so it belongs in this window,
    never on a shared screen.
    """

    pdf_written = Signal(object)
    failed = Signal(str)

    def __init__(self, agendas: AgendaService, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agendaPanel")
        self.setAccessibleName("Agenda")
        self._agendas, self._tasks = agendas, tasks
        self.agenda: Agenda | None = None
        self.dialog: QFileDialog | None = None
        self._reader: Callable[[], Agenda] | None = None  # what reads the agenda shown
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading_label("Agenda", self, scale=1.15))
        top.addStretch(1)
        self.print_button = QPushButton("Print to PDF…", self)
        self.print_button.setAccessibleName("Print the agenda to PDF")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.ask_for_pdf_path)
        top.addWidget(self.print_button)
        layout.addLayout(top)
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Agenda text")
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.browser.setPlainText("Loading the agenda…")
        tasks.changed.connect(self._on_vault_changed)

    def load_session(self, session_id: uuid.UUID) -> None:
        agendas = self._agendas
        self._load(lambda: agendas.for_session(session_id))

    def load_cohort(self, cohort_id: uuid.UUID) -> None:
        agendas = self._agendas
        self._load(lambda: agendas.for_cohort(cohort_id))

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        agenda, reader = self.agenda, self._reader
        if agenda is None or reader is None or changes.only(ROUND_PROGRESS):
            return
        if changes.touches_cohort(agenda.cohort_id):
            self._load(reader)

    def _load(self, work: Callable[[], Agenda]) -> None:
        self._reader = work
        self._tasks.submit(
            work,
            on_success=self.show_agenda,
            on_failure=self._on_failed,
            key=f"agenda-{id(self)}",
            owner=self,
            name="agenda",
        )

    def show_agenda(self, agenda: Agenda) -> None:
        same = self.agenda is not None and self.agenda.cohort_id == agenda.cohort_id
        scrolled = self.browser.verticalScrollBar().value()
        self.agenda = agenda
        self.browser.setMarkdown(render(agenda))
        if same:  # the same agenda again, after a change: read on where it was
            self.browser.verticalScrollBar().setValue(scrolled)
        self.print_button.setEnabled(True)

    def ask_for_pdf_path(self) -> QFileDialog | None:
        if self.agenda is None:
            return None
        dialog = QFileDialog(
            self, "Print the agenda to PDF", str(Path.home() / pdf_name(self.agenda))
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PDF documents (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda chosen: self.print_to(Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def print_to(self, path: Path) -> None:
        if self.agenda is None:
            return
        markdown = render(self.agenda)
        title = f"{self.agenda.cohort_name}: agenda for {self.agenda.day.isoformat()}"
        self.status.setText("Writing the PDF…")
        self._tasks.submit(
            lambda: write_pdf(markdown, path, title),
            on_success=self._on_written,
            on_failure=self._on_failed,
            owner=self,
            name="agenda PDF",
        )

    def _on_written(self, path: Path) -> None:
        self.status.setText(f"Saved {path.name}.")
        self.pdf_written.emit(path)

    def _on_failed(self, error: Exception) -> None:
        message = user_message(error)
        self.status.setText(message)
        self.failed.emit(message)

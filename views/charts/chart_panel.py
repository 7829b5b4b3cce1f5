"""A titled card around one chart, with a "Save chart…" button that writes PNG or SVG."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from views.charts.chart import SAVE_FORMATS, Chart
from views.heading import heading_label, note_label, readable_path

NAME_FILTERS = ("PNG image (*.png)", "SVG drawing (*.svg)")


def file_stem(title: str) -> str:
    """``Weekly attendance rate`` → ``weekly-attendance-rate``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chart"


class ChartPanel(QFrame):
    """A card: the chart's title, a sentence on how to read it, the chart, and "Save chart…".

    The button opens a file dialog (``open()``, never ``exec()``) offering PNG and SVG; the
    chosen file gets the extension of the chosen type when it has none. ``saved(path)`` is
    emitted after a save, and the card says where the file went; a failure is explained in
    a message box. ``suggested_name`` is the file name the dialog proposes.
    """

    saved = Signal(Path)

    def __init__(
        self, title: str, chart: Chart, parent: QWidget | None = None, *, note: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{file_stem(title)}-panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self.title = title
        self.chart = chart
        self.suggested_name = file_stem(title)
        self.dialog: QFileDialog | None = None
        self.heading = heading_label(title, self, scale=1.1)
        self.note = note_label(note, self)
        self.note.setVisible(bool(note))
        self.status = note_label("", self)
        self.status.setObjectName("chartSaveStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.save_button = QPushButton("Save chart…", self)
        self.save_button.setAccessibleName(f"Save the chart {title}")
        self.save_button.setToolTip("Save this chart as a PNG image or an SVG drawing")
        self.save_button.clicked.connect(self.open_save_dialog)
        chart.setParent(self)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.note)
        header.addLayout(titles, 1)
        header.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(header)
        layout.addWidget(chart, 1)
        layout.addWidget(self.status)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    @Slot()
    def open_save_dialog(self) -> QFileDialog:
        """Ask where to save (non-blocking); the chart is written when a file is chosen."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        dialog = QFileDialog(self, f"Save {self.title}")
        dialog.setObjectName("saveChartDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters(list(NAME_FILTERS))
        dialog.setDefaultSuffix("png")
        if folder and Path(folder).is_dir():
            dialog.setDirectory(folder)
        dialog.selectFile(f"{self.suggested_name}.png")
        # Bound slots only: a lambda holding the dialog, connected to the dialog's own signal,
        # crashed in ~QObject when WA_DeleteOnClose deleted it (PySide6 6.11).
        dialog.filterSelected.connect(self._on_filter_selected)
        dialog.fileSelected.connect(self._save)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog

    @Slot(str)
    def _on_filter_selected(self, chosen: str) -> None:
        if self.dialog is not None:
            self.dialog.setDefaultSuffix("svg" if "*.svg" in chosen else "png")

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None  # deleted on close

    @Slot(str)
    def _save(self, name: str) -> None:
        path = Path(name)
        if path.suffix.lower() not in SAVE_FORMATS:
            path = path.with_name(f"{path.name}.png")
        try:
            self.chart.save_as(path)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            box = QMessageBox(QMessageBox.Icon.Warning, "Chart not saved", "", parent=self)
            box.setText(f"The chart could not be saved as {path.name}.")
            box.setInformativeText(reason or "The system refused to write the file.")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        self.status.setText(f"Saved as {readable_path(path)}")
        self.status.show()
        self.saved.emit(path)

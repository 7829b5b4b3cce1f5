"""The "below the minimum this week" list: a heading, how it is counted, and the table."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from app.services.attendance.summary import AttendanceSummary
from views.attendance.attendance_below_minimum_model import BelowColumn, BelowMinimumTableModel
from views.attendance.attendance_charts import hours_text
from views.heading import heading_label, note_label


class BelowMinimumPanel(QWidget):
    """Who is below the weekly minimum so far, projected over the sessions still to come.

    ``show_summary(summary)`` fills it; ``clear(minimum_minutes)`` empties it while a new
    cohort loads. Hovering a row gives the whole sentence ("Needs both remaining sessions
    to reach 9 h"); the table is read-only and reachable with Tab.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BelowMinimumTableModel(self)
        self.heading = heading_label("Below the minimum this week", self, scale=1.05)
        self.note = note_label("", self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Below the minimum this week")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BelowColumn.TAKES, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def clear(self, minimum_minutes: int) -> None:
        self.model.load([], minimum_minutes)
        self.note.setText("Loading…")

    def show_summary(self, summary: AttendanceSummary) -> None:
        self.model.load(summary.below_minimum, summary.minimum_minutes)
        minimum = hours_text(summary.minimum_minutes)
        self.heading.setText(f"Below the {minimum} minimum this week")
        self.table.setAccessibleName(f"Below the {minimum} minimum this week")
        if summary.below_minimum:
            self.note.setText(
                "Counting every session still scheduled this week as attended in full."
            )
        else:
            self.note.setText(f"Everyone has reached the {minimum} minimum this week.")

"""The toolbar's cohort switcher: the vault's cohorts, loaded through the task runner."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from app.services.changes import Changes
from app.settings import LAST_COHORT, Settings
from app.tasks import TaskRunner
from views.errors import user_message

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow, CohortService
    from views.cohorts.new_cohort_dialog import NewCohortDialog


class CohortSwitcher(QComboBox):
    """Lists the cohorts (``CohortService.list()``) and says which one is selected.

    ``cohort_selected(row | None)`` is emitted after the first load and whenever the
    selected cohort changes (another one, or the same one edited); None means the vault has
    no cohort yet. The last selected cohort is kept in the settings and selected again at
    the next start. ``open_new_cohort_dialog()`` opens the new-cohort dialog; the cohort it
    creates is loaded and selected. Any change to a cohort announced on the change bus (an
    import, another window's edit) reloads the list. ``load_failed(message)`` reports a
    load that did not work, in one sentence.
    """

    cohort_selected = Signal(object)
    load_failed = Signal(str)

    def __init__(
        self,
        cohorts: CohortService,
        tasks: TaskRunner,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cohortSwitcher")
        self.setAccessibleName("Cohort")
        self.setToolTip("The cohort every page shows")
        self.setMinimumContentsLength(22)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setPlaceholderText("Loading cohorts…")
        self.setEnabled(False)
        self._cohorts = cohorts
        self._tasks = tasks
        self._settings = settings
        self._rows: list[CohortRow] = []
        self._dialog: NewCohortDialog | None = None
        self._announced: CohortRow | None = None
        self._select_next: uuid.UUID | None = None
        self.loaded = False
        self.currentIndexChanged.connect(self._on_current_index_changed)
        tasks.changed.connect(self._on_vault_changed)

    @property
    def rows(self) -> list[CohortRow]:
        return list(self._rows)

    @property
    def current_cohort(self) -> CohortRow | None:
        index = self.currentIndex()
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Load the cohorts again and select ``select`` (else the current or last one)."""
        current = self.current_cohort
        if select is not None:
            self._select_next = select  # a reload that supersedes this one selects it too
        wanted = self._select_next or (current.id if current else None) or _uuid(self._settings)
        cohorts = self._cohorts
        self._tasks.submit(
            lambda: (wanted, cohorts.list()),
            on_success=self._on_loaded,
            on_failure=self._on_load_failed,
            key="cohort-switcher",
            owner=self,
        )

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        if self.loaded and changes.touches("cohort"):
            self.reload()

    def _on_loaded(self, loaded: tuple[uuid.UUID | None, list[CohortRow]]) -> None:
        wanted, rows = loaded
        self._select_next = None
        self.blockSignals(True)  # one cohort_selected for the whole refill, not one per item
        try:
            self.clear()
            self._rows = rows
            for row in rows:
                suffix = "" if row.status.value == "active" else f" ({row.status.value})"
                self.addItem(f"{row.name}{suffix}")
            ids = [row.id for row in rows]
            self.setCurrentIndex(ids.index(wanted) if wanted in ids else (0 if rows else -1))
            self.setPlaceholderText("No cohorts yet")
            self.setEnabled(bool(rows))
        finally:
            self.blockSignals(False)
        first, self.loaded = not self.loaded, True
        if first or self.current_cohort != self._announced:
            self._announce()

    def _on_load_failed(self, error: Exception) -> None:
        self.setPlaceholderText("Cohorts could not be loaded")
        self.load_failed.emit(user_message(error))

    @Slot(int)
    def _on_current_index_changed(self, _index: int) -> None:
        self._announce()

    def _announce(self) -> None:
        row = self._announced = self.current_cohort
        if row is not None:
            self._settings.set(LAST_COHORT, str(row.id))
        self.cohort_selected.emit(row)

    @Slot()
    def open_new_cohort_dialog(self) -> NewCohortDialog:
        """Open (or raise) the new-cohort dialog; window-modal, never a nested event loop."""
        from views.cohorts.new_cohort_dialog import NewCohortDialog

        if self._dialog is not None:
            self._dialog.raise_()
            self._dialog.activateWindow()
            return self._dialog
        # The window, not this combo, is the parent: a disabled combo would disable its children.
        dialog = NewCohortDialog(self._cohorts, self._tasks, parent=self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.cohort_created.connect(self._on_cohort_created)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_cohort_created(self, row: CohortRow) -> None:
        self.reload(select=row.id)

    def _on_dialog_finished(self, _result: int) -> None:
        self._dialog = None


def _uuid(settings: Settings) -> uuid.UUID | None:
    try:
        return uuid.UUID(settings.get(LAST_COHORT))
    except ValueError:
        return None

"""The window's sync actions (export, import, this device, review) and the waiting-changes count."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QToolButton, QWidget

from app.services.changes import Changes
from app.services.cohorts import CohortService
from app.services.exchange import ExchangeService
from app.services.sync_review import SyncReviewService
from app.tasks import TaskRunner
from views.shell.locked import locked_stand_in
from views.sync.device_dialog import DeviceDialog, TrustPeerDialog
from views.sync.export_dialog import ExportDialog
from views.sync.history_dialog import RecordHistoryDialog
from views.sync.import_dialog import ImportDialog
from views.sync.review_dialog import ReviewDialog
from views.sync.wording import plural, sync_message

OURS = (ExportDialog, ImportDialog, DeviceDialog, ReviewDialog, RecordHistoryDialog)
SERVICE_ATTRIBUTES = ("_exchange", "_review", "_cohorts")

if TYPE_CHECKING:
    from app.services.container import Services
    from views.shell.main_window import MainWindow


class SyncActions(QObject):
    """Owns the sync actions and dialogs; the window only places ``actions`` and ``review_button``.

    Built by the composition root once the vault is open, over that vault's services; call
    ``remove()`` before those services go (the actions leave the menus, the dialogs close).
    ``conflict_count_changed(n)`` follows every count of the changes waiting for review,
    which is counted again (and the review window reloaded) whenever the change bus says
    everything changed: an import or a settled conflict. (The pages follow the bus too.)
    """

    conflict_count_changed = Signal(int)
    notice = Signal(str)

    def __init__(
        self,
        exchange: ExchangeService,
        review: SyncReviewService,
        cohorts: CohortService,
        tasks: TaskRunner,
        window: QWidget,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__(window)
        self._exchange, self._review, self._cohorts = exchange, review, cohorts
        self._tasks, self._window, self._folder = tasks, window, folder
        self.waiting = 0
        self.review_dialog: ReviewDialog | None = None
        self.export_action = self._action(
            "&Export…",
            "Ctrl+E",
            "Write this vault’s changes to an encrypted bundle",
            self.open_export,
        )
        self.import_action = self._action(
            "&Import…", "Ctrl+I", "Merge a bundle from another device", self.open_import
        )
        self.device_action = self._action(
            "This &device and trusted devices…", "",
            "This device’s contact card and fingerprint; the devices it trusts",
            self.open_device,
        )  # fmt: skip
        self.review_action = self._action(
            "Changes to &review…", "", "Conflicts sync could not settle on its own",
            self.open_review,
        )  # fmt: skip
        self.review_button = QToolButton(window)
        self.review_button.setObjectName("reviewCount")
        self.review_button.setAutoRaise(True)
        self.review_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.review_button.clicked.connect(self.open_review)
        self.review_button.hide()
        tasks.changed.connect(self._on_vault_changed)

    def _action(self, text: str, shortcut: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.export_action, self.import_action, self.device_action, self.review_action]

    # -- dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def open_export(self) -> ExportDialog:
        dialog = ExportDialog(
            self._exchange, self._cohorts, self._tasks, self._window, folder=self._folder
        )
        dialog.exported.connect(lambda report: self.notice.emit(f"Wrote {report.path.name}."))
        self._open(dialog)
        return dialog

    @Slot()
    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self._exchange, self._tasks, self._window, folder=self._folder)
        dialog.imported.connect(self._on_imported)
        dialog.review_requested.connect(self.open_review)
        self._open(dialog)
        return dialog

    @Slot()
    def open_device(self) -> DeviceDialog:
        dialog = DeviceDialog(self._exchange, self._tasks, self._window, folder=self._folder)
        self._open(dialog)
        return dialog

    @Slot()
    def open_review(self) -> ReviewDialog:
        """The one review window, shown and raised (it stays open beside the main window)."""
        if self.review_dialog is None:
            dialog = ReviewDialog(self._review, self._tasks, self._window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.conflicts_changed.connect(self._on_conflicts_changed)
            dialog.destroyed.connect(self._on_review_closed)
            self.review_dialog = dialog  # from now on the change bus keeps it up to date
        self.review_dialog.show()
        self.review_dialog.raise_()
        self.review_dialog.activateWindow()
        return self.review_dialog

    def open_history(self, entity: str, row_id: uuid.UUID) -> RecordHistoryDialog:
        """A record's history (for pages: e.g. a check-in's "History…"); non-modal."""
        dialog = RecordHistoryDialog(self._review, self._tasks, entity, row_id, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @Slot()
    def _on_review_closed(self) -> None:
        self.review_dialog = None

    # -- after changes --------------------------------------------------------------------

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        if not changes.everything:
            return  # conflicts come only from imports (and leave only by being settled)
        self.refresh_count()
        if self.review_dialog is not None:
            self.review_dialog.reload()

    def _on_imported(self, _report: object) -> None:
        self.refresh_count()  # an import of a bundle already imported announces nothing

    @Slot()
    def _on_conflicts_changed(self) -> None:
        self.refresh_count()

    @Slot()
    def refresh_count(self) -> None:
        review = self._review
        self._tasks.submit(
            review.open_conflict_count,
            on_success=self._show_count,
            on_failure=lambda error: self.notice.emit(sync_message(error)),
            key="sync-conflict-count",
            owner=self,
            name="conflicts waiting",
        )

    def _show_count(self, waiting: int) -> None:
        self.waiting = waiting
        text = f"{plural(waiting, 'change')} to review"
        self.review_button.setText(text)
        self.review_button.setAccessibleName(text)
        self.review_button.setToolTip("Open the changes sync could not settle on its own")
        self.review_button.setVisible(waiting > 0)
        self.review_action.setText(
            f"Changes to &review ({waiting})…" if waiting else "Changes to &review…"
        )
        self.conflict_count_changed.emit(waiting)

    def remove(self) -> None:
        """Take the actions out of the window and close the dialogs (before the vault closes).

        The dialogs are destroyed at once and every reference to the closing vault's
        services is dropped, so its engine (and the key its connect hook holds) can go.
        """
        for dialog in self._window.findChildren(QDialog):
            if isinstance(dialog, (*OURS, TrustPeerDialog)):
                dialog.close()
                for name in SERVICE_ATTRIBUTES:
                    if hasattr(dialog, name):
                        setattr(dialog, name, locked_stand_in("services"))
                shiboken6.delete(dialog)
        self.review_dialog = None
        self._exchange = self._review = self._cohorts = locked_stand_in("services")
        self.review_button.deleteLater()
        self.deleteLater()  # its actions leave every menu with it


def install_sync(window: MainWindow, services: Services, tasks: TaskRunner) -> SyncActions:
    """Build the sync actions over ``services`` and place them in ``window``."""
    sync = SyncActions(services.exchange, services.sync_review, services.cohorts, tasks, window)
    window.add_file_actions(sync.actions)
    window.add_status_widget(sync.review_button)
    sync.notice.connect(window.show_notice)
    sync.refresh_count()
    return sync

"""The main window: a shell that hosts the cohort switcher, the pages, menus and status bar."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeySequence,
    QPaintEvent,
    QUndoGroup,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app import __version__
from app.settings import LAST_PAGE, WINDOW_GEOMETRY, Settings
from app.tasks import TaskRunner
from views.empty_state import EmptyState
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.desk_page import DeskPage
from views.shell.status_bar import DeskStatusBar

if TYPE_CHECKING:
    from app.services.search import SearchHit

TITLE = "Circlekeeper"


def redo_keys() -> list[QKeySequence]:
    """The platform's redo keys, and Ctrl+Shift+Z wherever it isn't one of them."""
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    if QKeySequence("Ctrl+Shift+Z") not in keys:
        keys.append(QKeySequence("Ctrl+Shift+Z"))
    return keys


class MainWindow(QMainWindow):
    """Hosts what it is given and nothing more: it never talks to services itself.

    Until ``install_desk(switcher, pages)`` it shows a state message (``show_state``), and
    the actions that need an open vault are disabled; its title then says what is going on,
    and is exactly "Circlekeeper" once the desk is installed. ``new_cohort_requested`` is
    emitted by File ▸ New cohort and by every page's empty state. The geometry and the last
    page are restored from the settings and saved when the window closes. ``first_painted``
    is emitted once, after the first paint (heavy start-up work waits for it).

    Requests it cannot answer itself are signals: ``search_requested`` (Edit ▸ Find),
    ``settings_requested``, ``backup_requested`` and ``lock_requested``. For the lock it
    offers ``place()``, ``close_dialogs()``, ``remove_desk()`` (the switcher and the pages
    are destroyed at once) and ``show_lock_screen(w)``; the unlock installs a new desk.
    ``open_record(hit)`` shows a search result on its page. Edit ▸ Undo and Redo follow
    the shown page's ``undo_stack``.
    """

    new_cohort_requested = Signal()
    first_painted = Signal()
    search_requested = Signal()
    settings_requested = Signal()
    backup_requested = Signal()
    lock_requested = Signal()

    def __init__(
        self, settings: Settings, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{TITLE} — opening the vault")
        self._settings = settings
        self._painted = False
        self.pages: list[DeskPage] = []
        self.switcher: CohortSwitcher | None = None
        self.desk_open = False
        self.undo_group = QUndoGroup(self)
        self._no_undo = QUndoStack(self)  # active while a page keeps no history
        self.undo_group.addStack(self._no_undo)

        self.state = EmptyState(self)
        self.state.setObjectName("windowState")
        self.state.show_state("Opening the vault…", "")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pageStack")
        self.stack.addWidget(self.state)
        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.setFixedWidth(180)
        self.navigation.setStyleSheet("QListWidget#navigation::item { padding: 6px 8px; }")
        self.navigation.hide()  # until there are pages to list
        self.navigation.currentRowChanged.connect(self._on_navigation_row_changed)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar(tasks)
        self._restore_geometry()

    # -- building -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_cohort_action = QAction("&New cohort…", self)
        self.new_cohort_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_cohort_action.setStatusTip("Create a cohort: a group with a weekly schedule")
        self.new_cohort_action.setEnabled(False)
        self.new_cohort_action.triggered.connect(self.new_cohort_requested)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.backup_action = self._action("&Back up…", self.backup_requested)
        self.backup_action.setStatusTip("Write an encrypted copy of the vault to a folder")
        self.lock_action = self._action("&Lock", self.lock_requested, QKeySequence("Ctrl+L"))
        self.lock_action.setStatusTip("Close the vault now; the passphrase opens it again")
        self.find_action = self._action(
            "&Find…", self.search_requested, QKeySequence(QKeySequence.StandardKey.Find)
        )
        self.find_action.setStatusTip("Find people, check-ins and goals")
        self.settings_action = QAction("&Settings…", self)
        preferences = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
        self.settings_action.setShortcuts(preferences or [QKeySequence("Ctrl+,")])
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.settings_requested)
        # The window owns the undo keys; the page on show does the undoing (its own checks,
        # e.g. not while a write is pending). Pages add no Ctrl+Z of their own: two enabled
        # actions on one key are ambiguous to Qt, and then neither fires.
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.undo_action.triggered.connect(self._undo)
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcuts(redo_keys())
        self.redo_action.triggered.connect(self._redo)
        for action, prefix, changed in (
            (self.undo_action, "&Undo", self.undo_group.undoTextChanged),
            (self.redo_action, "&Redo", self.undo_group.redoTextChanged),
        ):
            action.setEnabled(False)
            changed.connect(
                lambda text, action=action, prefix=prefix: action.setText(
                    f"{prefix} {text}" if text else prefix
                )
            )
        self.undo_group.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_group.canRedoChanged.connect(self.redo_action.setEnabled)
        self.about_action = QAction("&About Circlekeeper", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.page_actions = QActionGroup(self)
        self.page_actions.setExclusive(True)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Cohort", self)
        self.toolbar.setObjectName("cohortToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(16, 16))
        self.cohort_label = QLabel(" &Cohort: ", self.toolbar)
        self.toolbar.addWidget(self.cohort_label)
        placeholder = self._locked_switcher()
        self.cohort_label.setBuddy(placeholder)
        self._switcher_action = self.toolbar.addWidget(placeholder)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.new_cohort_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _locked_switcher(self) -> QComboBox:
        """The toolbar's cohort box while there is no desk: empty and disabled."""
        placeholder = QComboBox(self.toolbar)
        placeholder.setAccessibleName("Cohort")
        placeholder.setPlaceholderText("Vault locked")
        placeholder.setMinimumContentsLength(22)
        placeholder.setEnabled(False)
        return placeholder

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_cohort_action)
        file_menu.addAction(self.backup_action)
        self._file_menu_end = file_menu.addSeparator()  # export/import go above it
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        self.view_menu = bar.addMenu("&View")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_status_bar(self, tasks: TaskRunner) -> None:
        status = DeskStatusBar(tasks, self)
        self.setStatusBar(status)
        self.status = status
        self.busy_label, self.busy_bar = status.busy_label, status.busy_bar
        self.vault_label, self.backup_label = status.vault_label, status.backup_label

    def _action(
        self, text: str, signal: SignalInstance, shortcut: QKeySequence | None = None
    ) -> QAction:
        """An action that needs the open vault: disabled until the desk is installed."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.setEnabled(False)
        action.triggered.connect(signal)
        return action

    def _restore_geometry(self) -> None:
        saved = self._settings.get(WINDOW_GEOMETRY)
        if saved and self.restoreGeometry(QByteArray(saved)):
            return
        available = self.screen().availableGeometry()
        self.resize(min(1120, available.width()), min(720, available.height()))
        self.move(available.center() - self.rect().center())

    # -- hosting --------------------------------------------------------------------------

    def install_desk(
        self, switcher: CohortSwitcher, pages: Sequence[DeskPage], page_key: str = ""
    ) -> None:
        """Host the switcher and the pages; each page follows the switcher's selection.

        The page shown is ``page_key`` (where the user was before a lock), else the last one
        kept in the settings.
        """
        self.switcher = switcher
        self._swap_switcher(switcher)
        self.new_cohort_requested.connect(switcher.open_new_cohort_dialog)
        switcher.load_failed.connect(self.show_notice)
        for number, page in enumerate(pages, start=1):
            self.pages.append(page)
            self.stack.addWidget(page)
            self.navigation.addItem(page.title)
            item = self.navigation.item(number - 1)
            item.setToolTip(f"{page.title} (Ctrl+{number})")
            action = QAction(f"&{number} {page.title}", self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=page.key: self.show_page(key))
            self.page_actions.addAction(action)
            self.view_menu.addAction(action)
            switcher.cohort_selected.connect(page.set_cohort)
            page.new_cohort_requested.connect(self.new_cohort_requested)
            page.page_requested.connect(self.show_page)
            if page.undo_stack is not None:
                self.undo_group.addStack(page.undo_stack)
        self._set_desk_open(True)
        self.setTabOrder(switcher, self.navigation)
        self.setTabOrder(self.navigation, self.stack)
        self.show_page(page_key or self._settings.get(LAST_PAGE))
        self.navigation.setFocus()

    def _swap_switcher(self, widget: QWidget) -> None:
        """Put ``widget`` where the toolbar's cohort box is (the old one is destroyed)."""
        old_action = self._switcher_action
        old = self.toolbar.widgetForAction(old_action)
        self._switcher_action = self.toolbar.insertWidget(old_action, widget)
        self.toolbar.removeAction(old_action)
        if old is not None:
            old.hide()
            shiboken6.delete(old)  # at once: a locked window keeps nothing of the vault
        self.cohort_label.setBuddy(widget)

    def remove_desk(self) -> None:
        """Destroy the pages and the switcher now (the vault is locking); nothing stays."""
        self._set_desk_open(False)
        self.undo_group.setActiveStack(self._no_undo)
        pages, self.pages, self.switcher = self.pages, [], None
        for action in self.page_actions.actions():
            self.page_actions.removeAction(action)
            shiboken6.delete(action)  # it leaves the View menu with it
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        for page in pages:
            if page.undo_stack is not None:
                self.undo_group.removeStack(page.undo_stack)
            self.stack.removeWidget(page)
            shiboken6.delete(page)
        self._swap_switcher(self._locked_switcher())
        self.status.clearMessage()

    def add_session_actions(self, actions: Sequence[QAction]) -> None:
        """Live-mode actions ("Start group…", "Agenda…"): on the toolbar and in File."""
        for action in actions:
            self.toolbar.addAction(action)
        self.add_file_actions(actions)

    def add_file_actions(self, actions: Sequence[QAction]) -> None:
        """Add a group of actions to the File menu, above Quit (e.g. export and import).

        The separator above them belongs to their owner (the first one's parent): when the
        owner goes (at a lock), the group leaves the menu whole.
        """
        owner = actions[0].parent() if actions else None
        separator = QAction(owner if owner is not None else self)
        separator.setSeparator(True)
        self.file_menu.insertActions(self._file_menu_end, [separator, *actions])

    def add_status_widget(self, widget: QWidget) -> None:
        """Show ``widget`` at the left of the status bar's permanent area."""
        self.statusBar().insertPermanentWidget(0, widget)

    def show_page(self, key: str) -> None:
        """Show the page named ``key`` (the first page when there is none by that name)."""
        keys = [page.key for page in self.pages]
        if not keys:
            return
        row = keys.index(key) if key in keys else 0
        self.navigation.setCurrentRow(row)
        self._on_navigation_row_changed(row)  # also when the row was current already

    @Slot()
    def _undo(self) -> None:
        if self.desk_open and self.current_page is not None:
            self.current_page.undo()

    @Slot()
    def _redo(self) -> None:
        if self.desk_open and self.current_page is not None:
            self.current_page.redo()

    @property
    def current_page(self) -> DeskPage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, DeskPage) else None

    @Slot(int)
    def _on_navigation_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.pages):
            return
        page = self.pages[row]
        self.page_actions.actions()[row].setChecked(True)
        self._settings.set(LAST_PAGE, page.key)
        if self.desk_open:
            self.stack.setCurrentWidget(page)
            self.undo_group.setActiveStack(page.undo_stack or self._no_undo)

    def _set_desk_open(self, open_: bool) -> None:
        self.desk_open = open_
        self.navigation.setVisible(open_)
        self.navigation.setEnabled(open_)
        self.page_actions.setEnabled(open_)
        for action in (
            self.new_cohort_action,
            self.backup_action,
            self.lock_action,
            self.find_action,
        ):
            action.setEnabled(open_)
        self.setWindowTitle(TITLE if open_ else f"{TITLE} — locked")
        self.status.show_vault(open_)

    # -- the lock (see views/shell/lock_controller.py) ------------------------------------------

    def place(self) -> tuple[str, uuid.UUID | None]:
        """The page shown and the cohort selected: where to come back to after a lock."""
        page = self.current_page
        cohort = self.switcher.current_cohort if self.switcher is not None else None
        return (page.key if page is not None else "", cohort.id if cohort is not None else None)

    def close_dialogs(self) -> None:
        """Close every dialog of the window (they may show or hold participant data)."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
                dialog.close()

    def show_lock_screen(self, screen: QWidget) -> None:
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)

    def open_record(self, hit: SearchHit, page_key: str) -> None:
        """Show ``hit`` on the page ``page_key``, in the hit's cohort."""
        switcher = self.switcher
        if switcher is not None and hit.cohort_id is not None:
            ids = [row.id for row in switcher.rows]
            if hit.cohort_id in ids:
                switcher.setCurrentIndex(ids.index(hit.cohort_id))
        self.show_page(page_key)
        page = self.current_page
        if page is not None:
            page.show_record(hit)
            page.setFocus()

    # -- state ----------------------------------------------------------------------------

    def show_state(self, title_note: str, heading: str, body: str = "") -> None:
        """What the window says while there is no desk: opening, locked, or failed."""
        self.setWindowTitle(f"{TITLE} — {title_note}")
        self.state.show_state(heading, body)
        self.stack.setCurrentWidget(self.state)

    def show_vault_unlocked(self, folder: Path) -> None:
        self.status.show_vault(True, folder)

    def show_last_backup(self, at: dt.datetime | None, folder: str = "") -> None:
        self.status.show_last_backup(at, folder)

    @Slot(str)
    def show_notice(self, text: str) -> None:
        if text:
            self.status.showMessage(text, 15_000)

    @Slot()
    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowTitle("About Circlekeeper")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"<b>Circlekeeper {__version__}</b>")
        box.setInformativeText(
            "Check-ins, goals and attendance for virtual intensive outpatient groups. "
            "Everything stays in an encrypted vault on this computer."
        )
        box.open()
        return box

    # -- Qt overrides ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.set(WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        super().closeEvent(event)

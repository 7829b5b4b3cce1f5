"""The main window: a shell that hosts the cohort switcher, the pages, menus and status bar."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app import __version__
from app.settings import LAST_PAGE, WINDOW_GEOMETRY, Settings
from app.tasks import TaskRunner
from views.cohort_switcher import CohortSwitcher
from views.empty_state import EmptyState
from views.pages.page import DeskPage

TITLE = "Circlekeeper"
BUSY_DELAY_MS = 300  # shorter work would only make the indicator flicker


class MainWindow(QMainWindow):
    """Hosts what it is given and nothing more: it never talks to services itself.

    Until ``install_desk(switcher, pages)`` it shows a state message (``show_state``), and
    the actions that need an open vault are disabled; its title then says what is going on,
    and is exactly "Circlekeeper" once the desk is installed. ``new_cohort_requested`` is
    emitted by File ▸ New cohort and by every page's empty state. The geometry and the last
    page are restored from the settings and saved when the window closes. ``first_painted``
    is emitted once, after the first paint (heavy start-up work waits for it).
    """

    new_cohort_requested = Signal()
    first_painted = Signal()

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
        placeholder = QComboBox(self.toolbar)
        placeholder.setAccessibleName("Cohort")
        placeholder.setPlaceholderText("Vault locked")
        placeholder.setMinimumContentsLength(22)
        placeholder.setEnabled(False)
        self.cohort_label.setBuddy(placeholder)
        self._switcher_action = self.toolbar.addWidget(placeholder)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.new_cohort_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_cohort_action)
        self._file_menu_end = file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu
        self.view_menu = bar.addMenu("&View")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_status_bar(self, tasks: TaskRunner) -> None:
        status = self.statusBar()
        self.busy_label = QLabel("Working…", self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setAccessibleName("Background work in progress")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(100)
        self.busy_bar.setMaximumHeight(14)
        self.vault_label = QLabel("Vault locked", self)
        self.vault_label.setObjectName("vaultState")
        for widget in (self.busy_label, self.busy_bar):
            widget.hide()
            status.addPermanentWidget(widget)
        status.addPermanentWidget(self.vault_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self._show_busy(True))
        tasks.activity_changed.connect(self._on_activity_changed)

    def _restore_geometry(self) -> None:
        saved = self._settings.get(WINDOW_GEOMETRY)
        if saved and self.restoreGeometry(QByteArray(saved)):
            return
        available = self.screen().availableGeometry()
        self.resize(min(1120, available.width()), min(720, available.height()))
        self.move(available.center() - self.rect().center())

    # -- hosting --------------------------------------------------------------------------

    def install_desk(self, switcher: CohortSwitcher, pages: Sequence[DeskPage]) -> None:
        """Host the switcher and the pages; each page follows the switcher's selection."""
        self.switcher = switcher
        placeholder_action = self._switcher_action
        placeholder = self.toolbar.widgetForAction(placeholder_action)
        self._switcher_action = self.toolbar.insertWidget(placeholder_action, switcher)
        self.toolbar.removeAction(placeholder_action)
        if placeholder is not None:
            placeholder.deleteLater()
        self.cohort_label.setBuddy(switcher)
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
        self.navigation.show()
        self.new_cohort_action.setEnabled(True)
        self.setWindowTitle(TITLE)
        self.setTabOrder(switcher, self.navigation)
        self.setTabOrder(self.navigation, self.stack)
        self.show_page(self._settings.get(LAST_PAGE))
        self.navigation.setFocus()

    def add_session_actions(self, actions: Sequence[QAction]) -> None:
        """Live-mode actions ("Start group…", "Agenda…"): on the toolbar and in File."""
        for action in actions:
            self.toolbar.addAction(action)
        self.add_file_actions(actions)

    def add_file_actions(self, actions: Sequence[QAction]) -> None:
        """Add a group of actions to the File menu, above Quit (e.g. export and import)."""
        self.file_menu.insertSeparator(self._file_menu_end)
        self.file_menu.insertActions(self._file_menu_end, list(actions))

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

    @property
    def current_page(self) -> DeskPage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, DeskPage) else None

    @Slot(int)
    def _on_navigation_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.pages):
            return
        page = self.pages[row]
        self.stack.setCurrentWidget(page)
        self.page_actions.actions()[row].setChecked(True)
        self._settings.set(LAST_PAGE, page.key)

    # -- state ----------------------------------------------------------------------------

    def show_state(self, title_note: str, heading: str, body: str = "") -> None:
        """What the window says while there is no desk: opening, locked, or failed."""
        self.setWindowTitle(f"{TITLE} — {title_note}")
        self.state.show_state(heading, body)
        self.stack.setCurrentWidget(self.state)

    def show_vault_unlocked(self, folder: Path) -> None:
        self.vault_label.setText("Vault unlocked")
        self.vault_label.setToolTip(f"Encrypted vault in {folder}")

    @Slot(str)
    def show_notice(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 15_000)

    @Slot(int)
    def _on_activity_changed(self, running: int) -> None:
        if running and not self._busy_timer.isActive() and not self.busy_bar.isVisible():
            self._busy_timer.start()
        elif not running:
            self._busy_timer.stop()
            self._show_busy(False)

    def _show_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)

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

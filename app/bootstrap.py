"""Composition root: builds the QApplication, the services and the windows; nothing else does.

Start-up order, chosen so that something is on screen at once: the main window's shell is
shown first (PySide6 only); after its first paint, a worker imports the storage stack,
finds the vault and tries the keychain, then $CIRCLEKEEPER_PASSPHRASE; only then does a
dialog ask for anything (first run, or the passphrase). The services are built once the
vault is open, and ``app.desk.Desk`` builds the pages and windows over them. A lock
destroys the desk whole and the unlock builds a new one where the user was
(``Startup._close_vault`` / ``Startup._adopt``).

Hook for benchmarks: with ``CIRCLEKEEPER_FIRST_PAINT=<time.monotonic() of the launcher>``
in the environment, the process prints ``first-paint <seconds> matplotlib=<yes|no>`` at
the window's first paint, then ``ready <seconds> …`` once the desk is painted (or
``dialog <seconds> …`` when a dialog would wait for the user), and exits.

Hook for end-to-end tests: with ``CIRCLEKEEPER_REPORT_LOADED=1`` the process prints
``loaded <page key>`` each time the page on show has put its data on screen.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from app import __version__
from app.settings import AUTO_LOCK_MINUTES, Settings
from app.tasks import TaskRunner
from app.vault.location import data_dir
from views.errors import user_message
from views.shell.desk_controller import DeskController
from views.shell.idle_watch import IdleWatch
from views.shell.main_window import MainWindow
from views.shell.session_watch import SessionWatch
from views.theme import ThemeController

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.desk import Desk, Place
    from app.services.container import Services
    from app.vault.keychain import Keychain
    from app.vault.lock import WriterLock
    from app.vault.vault import OpenOptions, UnlockedVault
    from views.shell.desk_page import DeskPage
    from views.shell.lock_controller import LockController
    from views.sync.sync_actions import SyncActions

log = logging.getLogger(__name__)

FIRST_PAINT_VARIABLE = "CIRCLEKEEPER_FIRST_PAINT"
REPORT_LOADED_VARIABLE = "CIRCLEKEEPER_REPORT_LOADED"
PASSPHRASE_VARIABLE = "CIRCLEKEEPER_PASSPHRASE"  # noqa: S105 (a variable's name)


def passphrase_from_environment() -> tuple[str | None, str]:
    """$CIRCLEKEEPER_PASSPHRASE, taken out of the environment so that no child process
    inherits it, and a sentence saying why it can't be used when it can't (not UTF-8)."""
    from app.vault import secret_text
    from app.vault.errors import SecretRefused

    try:
        return secret_text.take_from_environment(PASSPHRASE_VARIABLE), ""
    except SecretRefused as error:
        return None, str(error)


def run_window(args: argparse.Namespace) -> int:
    """Start the window; returns the process's exit status."""
    from app.vault.keychain import Keychain

    application = create_application()
    settings = Settings.for_user()
    theme = ThemeController(application, settings)
    theme.apply()
    tasks = TaskRunner(application)
    window = MainWindow(settings, tasks)

    def watch_the_system() -> SessionWatch:
        """Created with the desk, not before the first paint: D-Bus connections take time."""
        watch = SessionWatch(application, parent=window)
        watch.watch_window(window)
        return watch

    secret, refused = passphrase_from_environment()
    startup = Startup(
        folder=data_dir(getattr(args, "data_dir", None)),
        window=window,
        tasks=tasks,
        settings=settings,
        keychain_factory=Keychain.from_system,
        passphrase=secret,
        note=refused,
        idle=IdleWatch(application, settings.get(AUTO_LOCK_MINUTES), parent=window),
        session_watch=watch_the_system,
        desk=DeskController(window, tasks, settings, theme),
    )
    startup.quit_requested.connect(application.exit)
    window.first_painted.connect(startup.begin, Qt.ConnectionType.QueuedConnection)
    QTimer.singleShot(1000, startup.begin)  # a window that is never painted (minimised)
    if FIRST_PAINT_VARIABLE in os.environ:
        _install_paint_probe(float(os.environ[FIRST_PAINT_VARIABLE]), window, startup)
    if os.environ.get(REPORT_LOADED_VARIABLE):
        startup.desk_installed.connect(lambda: _report_loaded(window))
    stop_signals = _quit_on_signals(application)
    previous_hook = sys.excepthook
    sys.excepthook = lambda kind, error, trace: window.show_notice(user_message(error))
    window.show()
    try:
        return application.exec()
    finally:
        sys.excepthook = previous_hook
        stop_signals()
        startup.close()
        settings.sync()


def create_application() -> QApplication:
    QApplication.setApplicationName("Circlekeeper")
    QApplication.setOrganizationName("Circlekeeper")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("circlekeeper")
    existing = QApplication.instance()
    application = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    application.setStyle("Fusion")
    application.setWindowIcon(application_icon())
    return application


def application_icon() -> QIcon:
    """The icon in ``resources/icons`` (every window, the task bar and the bundle show it)."""
    from app.resources import resource_path

    return QIcon(str(resource_path("icons", "circlekeeper.svg")))


@dataclass(frozen=True, slots=True)
class Located:
    """What the start-up worker found: the keychain, and an open vault or why there is none."""

    keychain: Keychain
    opened: Opened | None = None
    first_run: bool = False
    note: str = ""
    consent: str = ""  # why opening needs the user's word (an older copy, a lossy -wal)


@dataclass(frozen=True, slots=True)
class Opened:
    vault: UnlockedVault
    services: Services
    note: str = ""


def open_services(vault: UnlockedVault, how: str, note: str = "") -> Opened:
    """Services over ``vault`` and the audit record of the unlock (runs on a worker)."""
    from app.services.container import Services
    from models import AuditAction

    try:
        services = Services.for_vault(vault)
        services.context.record(AuditAction.UNLOCK, detail=f"unlocked by {how}")
    except BaseException:
        vault.close()
        raise
    return Opened(vault, services, note)


def guarded(writer: WriterLock, keychain: Keychain | None, accept_older: bool) -> OpenOptions:
    """How the window opens its vault: as its one writer, with this device's anchors."""
    from app.vault.anchor import AnchorStore
    from app.vault.vault import OpenOptions

    return OpenOptions(
        lock=writer, anchors=AnchorStore.for_user(keychain), accept_older=accept_older
    )


def locate(
    folder: Path,
    keychain_factory: Callable[[], Keychain],
    passphrase: str | None,
    writer: WriterLock,
    accept_older: bool = False,
) -> Located:
    """First run, or the vault opened by keychain or passphrase, or a reason to ask (worker).

    The window is the vault's one writer from here on: ``writer`` is taken first (another
    program holding it is a ``VaultBusy`` the window reports).
    """
    from app.vault.errors import KeychainError, NeedsConsent, WrongPassphrase
    from app.vault.vault import (
        VaultPaths,
        read_key_file,
        unlock_with_keychain,
        unlock_with_passphrase,
    )

    keychain = keychain_factory()
    paths = VaultPaths(folder)
    if not paths.exists():
        return Located(keychain, first_run=True)
    writer.acquire()
    read_key_file(paths)  # a damaged or missing key file is reported before any prompt
    options = guarded(writer, keychain, accept_older)
    note = ""
    try:
        vault = unlock_with_keychain(paths, keychain, options)
    except KeychainError as error:
        vault, note = None, str(error)
    except NeedsConsent as error:
        return Located(keychain, consent=str(error))
    if vault is not None:
        return Located(keychain, open_services(vault, "keychain"))
    if passphrase:
        try:
            vault = unlock_with_passphrase(paths, passphrase, keychain, options)
        except WrongPassphrase:
            note = "The passphrase in $CIRCLEKEEPER_PASSPHRASE did not unlock the vault."
        except NeedsConsent as error:
            return Located(keychain, consent=str(error))
        else:
            return Located(keychain, open_services(vault, "passphrase (environment)", note))
    return Located(keychain, note=note)


class Startup(QObject):
    """Takes the window from "opening" to the desk: decides the flow, owns the open vault.

    ``begin()`` (idempotent) starts; ``dialog_opened(dialog)`` says a dialog now waits for
    the user; ``desk_installed`` says the pages are in the window (again after each
    unlock); ``quit_requested(code)`` asks the application to end (Quit in a dialog, or a
    vault that cannot be opened). ``close()`` stops the workers, then closes the vault.

    Once the desk is installed, ``lock`` (a LockController) locks it after ``idle`` time,
    when the SessionWatch made by ``session_watch()`` reports the system's lock or sleep,
    or on request: this object then destroys the desk (``desk_view``, remembering where
    the user was), closes the vault and drops every reference to it, and adopts the vault
    the lock screen opens again by building a new desk at that place.
    ``desk`` (find, settings, back up) gets the open vault's services while there is one.
    """

    quit_requested = Signal(int)
    dialog_opened = Signal(object)
    desk_installed = Signal()

    def __init__(
        self,
        *,
        folder: Path,
        window: MainWindow,
        tasks: TaskRunner,
        settings: Settings,
        keychain_factory: Callable[[], Keychain],
        passphrase: str | None,
        idle: IdleWatch | None = None,
        session_watch: Callable[[], SessionWatch | None] | None = None,
        desk: DeskController | None = None,
        note: str = "",
    ) -> None:
        super().__init__(window)
        self._note = note  # shown with the passphrase dialog (why the environment's failed)
        self.idle = idle
        self._watch_factory = session_watch
        self.session_watch: SessionWatch | None = None
        self.desk = desk
        self.lock: LockController | None = None
        self.folder = folder
        self.window = window
        self.tasks = tasks
        self.settings = settings
        self._keychain_factory = keychain_factory
        self._passphrase = passphrase
        self._keychain: Keychain | None = None
        self._writer: WriterLock | None = None  # the window's hold on the vault, for its life
        self._lock_screen: QWidget | None = None
        self._started = False
        self.opened: Opened | None = None
        self.sync: SyncActions | None = None
        self.desk_view: Desk | None = None
        self._place: Place | None = None  # where the user was when the vault locked

    @Slot()
    def begin(self) -> None:
        if self._started:
            return
        self._started = True
        self._locate(accept_older=False)

    def _locate(self, *, accept_older: bool) -> None:
        from app.vault.lock import WriterLock

        if self._writer is None:
            self._writer = WriterLock(self.folder, "the Circlekeeper window")
        folder, factory, passphrase = self.folder, self._keychain_factory, self._passphrase
        writer = self._writer
        self.tasks.submit(
            lambda: locate(folder, factory, passphrase, writer, accept_older),
            on_success=self._on_located,
            on_failure=self._on_fatal,
            name="open vault",
        )

    def _options(self, accept_older: bool = False) -> OpenOptions:
        assert self._writer is not None
        return guarded(self._writer, self._keychain, accept_older)

    def _on_located(self, located: Located) -> None:
        self._keychain = located.keychain
        if located.consent:
            self._ask_consent(located.consent)
        elif located.opened is not None:
            self._install(located.opened)
        elif located.first_run:
            self._ask_first_run()
        else:
            self._ask_passphrase(located.note or self._note)

    def _ask_consent(self, text: str) -> None:
        """An older copy, or a -wal that would lose changes: open it only if the user says so."""
        from views.shell.unlock_dialog import consent_box

        box = consent_box(text, self.window)
        box.finished.connect(
            lambda _result: (
                self._locate(accept_older=True)
                if box.property("consented")
                else self.quit_requested.emit(0)
            )
        )
        self.window.show_state("locked", "")
        box.open()
        self.dialog_opened.emit(box)

    def _ask_first_run(self) -> None:
        from app.vault.anchor import AnchorStore
        from app.vault.vault import VaultPaths, create_vault
        from views.shell.first_run_dialog import FirstRunDialog

        paths, keychain, writer = VaultPaths(self.folder), self._keychain, self._writer

        def create(passphrase: str, with_recovery: bool) -> Any:
            anchors = AnchorStore.for_user(keychain)
            return create_vault(
                paths,
                passphrase,
                with_recovery=with_recovery,
                keychain=keychain,
                lock=writer,
                anchors=anchors,
            )

        dialog = FirstRunDialog(create, self.tasks, self.folder, parent=self.window)
        dialog.vault_created.connect(
            lambda vault, note: self._open_services(vault, "a new passphrase", note)
        )
        self._show_dialog(dialog, "new vault")

    def _ask_passphrase(self, note: str) -> None:
        from app.vault.vault import VaultPaths, unlock_with_passphrase
        from views.shell.unlock_dialog import UnlockDialog

        paths, keychain, options = VaultPaths(self.folder), self._keychain, self._options
        dialog = UnlockDialog(
            lambda passphrase, accept_older=False: unlock_with_passphrase(
                paths, passphrase, keychain, options(accept_older)
            ),
            self.tasks,
            self.folder,
            parent=self.window,
        )
        if note:
            dialog.show_error(note)
        dialog.vault_unlocked.connect(lambda vault: self._open_services(vault, "passphrase"))
        self._show_dialog(dialog, "locked")

    def _show_dialog(self, dialog: QDialog, state: str) -> None:
        self.window.show_state(state, "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()
        self.dialog_opened.emit(dialog)

    @Slot(int)
    def _on_dialog_finished(self, result: int) -> None:
        if result == QDialog.DialogCode.Rejected:
            self.quit_requested.emit(0)

    def _open_services(self, vault: UnlockedVault, how: str, note: str = "") -> None:
        self.window.show_state("opening the vault", "Opening the vault…")
        self.tasks.submit(
            lambda: open_services(vault, how, note),
            on_success=self._install,
            on_failure=self._on_fatal,
            name="open services",
        )

    def _install(self, opened: Opened) -> None:
        self._build_desk(opened)
        self.window.show_vault_unlocked(self.folder)
        self.window.show_notice(opened.note)
        self._start_lock()
        self.desk_installed.emit()

    def _build_desk(self, opened: Opened, place: Place | None = None) -> None:
        """The desk, sync and the desk controller over ``opened`` (again after each unlock)."""
        from app.desk import Desk
        from views.sync.sync_actions import install_sync

        self.opened = opened
        services = opened.services
        self.desk_view = Desk(self.window, services, self.tasks, self.settings, place)
        self.sync = install_sync(self.window, services, self.tasks)
        if self.desk is not None:
            self.desk.attach(services, opened.vault.backup)
            self.desk.rekey = self.rekey

    def _start_lock(self) -> None:
        """The lock controller, its lock screen and the idle watch (once, with the desk)."""
        from PySide6.QtCore import QCoreApplication

        from views.shell.lock_controller import LockController
        from views.shell.lock_screen import LockScreen

        keychain, idle = self._keychain, self.idle
        if idle is None:
            application = QCoreApplication.instance()
            assert application is not None  # the window exists, so the application does
            idle = IdleWatch(application, self.settings.get(AUTO_LOCK_MINUTES), parent=self)
        # Parented at once (hidden until a lock): a parentless widget would be Python's to
        # delete, and the garbage collector may run on a worker thread.
        screen = LockScreen(
            self.tasks,
            self._reopen_with_passphrase,
            self._reopen_with_keychain if keychain is not None and keychain.available else None,
            parent=self.window,
        )
        screen.hide()
        self._lock_screen = screen
        if self._watch_factory is not None and self.session_watch is None:
            self.session_watch = self._watch_factory()
        self.lock = LockController(
            window=self.window,
            tasks=self.tasks,
            settings=self.settings,
            idle=idle,
            screen=screen,
            close_vault=self._close_vault,
            adopt=self._adopt,
            session_watch=self.session_watch,
        )
        if self.desk is not None:
            self.desk.idle = idle
            watch = self.session_watch
            self.desk.lock_sources = lambda: watch.sources if watch is not None else []
        self.lock.start()

    def _reopen_with_passphrase(self, passphrase: str) -> Opened:
        """Worker: the lock screen's passphrase opens the vault again."""
        from app.vault.vault import VaultPaths, unlock_with_passphrase

        paths = VaultPaths(self.folder)
        vault = unlock_with_passphrase(paths, passphrase, self._keychain, self._options())
        return open_services(vault, "passphrase after a lock")

    def _reopen_with_keychain(self) -> Opened | None:
        """Worker: the keychain's cached key opens the vault again (None: no key there)."""
        from app.vault.vault import VaultPaths, unlock_with_keychain

        assert self._keychain is not None
        vault = unlock_with_keychain(VaultPaths(self.folder), self._keychain, self._options())
        return None if vault is None else open_services(vault, "keychain after a lock")

    def rekey(self, passphrase: str) -> None:
        """Settings ▸ Re-encrypt: lock the desk, rekey the closed vault on a worker, reopen."""
        if self.lock is None or self.opened is None:
            return
        self.lock.lock("while the database is re-encrypted under a new key")
        if self._lock_screen is not None:
            self._lock_screen.setEnabled(False)  # no unlock while the files change
        self.tasks.submit(
            lambda: self._rekey_then_open(passphrase),
            on_success=self._on_rekeyed,
            on_failure=self._on_rekey_failed,
            name="rekey",
        )

    def _rekey_then_open(self, passphrase: str) -> Opened:
        """Worker: the rekey (crash-safe, see app.vault.rekey), then the vault opened again."""
        from app.vault.rekey import rekey_vault
        from app.vault.vault import VaultPaths

        paths = VaultPaths(self.folder)
        rekey_vault(paths, passphrase, options=self._options(), keychain=self._keychain)
        return self._reopen_with_passphrase(passphrase)

    def _on_rekeyed(self, opened: Opened) -> None:
        if self._lock_screen is not None:
            self._lock_screen.setEnabled(True)
        assert self.lock is not None
        self.lock.resume(opened)
        self.window.show_notice(
            "The database was re-encrypted under a new key: older key files and backups no "
            "longer open it."
        )

    def _on_rekey_failed(self, error: Exception) -> None:
        if self._lock_screen is not None:
            self._lock_screen.setEnabled(True)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Re-encrypt with a new key", user_message(error),
            parent=self.window,
        )  # fmt: skip
        box.setInformativeText("The vault stays locked: unlock it with its passphrase, as before.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.dialog_opened.emit(box)

    def _close_vault(self) -> None:
        """The lock: destroy the desk (typed text saved first), close the vault."""
        if self.sync is not None:
            self.sync.remove()  # its dialogs close; its actions leave the menus
            self.sync = None
        if self.desk is not None:
            self.desk.detach()
        desk, self.desk_view = self.desk_view, None
        if desk is not None:
            self._place = desk.tear_down()  # drafts and notes are written: the vault is open
        opened, self.opened = self.opened, None
        if opened is not None:
            opened.vault.close()

    def _adopt(self, opened: Opened) -> None:
        """The lock screen opened the vault again: a new desk, where the user was."""
        place, self._place = self._place, None
        self._build_desk(opened, place)
        self.desk_installed.emit()

    def _on_fatal(self, error: Exception) -> None:
        message = user_message(error)
        self.window.show_state("the vault could not be opened", "The vault could not be opened")
        box = QMessageBox(QMessageBox.Icon.Critical, "Circlekeeper", message, parent=self.window)
        box.setInformativeText("Circlekeeper will close; nothing was changed.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self.quit_requested.emit(1))
        box.open()
        self.dialog_opened.emit(box)

    def close(self) -> None:
        """Wait for the workers, close the vault, let go of it; safe to call more than once."""
        self.tasks.shutdown()
        opened, self.opened = self.opened, None
        if opened is not None:
            opened.vault.close()
        if self._writer is not None:
            self._writer.release()


def _install_paint_probe(started: float, window: MainWindow, startup: Startup) -> None:
    """The benchmark hook described in this module's docstring."""

    def report(event: str) -> None:
        loaded = "yes" if "matplotlib" in sys.modules else "no"
        print(f"{event} {time.monotonic() - started:.4f} matplotlib={loaded}", flush=True)

    def on_ready() -> None:
        window.repaint()  # synchronous: the desk is on screen when the time is taken
        report("ready")
        startup.quit_requested.emit(0)

    def on_dialog(_dialog: object) -> None:
        report("dialog")
        startup.quit_requested.emit(0)

    window.first_painted.connect(lambda: report("first-paint"))
    startup.desk_installed.connect(on_ready)
    startup.dialog_opened.connect(on_dialog)


def _report_loaded(window: MainWindow) -> None:
    """The end-to-end hook described in this module's docstring."""

    def report(page: DeskPage) -> None:
        if window.current_page is page:
            print(f"loaded {page.key}", flush=True)

    for page in window.pages:
        page.loaded.connect(lambda page=page: report(page))


def _quit_on_signals(application: QApplication) -> Callable[[], None]:
    """SIGINT and SIGTERM end the event loop cleanly (settings saved, vault closed).

    Python runs signal handlers only between bytecodes, and Qt's loop is C++; the handler's
    wake-up byte on a socket makes a QSocketNotifier bring control back to Python.
    """
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, application)

    def on_wakeup() -> None:
        try:
            receiver.recv(64)
        except OSError:
            return
        application.quit()

    notifier.activated.connect(on_wakeup)
    previous_fd = signal.set_wakeup_fd(sender.fileno())
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda *_: None) for number in handled}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        receiver.close()
        sender.close()

    return restore

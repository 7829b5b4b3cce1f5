"""The lock: the vault closed and the desk destroyed, the lock screen shown; unlocking rebuilds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.settings import AUTO_LOCK_MINUTES, KEYCHAIN_AFTER_LOCK, LOCK_WITH_SYSTEM, Settings
from app.tasks import TaskRunner
from views.shell.idle_watch import IdleWatch
from views.shell.lock_screen import LockScreen
from views.shell.main_window import MainWindow

if TYPE_CHECKING:
    from views.shell.session_watch import SessionWatch

log = logging.getLogger(__name__)


class LockController(QObject):
    """Locks after idle time, on the system's lock or sleep, or on request; unlocks back.

    ``lock(reason)`` runs in this order, all on the GUI thread: stop the idle watch; close
    every dialog; drain the task runner (no earlier result arrives afterwards, no worker
    holds a connection); ``close_vault()`` (the composition root remembers where the user
    was, saves what was typed, destroys the desk's pages and windows, disposes the engine
    and drops every reference to it); then show the lock screen. ``locked(reason)`` follows.

    When the lock screen opens the vault again, ``adopt(result)`` (the composition root)
    takes the new vault and builds a new desk where the user was; the idle watch starts
    again and ``unlocked()`` is emitted. No page or window takes part in the lock itself.
    """

    locked = Signal(str)
    unlocked = Signal()

    def __init__(
        self,
        *,
        window: MainWindow,
        tasks: TaskRunner,
        settings: Settings,
        idle: IdleWatch,
        screen: LockScreen,
        close_vault: Callable[[], None],
        adopt: Callable[[Any], None],
        session_watch: SessionWatch | None = None,
    ) -> None:
        super().__init__(window)
        self._window, self._tasks, self._settings = window, tasks, settings
        self._idle, self._screen = idle, screen
        self._close_vault, self._adopt = close_vault, adopt
        self.is_locked = False
        # Queued: ``expired`` may come from inside the event filter, during another
        # widget's input; the lock (which closes dialogs) runs once that has returned.
        idle.expired.connect(self._on_idle, Qt.ConnectionType.QueuedConnection)
        screen.unlocked.connect(self._on_unlocked)
        window.lock_requested.connect(lambda: self.lock("from the menu"))
        if session_watch is not None:
            session_watch.system_locked.connect(self._on_system_locked)

    def start(self) -> None:
        """The desk is open: start counting idle time."""
        self._idle.start()

    @Slot()
    def _on_idle(self) -> None:
        minutes = self._idle.minutes
        self.lock(f"after {minutes} minute{'s' if minutes != 1 else ''} without activity")

    @Slot(str)
    def _on_system_locked(self, reason: str) -> None:
        if self._settings.get(LOCK_WITH_SYSTEM):
            self.lock(f"because {reason}")

    def lock(self, reason: str) -> None:
        if self.is_locked or not self._window.desk_open:
            return
        self.is_locked = True
        self._idle.stop()
        self._window.close_dialogs()
        if not self._tasks.drain():
            log.warning("a task was still running when the vault locked")
        self._close_vault()
        self._window.show_lock_screen(self._screen)
        self._screen.offer_keychain(self._settings.get(KEYCHAIN_AFTER_LOCK))
        self._screen.show_locked(reason)
        self.locked.emit(reason)

    def resume(self, result: Any) -> None:
        """The vault was opened again without the lock screen (after a rekey): as if unlocked."""
        if self.is_locked:
            self._on_unlocked(result)

    @Slot(object)
    def _on_unlocked(self, result: Any) -> None:
        self.is_locked = False
        self._adopt(result)
        self._idle.set_minutes(self._settings.get(AUTO_LOCK_MINUTES))
        self._idle.start()
        self.unlocked.emit()

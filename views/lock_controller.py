"""The lock: every page cleared, the vault closed, the lock screen shown; unlocking goes back."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.settings import AUTO_LOCK_MINUTES, KEYCHAIN_AFTER_LOCK, LOCK_WITH_SYSTEM, Settings
from app.tasks import TaskRunner
from views.idle_watch import IdleWatch
from views.lock_screen import LockScreen
from views.main_window import MainWindow

if TYPE_CHECKING:
    from app.services.container import Services
    from views.session_watch import SessionWatch

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was: ids only, never anything a participant said."""

    page_key: str
    cohort_id: uuid.UUID | None


class LockController(QObject):
    """Locks after idle time, on the system's lock or sleep, or on request; unlocks back.

    ``lock(reason)`` runs in this order, all on the GUI thread: remember the place (page,
    cohort); stop the idle watch; close every dialog; drain the task runner (no earlier
    result arrives afterwards, no worker holds a connection); ``clear()`` every page and
    the cohort switcher; ``close_vault()`` (the composition root disposes the engine and
    drops every reference to it); then show the lock screen. ``locked(reason)`` follows.

    When the lock screen opens the vault again, ``adopt(result)`` (the composition root)
    takes the new vault and returns its services; the pages ``restore`` them, the window
    returns to the remembered page and cohort, and ``unlocked()`` is emitted.
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
        adopt: Callable[[Any], Services],
        session_watch: SessionWatch | None = None,
    ) -> None:
        super().__init__(window)
        self._window, self._tasks, self._settings = window, tasks, settings
        self._idle, self._screen = idle, screen
        self._close_vault, self._adopt = close_vault, adopt
        self.place: Place | None = None
        # Queued: ``expired`` may come from inside the event filter, during another
        # widget's input; the lock (which closes dialogs) runs once that has returned.
        idle.expired.connect(self._on_idle, Qt.ConnectionType.QueuedConnection)
        screen.unlocked.connect(self._on_unlocked)
        window.lock_requested.connect(lambda: self.lock("from the menu"))
        if session_watch is not None:
            session_watch.system_locked.connect(self._on_system_locked)

    @property
    def is_locked(self) -> bool:
        return self.place is not None

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
        window = self._window
        self.place = Place(*window.place())
        self._idle.stop()
        window.close_dialogs()
        if not self._tasks.drain():
            log.warning("a task was still running when the vault locked")
        window.clear_desk()
        self._close_vault()
        window.show_lock_screen(self._screen)
        self._screen.offer_keychain(self._settings.get(KEYCHAIN_AFTER_LOCK))
        self._screen.show_locked(reason)
        self.locked.emit(reason)

    def resume(self, result: Any) -> None:
        """The vault was opened again without the lock screen (after a rekey): as if unlocked."""
        if self.is_locked:
            self._on_unlocked(result)

    @Slot(object)
    def _on_unlocked(self, result: Any) -> None:
        place, self.place = self.place, None
        services = self._adopt(result)
        if place is None:  # pragma: no cover - the screen only shows while locked
            place = Place(*self._window.place())
        self._window.restore_desk(services, place.page_key, place.cohort_id)
        self._idle.set_minutes(self._settings.get(AUTO_LOCK_MINUTES))
        self._idle.start()
        self.unlocked.emit()

"""Idle detection for the auto-lock, judged by the wall clock so that time asleep counts."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

CHECK_MS = 5_000  # how often the clocks are compared; the lock comes at most this late

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.HoverMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)

Clock = Callable[[], float]


class IdleWatch(QObject):
    """Emits ``expired()`` once the user has been away for ``minutes``.

    Activity is any keyboard, mouse, wheel, touch or tablet input to the application (an
    application-wide event filter). A timer compares the clocks with the last activity
    every ``check_ms``, but its interval is not trusted as a measure of time: timers stop
    while the computer sleeps. Idle time is the larger of the wall clock's (``wall``,
    ``time.time``: counts sleep) and the monotonic clock's (``monotonic``: immune to the
    clock being set back), so neither sleep nor a changed clock hides idleness.

    Input that arrives after the limit has already passed (the first key on waking) does
    not count as activity: ``check()`` runs first, and the event is swallowed. From
    ``expired`` until ``stop()`` every input is swallowed, so that nothing reaches a page
    while the lock (which may be queued) is on its way; ``start()`` begins again.
    """

    expired = Signal()

    def __init__(
        self,
        application: QCoreApplication,
        minutes: int,
        *,
        wall: Clock = time.time,
        monotonic: Clock = time.monotonic,
        check_ms: int = CHECK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._application = application
        self._wall, self._monotonic = wall, monotonic
        self._minutes = minutes
        self._last_wall = wall()
        self._last_monotonic = monotonic()
        self._running = False
        self._expired = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)

    @property
    def minutes(self) -> int:
        return self._minutes

    def set_minutes(self, minutes: int) -> None:
        """A new limit; it applies at once to the idle time so far."""
        self._minutes = minutes
        if self._running:
            self.check()

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        self.touch()
        self._expired = False
        if not self._running:
            self._running = True
            self._application.installEventFilter(self)
            self._timer.start()

    def stop(self) -> None:
        self._expired = False
        if self._running:
            self._running = False
            self._application.removeEventFilter(self)
            self._timer.stop()

    def touch(self) -> None:
        """Count this moment as activity."""
        self._last_wall = self._wall()
        self._last_monotonic = self._monotonic()

    def idle_seconds(self) -> float:
        return max(self._wall() - self._last_wall, self._monotonic() - self._last_monotonic)

    def check(self) -> bool:
        """Emit ``expired`` when the limit has passed (once); True while expired."""
        if self._expired:
            return True
        if not self._running or self.idle_seconds() < self._minutes * 60:
            return False
        self._expired = True
        self._timer.stop()
        self.expired.emit()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            if self.check():
                return True  # input after the limit passed never reaches a page
            self.touch()
        return False

"""The operating system's screen lock and sleep, where Qt or the platform lets us hear them.

What each platform gives (and what this module listens to):

- Linux and the BSDs, through D-Bus (QtDBus): logind's ``PrepareForSleep(true)`` on the
  system bus before suspend or hibernation; logind's ``Session.Lock`` on our own session
  (``loginctl lock-session``, and the lock of desktops that go through logind); and
  ``ActiveChanged(true)`` of ``org.freedesktop.ScreenSaver`` (KDE, Xfce, LXQt…) and
  ``org.gnome.ScreenSaver`` (GNOME, Cinnamon) on the session bus when the screen locks.
- Windows: ``WM_POWERBROADCAST``/``PBT_APMSUSPEND`` before sleep and
  ``WM_WTSSESSION_CHANGE``/``WTS_SESSION_LOCK`` (Win+L), through a native event filter
  once ``watch_window`` registered the window with ``WTSRegisterSessionNotification``.
- macOS: Qt reports neither (the notifications live in AppKit's NSWorkspace, out of
  reach without PyObjC). Sleep is still caught on waking by the wall clock (IdleWatch).
- Everywhere: ``QGuiApplication.applicationStateChanged`` to ``ApplicationSuspended``
  (mobile platforms; desktops do not send it).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import SLOT, QAbstractNativeEventFilter, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

LOGIND = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
SCREENSAVERS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


def logind_session_path(session_id: str) -> str:
    """logind's object path for a session id (D-Bus path escaping of non-alphanumerics)."""
    escaped = "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):02x}" for c in session_id)
    return f"{LOGIND_PATH}/session/{escaped}"


class SessionWatch(QObject):
    """Emits ``system_locked(reason)`` when the system locks the screen or goes to sleep.

    ``system_bus`` and ``session_bus`` are QDBusConnections (tests pass private ones);
    by default the real buses are used where there is D-Bus. ``sources`` lists what is
    being listened to, for the settings dialog to say so.
    """

    system_locked = Signal(str)

    def __init__(
        self,
        application: QGuiApplication,
        *,
        system_bus: Any | None = None,
        session_bus: Any | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sources: list[str] = []
        self._application = application
        application.applicationStateChanged.connect(self._on_state_changed)
        self._native: QAbstractNativeEventFilter | None = None
        if system_bus is None and session_bus is None and _has_dbus():
            from PySide6.QtDBus import QDBusConnection

            system_bus, session_bus = QDBusConnection.systemBus(), QDBusConnection.sessionBus()
        if system_bus is not None and system_bus.isConnected():
            self._listen_to_logind(system_bus)
        if session_bus is not None and session_bus.isConnected():
            self._listen_to_screensavers(session_bus)

    def _listen_to_logind(self, bus: Any) -> None:
        if bus.connect(
            LOGIND,
            LOGIND_PATH,
            f"{LOGIND}.Manager",
            "PrepareForSleep",
            self,
            SLOT("_on_prepare_for_sleep(bool)"),
        ):
            self.sources.append("sleep (logind)")
        session = os.environ.get("XDG_SESSION_ID")
        if session and bus.connect(
            LOGIND,
            logind_session_path(session),
            f"{LOGIND}.Session",
            "Lock",
            self,
            SLOT("_on_session_lock()"),
        ):
            self.sources.append("session lock (logind)")

    def _listen_to_screensavers(self, bus: Any) -> None:
        heard = False
        for path, interface in SCREENSAVERS:
            heard |= bool(
                bus.connect(
                    "", path, interface, "ActiveChanged", self, SLOT("_on_screensaver(bool)")
                )
            )
        if heard:
            self.sources.append("screen lock (screensaver)")

    def watch_window(self, window: QWidget) -> None:
        """Windows: register ``window`` for session-lock notifications (elsewhere nothing)."""
        if sys.platform == "win32" and self._native is None:
            self._native = _windows_filter(window, self.system_locked.emit)
            if self._native is not None:
                self._application.installNativeEventFilter(self._native)
                self.sources.append("sleep and Win+L (Windows)")

    @Slot(bool)
    def _on_prepare_for_sleep(self, going: bool) -> None:
        if going:
            self.system_locked.emit("the computer went to sleep")

    @Slot()
    def _on_session_lock(self) -> None:
        self.system_locked.emit("the session was locked")

    @Slot(bool)
    def _on_screensaver(self, active: bool) -> None:
        if active:
            self.system_locked.emit("the screen was locked")

    @Slot(Qt.ApplicationState)
    def _on_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self.system_locked.emit("the application was suspended")


def _has_dbus() -> bool:
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    try:
        import PySide6.QtDBus  # noqa: F401
    except ImportError:
        return False
    return True


def _windows_filter(window: QWidget, report: Any) -> QAbstractNativeEventFilter | None:
    """The native filter for sleep and Win+L. Unverified here: written to the Win32 docs."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    wm_powerbroadcast, pbt_apmsuspend = 0x0218, 0x0004
    wm_wtssession_change, wts_session_lock = 0x02B1, 0x0007
    try:
        registered = ctypes.windll.wtsapi32.WTSRegisterSessionNotification(
            wintypes.HWND(int(window.winId())),
            0,  # NOTIFY_FOR_THIS_SESSION
        )
    except OSError:
        registered = 0
    if not registered:
        log.info("WTSRegisterSessionNotification failed; Win+L will not lock Circlekeeper")

    class Filter(QAbstractNativeEventFilter):
        def nativeEventFilter(self, event_type: Any, message: Any) -> Any:
            if bytes(event_type) == b"windows_generic_MSG":
                msg = wintypes.MSG.from_address(int(message))
                if msg.message == wm_powerbroadcast and msg.wParam == pbt_apmsuspend:
                    report("the computer went to sleep")
                elif msg.message == wm_wtssession_change and msg.wParam == wts_session_lock:
                    report("the session was locked")
            return False, 0

    return Filter()

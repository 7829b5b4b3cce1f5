"""The real program under Xvfb on a demo vault: the roster, and a profile opened by keyboard."""

from __future__ import annotations

import ctypes
import datetime as dt
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from app.services.profile import ParticipantProfile
from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import SCREENSHOTS, Screen, home_environment, start_program, stop_program

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APP = (sys.executable, "-m", "app")
PROFILE_SUFFIX = " — profile — Circlekeeper"
REVERT_TO_PARENT, CURRENT_TIME = 2, 0
ErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _ignore(_display: int, _event: int) -> int:
    """Xlib's default handler exits the process on any X error (a window not yet viewable)."""
    return 0


IGNORE_X_ERRORS = ErrorHandler(_ignore)


class Keyboard:
    """Key presses sent to the X server through XTEST (libXtst comes with x11-utils)."""

    def __init__(self, display: str) -> None:
        try:
            self._x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
            self._xtst = ctypes.cdll.LoadLibrary("libXtst.so.6")
        except OSError:
            pytest.skip("needs libX11 and libXtst (x11-utils)")
        self._x11.XOpenDisplay.restype = ctypes.c_void_p
        self._x11.XStringToKeysym.restype = ctypes.c_ulong
        self._x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self._xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong
        ]  # fmt: skip
        self._x11.XSetInputFocus.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong
        ]  # fmt: skip
        self._x11.XFlush.argtypes = [ctypes.c_void_p]
        self._x11.XGetInputFocus.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int)
        ]  # fmt: skip
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x11.XSetErrorHandler(IGNORE_X_ERRORS)
        self._x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._display = self._x11.XOpenDisplay(display.encode())
        if not self._display:
            pytest.fail(f"could not open the X display {display}")

    def press(self, *names: str) -> None:
        """Press the keys named (X keysyms, e.g. "Alt_L", "l") together, then release them."""
        codes = [
            self._x11.XKeysymToKeycode(self._display, self._x11.XStringToKeysym(name.encode()))
            for name in names
        ]
        for code in codes:
            self._xtst.XTestFakeKeyEvent(self._display, code, 1, 0)
        for code in reversed(codes):
            self._xtst.XTestFakeKeyEvent(self._display, code, 0, 0)
        self._x11.XFlush(self._display)

    def type_text(self, text: str) -> None:
        """Type lower-case letters, digits, spaces and full stops (enough for a name filter)."""
        names = {" ": "space", ".": "period", "-": "minus", "'": "apostrophe"}
        for char in text.lower():
            self.press(names.get(char, char))

    def focus(self) -> int:
        """The X window that has the keyboard focus."""
        window, revert = ctypes.c_ulong(), ctypes.c_int()
        self._x11.XGetInputFocus(self._display, ctypes.byref(window), ctypes.byref(revert))
        return window.value

    def activate(self, window: int, timeout: float = 10) -> None:
        """Give ``window`` the keyboard focus, as a window manager would on a click (Xvfb runs
        none, and Qt honours shortcuts such as Alt+L only in a window that has the focus)."""
        deadline = time.monotonic() + timeout
        while True:
            self._x11.XSetInputFocus(self._display, window, REVERT_TO_PARENT, CURRENT_TIME)
            self._x11.XSync(self._display, 0)
            if self.focus() == window:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"window {window:#x} did not take the keyboard focus")
            time.sleep(0.1)  # not viewable yet: there is no signal to wait on

    def close(self) -> None:
        self._x11.XCloseDisplay(self._display)


def demo_vault(tmp_path: Path) -> Path:
    """A small demo program ending today, made with the command line as a user would."""
    data_dir = tmp_path / "vault"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for command in (
        ["init", "--passphrase-file", str(secret)],
        ["demo", "--cohorts", "3", "--participants", "60", "--weeks", "12", "--today", today,
         "--passphrase-file", str(secret)],
    ):  # fmt: skip
        subprocess.run(
            [*APP, "--data-dir", str(data_dir), *command],
            cwd=REPO,
            env=home_environment(tmp_path),
            check=True,
            capture_output=True,
            timeout=180,
        )
    return data_dir


def someone_to_open(data_dir: Path) -> tuple[uuid.UUID, str]:
    """A cohort whose track records cravings (if any) and the member whose profile has the
    most to show: clinician notes, a clinician-only check-in, many check-ins."""
    from app.services.container import Services
    from app.vault.vault import VaultPaths, unlock_with_passphrase

    vault = unlock_with_passphrase(VaultPaths(data_dir), PASSPHRASE)
    try:
        services = Services.for_vault(vault, actor="e2e")
        cohort = max(services.cohorts.list(), key=lambda c: (c.has_cravings, c.active_members))
        rows = services.progress.roster(cohort.id).rows
        profiles = [services.profiles.load(row.participant_id) for row in rows]
    finally:
        vault.close()

    def richness(profile: ParticipantProfile) -> tuple[bool, bool, int]:
        private = any(c.clinician_only for c in profile.checkins)
        return bool(profile.clinician.notes), private, len(profile.checkins)

    return cohort.id, max(profiles, key=richness).display_name


def remember_cohort(tmp_path: Path, cohort_id: uuid.UUID) -> None:
    """As if the user had last looked at ``cohort_id``: the window opens on it."""
    from PySide6.QtCore import QSettings

    from app.settings import LAST_COHORT, Settings

    path = tmp_path / "config" / "Circlekeeper" / "Circlekeeper.ini"  # see home_environment
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.set(LAST_COHORT, str(cohort_id))
    settings.sync()


def geometry(screen: Screen, name: str) -> tuple[int, int, int, int, int] | None:
    """Id, x, y, width and height of the largest window called ``name``, if there is one."""
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree"],
        env=screen.environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for line in tree.splitlines():
        if f'"{name}":' not in line:
            continue
        window = int(line.split()[0], 16)
        match = re.search(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)", line.rsplit(")", 1)[-1])
        if match:
            width, height, x, y = (int(value) for value in match.groups())
            found.append((width * height, (window, x, y, width, height)))
    return max(found)[1] if found else None


def wait_for_desk(screen: Screen, program: subprocess.Popen[str], timeout: float = 60) -> int:
    """The main window's id once its title is exactly "Circlekeeper" (the desk is installed).

    Qt also names a 1×1 helper window after the application; that one does not count.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = geometry(screen, "Circlekeeper")
        if found is not None and found[3] > 1:
            return found[0]
        if program.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the desk did not open: {screen.window_names()}")
        time.sleep(0.1)  # polling another process's windows: there is no signal to wait on


def settled_screenshot(screen: Screen, path: Path, window: str = "", quiet: float = 1.6) -> Path:
    """Like ``Screen.screenshot``, but the picture must stay the same for ``quiet`` seconds:
    the first paint of a profile (charts, wrapped timeline rows) can keep the window's old
    frame on screen longer than the usual 0.3 s check allows."""
    target = screen.windows()[window] if window else "root"
    deadline = time.monotonic() + 30
    previous, since = screen.capture(target), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.2)  # another process paints: there is no signal to wait on
        current = screen.capture(target)
        if current != previous:
            previous, since = current, time.monotonic()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(previous)
    return path


def profile_windows(screen: Screen) -> list[str]:
    return [name for name in screen.window_names() if name.endswith(PROFILE_SUFFIX)]


def test_roster_and_a_profile_on_a_demo_vault(screen: Screen, tmp_path: Path) -> None:
    data_dir = demo_vault(tmp_path)
    cohort_id, person = someone_to_open(data_dir)
    remember_cohort(tmp_path, cohort_id)
    program = start_program(screen, tmp_path, data_dir, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE)
    keyboard = Keyboard(screen.name)
    try:
        window = wait_for_desk(screen, program)
        # Alt+L focuses the roster's filter; typing a name and Enter opens their profile.
        # Until the roster has loaded there is no one to open, so try again each second.
        deadline = time.monotonic() + 60
        while not profile_windows(screen):
            if program.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no profile window opened: {screen.window_names()}")
            keyboard.activate(window)
            keyboard.press("Alt_L", "l")
            keyboard.press("Control_L", "a")
            keyboard.type_text(person)
            keyboard.press("Return")
            time.sleep(1)  # polling another process's windows: there is no signal to wait on
        name = f"{person}{PROFILE_SUFFIX}"  # its title once the profile has loaded
        screen.wait_for_window(name, program)
        profile = settled_screenshot(screen, SCREENSHOTS / "profile.png", name)
        keyboard.press("Escape")  # closes the profile
        deadline = time.monotonic() + 20
        while profile_windows(screen):
            if time.monotonic() > deadline:
                pytest.fail("the profile window did not close on Escape")
            time.sleep(0.2)
        for keys in (("Alt_L", "l"), ("Control_L", "a"), ("BackSpace",)):
            keyboard.press(*keys)  # clear the filter: the whole roster again
        roster = settled_screenshot(screen, SCREENSHOTS / "roster.png")
    finally:
        keyboard.close()
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert profile.stat().st_size > 20_000 and roster.stat().st_size > 20_000

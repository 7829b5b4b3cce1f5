"""The real program under Xvfb on a demo vault: the roster, then a profile opened from the keyboard."""

from __future__ import annotations

import ctypes
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import SCREENSHOTS, Screen, home_environment, start_program, stop_program

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APP = (sys.executable, "-m", "app")
PROFILE_SUFFIX = " — profile — Circlekeeper"


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
        self._x11.XFlush.argtypes = [ctypes.c_void_p]
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
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


def profile_windows(screen: Screen) -> list[str]:
    return [name for name in screen.window_names() if name.endswith(PROFILE_SUFFIX)]


def test_roster_and_a_profile_on_a_demo_vault(screen: Screen, tmp_path: Path) -> None:
    data_dir = demo_vault(tmp_path)
    program = start_program(screen, tmp_path, data_dir, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE)
    keyboard = Keyboard(screen.name)
    try:
        screen.wait_for_window("Circlekeeper", program)  # the desk is installed
        # Alt+L focuses the roster's filter; Enter there opens the first person's profile.
        # Until the roster has loaded there is no one to open, so try again each second.
        deadline = time.monotonic() + 60
        while not profile_windows(screen):
            if program.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no profile window opened: {screen.window_names()}")
            keyboard.press("Alt_L", "l")
            keyboard.press("Return")
            time.sleep(1)  # polling another process's windows: there is no signal to wait on
        name = profile_windows(screen)[0]
        profile = screen.screenshot(SCREENSHOTS / "profile.png", name)
        keyboard.press("Escape")  # closes the profile
        deadline = time.monotonic() + 20
        while profile_windows(screen):
            if time.monotonic() > deadline:
                pytest.fail("the profile window did not close on Escape")
            time.sleep(0.2)
        roster = screen.screenshot(SCREENSHOTS / "roster.png")
    finally:
        keyboard.close()
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert profile.stat().st_size > 20_000 and roster.stat().st_size > 20_000

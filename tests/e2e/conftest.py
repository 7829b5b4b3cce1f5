"""End-to-end helpers: an Xvfb display of our own, the real program as a process, screenshots."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

SCREEN = "1280x800x24"
# Screenshots replace the README's pictures only when asked (`make screenshots` sets
# CIRCLEKEEPER_SCREENSHOTS=1, then someone looks at them before committing); otherwise a test
# run writes them to a scratch folder and leaves the work tree as it was.
SCREENSHOTS_VARIABLE = "CIRCLEKEEPER_SCREENSHOTS"
SCREENSHOTS = (
    REPO / "docs" / "screenshots"
    if os.environ.get(SCREENSHOTS_VARIABLE)
    else Path(tempfile.gettempdir()) / f"circlekeeper-screenshots-{os.getpid()}"
)
TOOLS = ("Xvfb", "xwininfo", "import")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A fresh Xvfb server; ``-displayfd`` makes it pick a free display number and tell us."""
    if missing := missing_tools():
        pytest.skip(f"needs {', '.join(missing)} (x11-utils, imagemagick, xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        if not number:
            pytest.fail("Xvfb did not start within 20 s")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(10)


@dataclass
class Screen:
    """The X display the program runs on: find windows by name, take stable screenshots."""

    name: str

    def environment(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.name, "QT_QPA_PLATFORM": "xcb"}

    def windows(self) -> dict[str, str]:
        """Named windows on the display: {name: X window id}."""
        tree = subprocess.run(
            ["xwininfo", "-root", "-tree"],
            env=self.environment(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = {}
        for line in tree.splitlines():
            start = line.find('"')
            end = line.find('":', start + 1)
            size = re.search(r"\)\s+(\d+)x(\d+)[+-]", line)
            # Qt's 1x1 group-leader window carries the application's name too: skip it, or
            # "Circlekeeper" would be found long before the main window shows.
            if start == -1 or end == -1 or size is None or int(size[1]) * int(size[2]) <= 1:
                continue
            found[line[start + 1 : end]] = line.split()[0]
        return found

    def window_names(self) -> list[str]:
        return list(self.windows())

    def wait_for_window(
        self, name: str, process: subprocess.Popen[str], timeout: float = 30
    ) -> None:
        deadline = time.monotonic() + timeout
        while name not in self.window_names():
            if process.poll() is not None:
                pytest.fail(f"the program ended ({process.returncode}) before {name!r} showed")
            if time.monotonic() > deadline:
                pytest.fail(f"no window named {name!r} after {timeout} s: {self.window_names()}")
            time.sleep(0.1)  # polling another process's window list: there is no signal

    def capture(self, window: str = "root") -> bytes:
        return subprocess.run(
            ["import", "-window", window, "png:-"],
            env=self.environment(),
            capture_output=True,
            check=True,
        ).stdout

    def screenshot(self, path: Path, window: str = "", timeout: float = 15) -> Path:
        """Save the screen (or the window so named) once two captures in a row agree.

        Agreement means painting has settled. A dialog is taken on its own: Xvfb runs no
        window manager, so on the full screen it would float frameless over the window.
        """
        target = self.windows()[window] if window else "root"
        deadline = time.monotonic() + timeout
        previous = self.capture(target)
        while True:
            time.sleep(0.3)
            current = self.capture(target)
            if current == previous or time.monotonic() > deadline:
                break
            previous = current
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(current)
        return path


@pytest.fixture
def screen(display: str) -> Screen:
    return Screen(display)


def start_program(
    screen: Screen, tmp_path: Path, data_dir: Path | None = None, **environment: str
) -> subprocess.Popen[str]:
    """``python -m app [--data-dir DIR]`` as a user starts it, in a home folder of its own.

    Without ``data_dir`` the vault lives where a user's would (``~/.local/share/…``, here
    under ``tmp_path/home``), so that dialogs show the path a user would see.
    """
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        **home_environment(tmp_path),
        "DISPLAY": screen.name,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_RUNTIME_DIR": str(runtime),
        **environment,
    }
    where = ["--data-dir", str(data_dir)] if data_dir is not None else []
    return subprocess.Popen(
        [sys.executable, "-m", "app", *where],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def home_environment(tmp_path: Path) -> dict[str, str]:
    """This process's environment with HOME and the settings folder in tmp_path."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    environment = {key: value for key, value in os.environ.items() if key != "XDG_DATA_HOME"}
    return {**environment, "HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def stop_program(process: subprocess.Popen[str], timeout: float = 15) -> tuple[int, str]:
    """SIGTERM, as a session manager would send; returns (exit status, stderr)."""
    process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
        pytest.fail(f"the program ignored SIGTERM for {timeout} s; stderr: {errors}")
    return process.returncode, errors

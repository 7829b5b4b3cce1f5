"""The real program under Xvfb on a demo vault, opened on Attendance: screenshots, light, dark."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings

from app.settings import LAST_PAGE, THEME, Settings, Theme
from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import (
    SCREENSHOTS,
    Screen,
    home_environment,
    start_program,
    stop_program,
)
from views.theme import Role, scheme

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APP = (sys.executable, "-m", "app")
Box = tuple[int, int, int, int]


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A vault with a small demo program ending today: (data folder, passphrase file)."""
    folder = tmp_path_factory.mktemp("attendance-e2e")
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    data_dir = folder / "vault"
    where = ("--data-dir", str(data_dir))
    for command in (
        ("init",),
        ("demo", "--cohorts", "3", "--participants", "70", "--weeks", "30"),
    ):
        subprocess.run(
            [*APP, *where, *command, "--passphrase-file", str(secret)],
            cwd=REPO,
            env=home_environment(folder),
            check=True,
            capture_output=True,
            timeout=180,
        )
    return data_dir, secret


def open_on_attendance(tmp_path: Path, theme: Theme) -> None:
    """The settings a user leaves behind after last looking at Attendance."""
    path = tmp_path / "config" / "Circlekeeper" / "Circlekeeper.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.set(LAST_PAGE, "attendance")
    settings.set(THEME, theme)
    settings.sync()


def charts_drawn(png: bytes, accent: str) -> bool:
    """The weekly-rate line (the palette's accent) is painted in the lower half of the window."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    lower = image.crop((width // 4, height // 2, width, height))
    wanted = tuple(int(accent[i : i + 2], 16) for i in (1, 3, 5))
    return any(colour == wanted for _, colour in lower.getcolors(width * height) or [])


def window_box(screen: Screen, name: str, process: subprocess.Popen[str]) -> Box:
    """(left, top, right, bottom) of the window titled ``name``, once it is shown.

    Qt's 1×1 client-leader window carries the application's name from the start, so
    ``Screen.wait_for_window("Circlekeeper")`` returns before the main window takes that
    title (once the desk is installed); this waits for a real window of that name.
    """
    deadline = time.monotonic() + 60
    while (box := _largest(screen, name)) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"no window titled {name!r} was shown")
        time.sleep(0.2)  # polling another process's windows: there is no signal to wait on
    return box


def _largest(screen: Screen, name: str) -> Box | None:
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree"],
        env=screen.environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    boxes = []
    for line in tree.splitlines():
        if f'"{name}":' not in line:
            continue
        match = re.search(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s+\+(-?\d+)\+(-?\d+)\s*$", line)
        if match:
            width, height, _, _, left, top = (int(group) for group in match.groups())
            boxes.append((width * height, (left, top, left + width, top + height)))
    area, box = max(boxes, default=(0, (0, 0, 0, 0)))
    return box if area > 100 * 100 else None


def wait_for_charts(screen: Screen, box: Box, accent: str) -> bytes:
    """The window's picture once its charts are drawn and painting has settled."""
    deadline = time.monotonic() + 60
    previous = b""
    while True:
        picture = crop(screen.capture(), box)
        if picture == previous and charts_drawn(picture, accent):
            return picture
        if time.monotonic() > deadline:
            pytest.fail("the attendance charts were not drawn within 60 s")
        previous = picture
        time.sleep(0.3)  # polling another process's pixels: there is no signal to wait on


def crop(png: bytes, box: Box) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).crop(box).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("theme", "name", "accent"),
    [
        (Theme.LIGHT, "attendance.png", scheme(False).roles[Role.Highlight]),
        (Theme.DARK, "attendance-dark.png", scheme(True).roles[Role.Highlight]),
    ],
)
def test_attendance_page_on_a_demo_vault(
    screen: Screen,
    tmp_path: Path,
    demo_vault: tuple[Path, Path],
    theme: Theme,
    name: str,
    accent: str,
) -> None:
    data_dir, _ = demo_vault
    open_on_attendance(tmp_path, theme)
    program = start_program(screen, tmp_path, data_dir, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE)
    try:
        screen.wait_for_window("Circlekeeper", program)
        picture = wait_for_charts(screen, window_box(screen, "Circlekeeper", program), accent)
        shot = SCREENSHOTS / name
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(picture)
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors and "Warning" not in errors, errors
    assert shot.stat().st_size > 20_000

"""The real program under Xvfb on a demo vault: the Goals page in light and dark, as seen."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import SCREENSHOTS, Screen, home_environment, start_program, stop_program

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APP = (sys.executable, "-m", "app")


def demo_vault(tmp_path: Path) -> Path:
    """``init`` then ``demo`` through the command line, as the README tells people."""
    data_dir = tmp_path / "vault"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    for command in (["init"], ["demo"]):
        subprocess.run(
            [*APP, "--data-dir", str(data_dir), *command, "--passphrase-file", str(secret)],
            cwd=REPO,
            env=home_environment(tmp_path),
            check=True,
            capture_output=True,
            timeout=120,
        )
    return data_dir


def remember_page(tmp_path: Path, page: str, theme: str) -> None:
    """The settings a user would have after leaving the window on ``page`` in ``theme``."""
    folder = tmp_path / "config" / "Circlekeeper"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Circlekeeper.ini").write_text(
        f"[meta]\nversion=1\n\n[window]\nlast_page={page}\n\n[appearance]\ntheme={theme}\n"
    )


def wait_for_line(process: subprocess.Popen[str], wanted: str, timeout: float = 60) -> None:
    """Read the program's stdout until the line ``wanted`` (its end-to-end report) arrives."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            seen.append(line.strip())
            if line.strip() == wanted:
                return
    pytest.fail(f"no {wanted!r} from the program; it said {seen}")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_goals_page_on_a_demo_vault(screen: Screen, tmp_path: Path, theme: str) -> None:
    data_dir = demo_vault(tmp_path)
    remember_page(tmp_path, "goals", theme)
    program = start_program(
        screen,
        tmp_path,
        data_dir,
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
        CIRCLEKEEPER_REPORT_LOADED="1",
    )
    name = "goals.png" if theme == "light" else "goals-dark.png"
    try:
        screen.wait_for_window("Circlekeeper", program)
        wait_for_line(program, "loaded goals")
        shot = screen.screenshot(SCREENSHOTS / name)
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert "QWidget" not in errors and "QObject" not in errors, errors  # no Qt warnings
    assert shot.stat().st_size > 20_000
    assert os.access(shot, os.R_OK)

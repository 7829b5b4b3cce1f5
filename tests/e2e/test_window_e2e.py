"""The real program under Xvfb: a CLI-made vault opens into the main window; first run's dialog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import (
    SCREENSHOTS,
    Screen,
    home_environment,
    start_program,
    stop_program,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

APP = (sys.executable, "-m", "app")


def init_vault(tmp_path: Path, data_dir: Path | None = None) -> None:
    """``python -m app init --passphrase-file FILE``, as the README tells people."""
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    where = ["--data-dir", str(data_dir)] if data_dir is not None else []
    subprocess.run(
        [*APP, *where, "init", "--passphrase-file", str(secret)],
        cwd=REPO,
        env=home_environment(tmp_path),
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_a_vault_made_by_the_cli_opens_into_the_main_window(screen: Screen, tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    init_vault(tmp_path, data_dir)
    program = start_program(screen, tmp_path, data_dir, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE)
    try:
        # The title is exactly "Circlekeeper" only once the vault is open and the desk shown.
        screen.wait_for_window("Circlekeeper", program)
        shot = screen.screenshot(SCREENSHOTS / "main-window.png")
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert shot.stat().st_size > 10_000
    assert (tmp_path / "config" / "Circlekeeper" / "Circlekeeper.ini").exists()  # saved on quit


def test_first_run_shows_the_create_vault_dialog(screen: Screen, tmp_path: Path) -> None:
    program = start_program(screen, tmp_path)
    try:
        screen.wait_for_window("Welcome to Circlekeeper", program)
        shot = screen.screenshot(SCREENSHOTS / "first-run.png", "Welcome to Circlekeeper")
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors
    assert "Traceback" not in errors
    assert shot.stat().st_size > 10_000
    assert not (tmp_path / "home" / ".local" / "share" / "Circlekeeper").exists()  # quit: nothing


def test_a_locked_vault_asks_for_the_passphrase(screen: Screen, tmp_path: Path) -> None:
    init_vault(tmp_path)
    program = start_program(screen, tmp_path)  # a null keychain and no passphrase: ask
    try:
        screen.wait_for_window("Unlock Circlekeeper", program)
        screen.screenshot(SCREENSHOTS / "unlock.png", "Unlock Circlekeeper")
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors

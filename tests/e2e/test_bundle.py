"""The PyInstaller bundle (build.spec), built once: it self-tests, runs the CLI, opens a window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO
from tests.e2e.conftest import Screen, stop_program

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

BUILD_TIMEOUT = 900  # seconds; about 30 s on an idle 2-core machine
WINDOW_TIMEOUT = 60.0
EXECUTABLE = "circlekeeper.exe" if os.name == "nt" else "circlekeeper"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pyinstaller build.spec`` into a temporary dist and work folder; the bundle's folder."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: run `make .venv/.installed-bundle` (the bundle extra)")
    out = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "work"),
            str(REPO / "build.spec"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-5000:]
    folder = out / "dist" / "circlekeeper"
    assert (folder / EXECUTABLE).is_file()
    return folder


def sealed_environment(home: Path, **extra: str) -> dict[str, str]:
    """What a user's fresh account looks like to the bundle: no venv, no keychain, no vault."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CIRCLEKEEPER_", "XDG_", "PYTHON", "VIRTUAL_ENV", "QT_"))
    }
    environment.update(
        HOME=str(home),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    environment.update(extra)
    return environment


def run_bundled(
    bundle: Path, *args: str, home: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / EXECUTABLE), *args],
        env=sealed_environment(home, **extra),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def data_folder(bundle: Path) -> Path:
    """Where the bundle keeps its data files (PyInstaller 6: ``_internal``; older: beside it)."""
    internal = bundle / "_internal"
    return internal if internal.is_dir() else bundle


def test_the_bundled_self_test_passes(bundle: Path, tmp_path: Path) -> None:
    ran = run_bundled(bundle, "check", "--self-test", home=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("self-test: ok"), ran.stdout
    assert ran.stderr == ""


def test_the_bundled_help_lists_every_command(bundle: Path, tmp_path: Path) -> None:
    ran = run_bundled(bundle, "--help", home=tmp_path)
    assert ran.returncode == 0, ran.stderr
    for command in ("init", "check", "backup", "passwd"):
        assert command in ran.stdout


def test_the_bundle_carries_its_migrations_and_resources(bundle: Path) -> None:
    data = data_folder(bundle)
    repository = REPO / "app" / "database" / "migrations"
    wanted = [repository / "env.py", repository / "script.py.mako"]
    wanted += sorted((repository / "versions").glob("*.py"))
    resources = [p for p in sorted((REPO / "resources").rglob("*")) if p.is_file()]
    # What the window cannot start without: the icon and the palette.
    assert REPO / "resources" / "icons" / "circlekeeper.svg" in resources
    assert REPO / "resources" / "palette.json" in resources
    wanted += resources
    missing = [
        str(p.relative_to(REPO)) for p in wanted if not (data / p.relative_to(REPO)).exists()
    ]
    assert missing == []
    assert len(wanted) >= 4


def test_the_bundled_cli_creates_and_checks_a_vault(bundle: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    created = run_bundled(
        bundle,
        "--data-dir",
        str(vault),
        "init",
        "--recovery",
        home=tmp_path,
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert created.returncode == 0, created.stderr
    assert "AGE-SECRET-KEY-1" in created.stdout  # pyrage works frozen
    checked = run_bundled(
        bundle,
        "--data-dir",
        str(vault),
        "check",
        "--json",
        home=tmp_path,
        CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
    )
    assert checked.returncode == 0, checked.stderr
    assert '"integrity": "ok"' in checked.stdout


# -- the window, under the e2e suite's own Xvfb ---------------------------------------------------


def test_the_bundle_opens_its_window(bundle: Path, tmp_path: Path, screen: Screen) -> None:
    """A CLI-made vault opens into the main window: the frozen app unlocks, builds the
    services and paints the desk (the title is exactly "Circlekeeper" only then)."""
    vault = tmp_path / "vault"
    created = run_bundled(
        bundle, "--data-dir", str(vault), "init", home=tmp_path, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE
    )
    assert created.returncode == 0, created.stderr
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    program = subprocess.Popen(
        [str(bundle / EXECUTABLE), "--data-dir", str(vault)],
        env=sealed_environment(
            tmp_path,
            DISPLAY=screen.name,
            QT_QPA_PLATFORM="xcb",
            XDG_RUNTIME_DIR=str(runtime),
            CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
        ),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        screen.wait_for_window("Circlekeeper", program, timeout=WINDOW_TIMEOUT)
    finally:
        status, errors = stop_program(program)
    assert status == 0, errors

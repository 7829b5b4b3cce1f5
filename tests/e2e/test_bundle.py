"""The PyInstaller bundle (build.spec), built once: it self-tests, runs the CLI, opens a window."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO

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
    wanted += [p for p in sorted((REPO / "resources").rglob("*")) if p.is_file()]
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


# -- the window, under a private X server ------------------------------------------------------


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb; the display name once the server says it is ready (-displayfd)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the window check runs under Xvfb, on Linux")
    missing = [tool for tool in ("Xvfb", "xwininfo") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"install {' and '.join(missing)} (apt-get install xvfb x11-utils)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready:
            number = ready.readline().strip()  # written when the server accepts clients
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def window_names(display: str) -> list[str]:
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    return [line.split('"')[1] for line in tree.splitlines() if line.count('"') >= 2]


def test_the_bundle_opens_its_window(bundle: Path, tmp_path: Path, x_display: str) -> None:
    vault = tmp_path / "vault"
    created = run_bundled(
        bundle, "--data-dir", str(vault), "init", home=tmp_path, CIRCLEKEEPER_PASSPHRASE=PASSPHRASE
    )
    assert created.returncode == 0, created.stderr
    log = tmp_path / "window.log"
    with log.open("w") as output:
        window = subprocess.Popen(
            [str(bundle / EXECUTABLE), "--data-dir", str(vault)],
            env=sealed_environment(
                tmp_path,
                DISPLAY=x_display,
                QT_QPA_PLATFORM="xcb",
                CIRCLEKEEPER_PASSPHRASE=PASSPHRASE,
            ),
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + WINDOW_TIMEOUT
        names: list[str] = []
        while time.monotonic() < deadline and window.poll() is None:
            names = window_names(x_display)
            if any("Circlekeeper" in name for name in names):
                break
            time.sleep(0.2)  # polling the X server for a condition, with a deadline
        running = window.poll() is None
    finally:
        window.terminate()
        try:
            window.wait(timeout=30)
        except subprocess.TimeoutExpired:
            window.kill()
            window.wait()
    assert running, f"the bundle exited ({window.returncode}):\n{log.read_text()[-3000:]}"
    assert any("Circlekeeper" in name for name in names), (names, log.read_text()[-3000:])

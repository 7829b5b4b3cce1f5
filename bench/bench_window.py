"""The window's first paint in a fresh process against an empty QMainWindow's, same run.

Both processes get ``CIRCLEKEEPER_FIRST_PAINT=<time.monotonic() just before the launch>``
and print ``first-paint <seconds> matplotlib=<yes|no>`` at their first paint (the hook is
documented in app/bootstrap.py); the app then prints ``ready <seconds> …`` once the vault
is open and the desk painted, and exits. Offscreen, so no display is needed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import BenchRow

RUNS = 5
PASSPHRASE = "benchmark passphrase"  # a throwaway vault in scratch
REPO = Path(__file__).resolve().parent.parent

EMPTY_WINDOW = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

started = float(os.environ["CIRCLEKEEPER_FIRST_PAINT"])
app = QApplication(sys.argv[:1])

class Window(QMainWindow):
    def paintEvent(self, event):
        super().paintEvent(event)
        if not getattr(self, "reported", False):
            self.reported = True
            print(f"first-paint {time.monotonic() - started:.4f} matplotlib=no", flush=True)
            QTimer.singleShot(0, app.quit)

window = Window()
window.setWindowTitle("empty")
window.resize(1120, 720)
window.show()
app.exec()
"""


def launch(arguments: list[str], environment: dict[str, str]) -> dict[str, tuple[float, bool]]:
    """Run one fresh process; {event: (seconds since launch, matplotlib imported)}."""
    env = {**environment, "CIRCLEKEEPER_FIRST_PAINT": repr(time.monotonic())}
    done = subprocess.run(
        [sys.executable, *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    events = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].startswith("matplotlib="):
            events[parts[0]] = (float(parts[1]), parts[2] == "matplotlib=yes")
    if done.returncode != 0 or "first-paint" not in events:
        raise RuntimeError(f"{arguments} failed ({done.returncode}): {done.stderr[-2000:]}")
    return events


def run(scratch: Path) -> list[BenchRow]:
    from app.vault.vault import VaultPaths, create_vault

    vault_folder = scratch / "vault"
    create_vault(VaultPaths(vault_folder), PASSPHRASE).vault.close()
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # never a real keychain
        "XDG_CONFIG_HOME": str(scratch / "config"),  # never the user's window settings
        "CIRCLEKEEPER_PASSPHRASE": PASSPHRASE,
    }
    environment.pop("CIRCLEKEEPER_DATA_DIR", None)
    app = ["-m", "app", "--data-dir", str(vault_folder)]
    empty, first_paint, ready = [], [], []
    matplotlib_at_first_paint = matplotlib_at_ready = False
    launch(app, environment)  # warm the file cache for both sides alike
    launch(["-c", EMPTY_WINDOW], environment)
    for _ in range(RUNS):  # interleaved, so that a busy moment hits both sides
        empty.append(launch(["-c", EMPTY_WINDOW], environment)["first-paint"][0])
        events = launch(app, environment)
        if "ready" not in events:
            raise RuntimeError(f"the window did not open the vault: {sorted(events)}")
        first_paint.append(events["first-paint"][0])
        ready.append(events["ready"][0])
        matplotlib_at_first_paint |= events["first-paint"][1]
        matplotlib_at_ready |= events["ready"][1]

    assert not matplotlib_at_first_paint, "matplotlib was imported before the first paint"
    limit = statistics.median(empty)
    return [
        BenchRow(
            "window: first paint, fresh process",
            statistics.median(first_paint),
            "empty QMainWindow: first paint, fresh process",
            limit,
            max_ratio=3.5,
            max_seconds=1.2,
            note=f"median of {RUNS}; matplotlib not imported at first paint (checked)",
        ),
        BenchRow(
            "window: vault open, desk painted ($CIRCLEKEEPER_PASSPHRASE)",
            statistics.median(ready),
            "empty QMainWindow: first paint, fresh process",
            limit,
            note=(
                f"median of {RUNS}; informative, no bound: includes the Argon2id key "
                "derivation, which a keychain start skips; matplotlib "
                f"{'imported' if matplotlib_at_ready else 'not imported'} by then"
            ),
        ),
    ]

"""Runs ``python -m app`` commands side by side as real processes, started at the same instant.

Run as ``python -m tests.unit.race_runner`` (environment: the sealed one of
``vault_support.cli_environment``). It imports the program once, then for each line of
JSON on stdin, ``{"runs": [{"argv": [...], "env": {...}, "after": FILE}, ...]}``, forks one
process per run, releases them together (each waits first for ``after`` to exist, when
given), and prints one line of JSON: each run's exit status, stdout and stderr. Forking
saves an interpreter start per command (20 races of 2 commands each), and the passphrase
KDF is the tests' cheap one. POSIX only.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import app.vault.keyfile
from app.cli.main import main as cli_main

# The fixtures' cheap KDF (tests.conftest would also reset this process's environment).
app.vault.keyfile.DEFAULT_KDF = app.vault.keyfile.KdfParameters(1, 1, 8 * 1024)
AFTER_TIMEOUT = 30.0


def child(run: dict[str, Any], gate: int, out: Path, err: Path) -> None:
    try:
        os.read(gate, 1)  # returns at EOF: when the parent has forked every process
        after = run.get("after")
        deadline = time.monotonic() + AFTER_TIMEOUT
        while after and not Path(after).exists() and time.monotonic() < deadline:
            time.sleep(0.002)
        os.environ.update(run.get("env", {}))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, path in ((1, out), (2, err)):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        code = cli_main(run["argv"])
    except BaseException:
        traceback.print_exc()
        code = 99
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def race(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="race-"))
    gate, release = os.pipe()
    pids = []
    for number, run in enumerate(runs):
        out, err = folder / f"{number}.out", folder / f"{number}.err"
        pid = os.fork()
        if pid == 0:
            os.close(release)
            child(run, gate, out, err)
        pids.append((pid, out, err))
    os.close(gate)
    os.close(release)  # go
    results = []
    for pid, out, err in pids:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        results.append({"code": code, "stdout": _read(out), "stderr": _read(err)})
    return results


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(race(request["runs"])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

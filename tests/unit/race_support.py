"""Driving ``tests.unit.race_runner``: commands started side by side, their results checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import PASSPHRASE, REPO
from tests.unit.vault_support import cli_environment, crash_reports


class Racer:
    """The race runner process: ``race(run, run, ...)`` starts them at once, returns results."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.unit.race_runner"],
            cwd=REPO, env=cli_environment(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def race(self, *runs: dict[str, Any]) -> list[dict[str, Any]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"runs": list(runs)}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read() if self.process.stderr else ""
        results: list[dict[str, Any]] = json.loads(line)
        for result in results:
            assert result["code"] in (0, 1), result
            if result["code"] == 1:
                assert_one_sentence(result["stderr"])
        assert crash_reports(self.home) == []
        return results

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def assert_one_sentence(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("circlekeeper: ") and "Traceback" not in stderr, stderr


def run(folder: Path, *argv: str, passphrase: str = PASSPHRASE, **extra: Any) -> dict[str, Any]:
    return {
        "argv": ["--data-dir", str(folder), *argv],
        "env": {"CIRCLEKEEPER_PASSPHRASE": passphrase},
        **extra,
    }

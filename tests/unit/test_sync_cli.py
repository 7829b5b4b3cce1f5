"""The command line end to end: two vaults exchange bundles both ways through `python -m app`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE, REPO


def _app(
    tmp_path: Path, vault: str, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CIRCLEKEEPER_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / vault), *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=check,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_two_vaults_exchange_both_ways_and_print_the_same_digest(tmp_path: Path) -> None:
    for vault in ("A", "B"):
        _app(tmp_path, vault, "init")
    card = _app(tmp_path, "A", "device", "--card", "a.card").stdout
    _app(tmp_path, "B", "device", "--card", "b.card")
    assert any(line.startswith("age1") for line in card.splitlines())
    fingerprint = next(
        line.split(": ")[1] for line in card.splitlines() if line.startswith("fingerprint")
    )
    refused = _app(tmp_path, "A", "trust", "b.card", check=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    _app(tmp_path, "A", "trust", "b.card", "--yes")
    _app(tmp_path, "A", "check", "--self-test")

    usage = _app(tmp_path, "A", "export", "--to", "x.ckb", check=False)
    assert usage.returncode == 2 and not (tmp_path / "x.ckb").exists()
    _app(tmp_path, "A", "export", "--to", "a1.ckb", "--recipient-file", "b.card")
    unknown = _app(tmp_path, "B", "import", "a1.ckb", check=False)
    assert unknown.returncode == 1 and fingerprint in unknown.stderr
    imported = _app(tmp_path, "B", "import", "a1.ckb", "--trust", fingerprint)
    assert "Now trusting" in imported.stdout and "verifying" in imported.stderr
    again = _app(tmp_path, "B", "import", "a1.ckb")
    assert "already imported" in again.stdout
    _app(tmp_path, "B", "export", "--to", "b1.ckb", "--recipient-file", "a.card")
    _app(tmp_path, "A", "import", "b1.ckb")
    digests = [_app(tmp_path, v, "check", "--json").stdout for v in ("A", "B")]
    assert digests[0] == digests[1]
    peers = _app(tmp_path, "A", "peers").stdout
    assert "last sent 20" in peers and "last received 20" in peers
    damaged = tmp_path / "damaged.ckb"
    damaged.write_bytes((tmp_path / "b1.ckb").read_bytes()[:-10])
    refused = _app(tmp_path, "A", "import", str(damaged), check=False)
    assert refused.returncode == 1 and refused.stderr.count("\n") <= 3
    assert "Traceback" not in refused.stderr

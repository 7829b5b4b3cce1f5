"""Helpers for the vault tests: file snapshots, byte scans, a cheap KDF, CLI runs in a process."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

# A scan reads in chunks; the overlap keeps a needle that straddles two chunks findable.
_CHUNK = 1 << 20


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name → SHA-256), to compare before and after."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found.extend(p for p in sorted(root.rglob("*")) if p.is_file())
    return found


def occurrences(path: Path, needles: Iterable[bytes]) -> dict[bytes, int]:
    """How often each needle occurs in ``path`` (0 when the file vanished or can't be read).

    One pass per chunk for all needles together, so scanning a large file stays cheap.
    """
    wanted = sorted({n for n in needles if n}, key=len, reverse=True)
    counts = dict.fromkeys(wanted, 0)
    if not wanted:
        return counts
    pattern = re.compile(b"|".join(re.escape(n) for n in wanted))
    overlap = len(wanted[0]) - 1
    try:
        with path.open("rb") as handle:
            tail = b""
            while chunk := handle.read(_CHUNK):
                window = tail + chunk
                for match in pattern.finditer(window):
                    # Count only matches that end inside the new chunk: none is counted twice.
                    if match.end() > len(tail):
                        counts[match.group()] += 1
                tail = window[-overlap:] if overlap else b""
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        pass
    return counts


def found_in(paths: Iterable[Path], needles: Iterable[bytes]) -> dict[str, list[str]]:
    """``{file: [needles found]}`` for the files holding at least one needle."""
    needles = list(needles)
    hits: dict[str, list[str]] = {}
    for path in paths:
        counts = occurrences(path, needles)
        present = [n.decode("latin-1") for n, c in counts.items() if c]
        if present:
            hits[str(path)] = present
    return hits


def encodings(text: str) -> list[bytes]:
    """``text`` as SQLite may store it (UTF-8, UTF-16 either way round)."""
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def key_forms(raw: bytes | bytearray) -> list[bytes]:
    """The raw key as bytes and as every text form it could leak in."""
    import base64

    key = bytes(raw)

    return [
        key,
        key.hex().encode(),
        key.hex().upper().encode(),
        base64.b64encode(key),
        base64.urlsafe_b64encode(key).rstrip(b"="),
    ]


@dataclass(frozen=True, slots=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli_environment(home: Path, **extra: str) -> dict[str, str]:
    """A sealed environment for ``python -m app``: its own home, no keychain, no stray vault."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CIRCLEKEEPER_", "XDG_", "DBUS_"))
    }
    environment.update(
        HOME=str(home),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        PYTHONDONTWRITEBYTECODE="1",
    )
    environment.update(extra)
    return environment


def run_cli(*args: str, home: Path, timeout: float = 60, **extra: str) -> Ran:
    """``python -m app ARGS`` in a fresh process, as a user would run it."""
    completed = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO,
        env=cli_environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Ran(completed.returncode, completed.stdout, completed.stderr)


def crash_reports(home: Path) -> list[Path]:
    """Crash reports the CLI wrote under ``home`` (it writes one only for unexpected errors).

    The log folder only: the state folder beside it also keeps the rollback anchors.
    """
    return files_under(home / "state" / "Circlekeeper" / "log")

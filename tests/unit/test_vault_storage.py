"""A read-only mount or folder and a full disk are named as such, and leave nothing half made.

Issue 11: never "damaged, or belongs to another vault" for a disk that refuses writes;
``init``, ``demo``, ``backup`` and ``device`` on a full disk fail with one sentence and
leave no partial folder or file (no ``.partial`` either). The full disk is a small tmpfs,
mounted where the test may (as root); elsewhere those tests are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import integrity
from app.vault.vault import VaultPaths, unlock_with_passphrase
from tests.conftest import PASSPHRASE
from tests.unit.race_support import Racer, run
from tests.unit.vault_support import snapshot

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the runner forks real processes")


def can_mount() -> str:
    """Why a tmpfs can't be mounted here ("" when it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a small tmpfs needs root"
    if shutil.which("mount") is None:
        return "no mount command"
    return ""


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0700"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> None:
    """Fill ``disk`` up, then free ``leave`` bytes (whole pages) again."""
    filler = disk / "filler"
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    with contextlib.suppress(OSError), filler.open("ab") as handle:
        handle.write(b"\0" * 4096)  # the last partial chunk
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))


@pytest.fixture
def racer(tmp_path: Path) -> Iterator[Racer]:
    started = Racer(tmp_path / "home")
    yield started
    started.close()


def refused(result: dict[str, object], reason: str, where: Path) -> None:
    stderr = str(result["stderr"])
    assert result["code"] == 1, result
    assert f"Cannot write to {where}" in stderr and reason in stderr, stderr
    assert "damaged" not in stderr and "another vault" not in stderr, stderr


def test_a_read_only_vault_is_named_read_only(racer: Racer, tmp_path: Path) -> None:
    mountable = not can_mount()  # else a folder without write permission stands in
    disk_context = (
        tmpfs(tmp_path / "disk", "4m") if mountable else contextlib.nullcontext(tmp_path / "disk")
    )
    with disk_context as disk:
        disk.mkdir(exist_ok=True)
        folder = disk / "vault"
        assert racer.race(run(folder, "init"))[0]["code"] == 0
        before = snapshot(folder)
        if mountable:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
            reason = "the disk is mounted read-only"
        else:
            folder.chmod(0o500)
            reason = "the folder is read-only"
        try:
            check, demo = racer.race(run(folder, "check"), run(folder, "demo"))
            for result in (check, demo):
                refused(result, reason, folder)
            assert snapshot(folder) == before
        finally:
            if not mountable:
                folder.chmod(0o700)


needs_mount = pytest.mark.skipif(bool(can_mount()), reason=can_mount() or "mounting works")


@needs_mount
def test_init_on_a_full_disk_leaves_no_folder(racer: Racer, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "1m") as disk:
        fill(disk, leave=48 * 1024)  # room for a key file, not for a database
        for folder in (disk / "vault", disk / "new" / "nested" / "vault"):
            [result] = racer.race(run(folder, "init"))
            refused(result, "the disk is full", folder)
            assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # nothing half made


@needs_mount
def test_demo_on_a_full_disk_changes_nothing(racer: Racer, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "3m") as disk:
        folder = disk / "vault"
        assert racer.race(run(folder, "init"))[0]["code"] == 0
        fill(disk, leave=256 * 1024)  # the vault opens; the demo's rows don't fit
        [result] = racer.race(run(folder, "demo", "--participants", "200", "--weeks", "20"))
        refused(result, "the disk is full", folder)
        (disk / "filler").unlink()
        vault = unlock_with_passphrase(VaultPaths(folder), PASSPHRASE)
        try:
            report = integrity.check(vault.database)
        finally:
            vault.close()
        assert report.ok and report.counts["participant"] == 0
        assert not list(folder.glob("*.partial"))


@needs_mount
def test_backup_and_device_card_on_a_full_disk_leave_nothing(racer: Racer, tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    assert racer.race(run(folder, "init"))[0]["code"] == 0
    assert racer.race(run(folder, "demo", "--participants", "40", "--weeks", "6"))[0]["code"] == 0
    before = snapshot(folder)
    with tmpfs(tmp_path / "disk", "1m") as disk:
        fill(disk)
        backup, card = racer.race(
            run(folder, "backup", str(disk / "backup")),
            run(folder, "device", "--card", str(disk / "card.txt")),
        )
        refused(backup, "the disk is full", disk / "backup")
        refused(card, "the disk is full", disk / "card.txt")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no folder, no .partial
    # The vault itself is as it was (the device's keys may have been made: a normal write).
    assert set(snapshot(folder)) >= set(before) - {"circlekeeper.lock.holder"}

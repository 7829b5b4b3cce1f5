"""``rekey``: a new raw key, so that older key files and backups no longer open the live file,
and a rekey killed at any point leaves a vault that opens with the old key or the new one."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.database.engine import open_engine, rekey_database
from app.database.errors import DatabaseUnreadable
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.anchor import AnchorStore
from app.vault.keyfile import KeyFile
from app.vault.lock import WriterLock
from app.vault.vault import OpenOptions, VaultPaths, create_vault, unlock_with_passphrase
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO
from tests.unit.race_support import Racer, run
from tests.unit.test_crash_safety import Lines

KILLS = 20


def opens_with(paths: VaultPaths, key_file: Path) -> bool:
    """Whether the raw key in ``key_file`` (with the passphrase) opens the live database."""
    key = KeyFile.read(key_file).unwrap(PASSPHRASE)
    try:
        open_engine(paths.database, key).dispose()
    except DatabaseUnreadable:
        return False
    return True


def count_people(paths: VaultPaths, options: OpenOptions | None = None) -> int:
    vault = unlock_with_passphrase(paths, PASSPHRASE, options=options)
    try:
        return len(Services.for_vault(vault).participants.search("Person", limit=500))
    finally:
        vault.close()


@pytest.fixture
def filled(vault_paths: VaultPaths) -> VaultPaths:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    services = Services.for_vault(created.vault)
    for number in range(30):
        services.participants.create(ParticipantDraft(display_name=f"Person {number}"))
    created.vault.close()
    return vault_paths


@pytest.mark.skipif(os.name != "posix", reason="the runner forks real processes")
def test_rekey_on_the_command_line_retires_older_key_files_and_backups(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "vault"
    paths = VaultPaths(folder)
    racer = Racer(home)  # the real command line in forked processes, with the cheap KDF
    try:
        [made] = racer.race(run(folder, "init", "--recovery"))
        assert made["code"] == 0, made
        recovery = next(
            line.strip() for line in made["stdout"].splitlines() if "AGE-SECRET" in line
        )
        old_key_file = tmp_path / "old.key"
        shutil.copy(paths.key_file, old_key_file)
        backup = tmp_path / "backup"
        assert racer.race(run(folder, "backup", str(backup)))[0]["code"] == 0

        [ran] = racer.race(run(folder, "rekey"))
        assert ran["code"] == 0, ran
        assert "re-encrypted under a new key" in ran["stdout"]
        assert not opens_with(paths, old_key_file)  # the key file of any older copy
        assert not opens_with(paths, backup / "circlekeeper.key")
        assert opens_with(paths, paths.key_file)
        assert opens_with(VaultPaths(backup), backup / "circlekeeper.key")  # its own copy still
        assert not paths.pending_key_file.exists()
        [checked] = racer.race(run(folder, "check"))
        assert checked["code"] == 0 and "integrity: ok" in checked["stdout"], checked
        # The recovery key was wrapped anew too: it still opens the key.
        assert KeyFile.read(paths.key_file).unwrap_with_recovery(recovery)
        [wrong] = racer.race(run(folder, "rekey", passphrase="not the passphrase"))
        assert wrong["code"] == 1 and "Wrong passphrase" in wrong["stderr"]
    finally:
        racer.close()


def test_a_rekey_stopped_before_the_switch_leaves_the_old_key(filled: VaultPaths) -> None:
    old = filled.key_file.read_bytes()
    key = KeyFile.read(filled.key_file).unwrap(PASSPHRASE)
    pending = KeyFile.wrap(os.urandom(32), PASSPHRASE, vault_id=KeyFile.read(filled.key_file)
                           .vault_id, kdf=CHEAP_KDF)  # fmt: skip
    pending.write(filled.pending_key_file)  # step 1 done, then the process died
    assert count_people(filled) == 30
    with WriterLock(filled.folder, "a test") as lock:  # a writer tidies the pending file
        assert count_people(filled, OpenOptions(lock=lock)) == 30
    assert not filled.pending_key_file.exists()
    assert filled.key_file.read_bytes() == old
    assert opens_with(filled, filled.key_file) and key


def test_a_rekey_stopped_after_the_switch_is_finished_at_the_next_open(
    filled: VaultPaths,
) -> None:
    current = KeyFile.read(filled.key_file)
    key = current.unwrap(PASSPHRASE)
    new_key = bytearray(os.urandom(32))
    KeyFile.wrap(new_key, PASSPHRASE, vault_id=current.vault_id, kdf=CHEAP_KDF).write(
        filled.pending_key_file
    )
    rekey_database(filled.database, key, new_key)  # step 3 done, then the process died
    assert count_people(filled) == 30  # a reader opens it with the pending key
    assert filled.pending_key_file.exists()
    with WriterLock(filled.folder, "a test") as lock:
        assert count_people(filled, OpenOptions(lock=lock)) == 30
    assert not filled.pending_key_file.exists()
    assert opens_with(filled, filled.key_file)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")
def test_rekey_killed_at_random_points_always_leaves_a_vault_that_opens(
    filled: VaultPaths, tmp_path: Path
) -> None:
    seed = int(os.environ.get("CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    state = tmp_path / "state"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.rekey_killer", str(filled.folder), str(state)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        bufsize=0,
    )  # fmt: skip
    assert process.stdin is not None
    lines = Lines(process)
    outcomes: list[str] = []
    try:
        assert lines.next() == "ready"
        process.stdin.write(b"spawn\n")  # one whole rekey first: how long one takes here
        assert lines.next().startswith("rekey ")
        done = lines.next()
        assert done.startswith("done "), done
        duration = float(done.split()[2])
        assert lines.next() == "" and lines.next().startswith("exited ")
        for _ in range(KILLS):
            before = filled.key_file.read_bytes()
            process.stdin.write(b"spawn\n")
            pid = int(lines.next().split()[1])
            time.sleep(rng.uniform(0, duration * 1.2))
            with contextlib.suppress(ProcessLookupError):  # it may have finished already
                os.kill(pid, signal.SIGKILL)
            finished = False
            while not (line := lines.next()).startswith("exited "):
                finished = finished or line.startswith("done ")
            # Never neither: the passphrase opens it (finishing a half-done rekey) ...
            with WriterLock(filled.folder, "the test") as lock:
                options = OpenOptions(lock=lock, anchors=AnchorStore(state))
                assert count_people(filled, options) == 30, f"seed {seed}"
            # ... with the old key or the new one, and then the key file holds that key.
            assert opens_with(filled, filled.key_file), f"seed {seed}"
            outcomes.append("new" if filled.key_file.read_bytes() != before else "old")
            assert not filled.pending_key_file.exists()
            assert finished <= (outcomes[-1] == "new")
        process.stdin.write(b"quit\n")
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert len(outcomes) == KILLS, (outcomes, seed)

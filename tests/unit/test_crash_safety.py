"""A writer killed with SIGKILL 50 times loses no acknowledged check-in and no integrity."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select

from app.services import integrity
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.keyfile import KeyFile
from app.vault.vault import UnlockedVault, VaultPaths, create_vault, unlock_with_passphrase
from models import CheckIn, Track
from tests.conftest import CHEAP_KDF, PASSPHRASE, REPO

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")

KILLS = 50
LINE_TIMEOUT = 30.0  # seconds for one line from the writer: generous for a loaded CI machine


class Lines:
    """Lines from a pipe, each waited for with a deadline (never a fixed sleep)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)
        self._buffer = b""

    def next(self, timeout: float = LINE_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                raise TimeoutError("the writer went quiet")
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise EOFError("the writer's parent exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()


def is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


@pytest.mark.slow
def test_sigkill_50_times_loses_no_acknowledged_checkin(vault_paths: VaultPaths) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf=CHEAP_KDF)
    services = Services.for_vault(created.vault, actor="tester")
    cohort = services.cohorts.create(CohortDraft(name="Crash", track=Track.SUBSTANCE_USE))
    people = [
        services.participants.create(ParticipantDraft(display_name=f"Person {n}")).id
        for n in range(6)
    ]
    for person in people:
        services.enrollments.enroll(person, cohort.id)
    created.vault.close()
    key = KeyFile.read(vault_paths.key_file).unwrap(PASSPHRASE)

    seed = int(os.environ.get("CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.unit.crash_writer",
            str(vault_paths.folder),
            str(cohort.id),
            *map(str, people),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdin is not None
    lines = Lines(process)
    acknowledged: list[str] = []
    statuses: list[int] = []
    failure = ""
    try:
        process.stdin.write(f"{key.hex()}\n".encode())
        assert lines.next() == "ready"
        for round_number in range(KILLS):
            process.stdin.write(b"spawn\n")
            first = lines.next()
            assert first.startswith("writer "), first
            pid = int(first.split()[1])
            if round_number % 10 == 9:
                # Now and then while it opens the vault (keying, migrations check, device row).
                time.sleep(rng.uniform(0, 0.05))
            else:
                wanted = rng.randint(1, 25)
                seen = 0
                while seen < wanted:
                    line = lines.next()
                    if not is_uuid(line):
                        failure = f"writer {pid} stopped by itself before {line!r}"
                        break
                    acknowledged.append(line)
                    seen += 1
                if failure:
                    break
                time.sleep(rng.uniform(0, 0.004))  # somewhere inside the next commit
            os.kill(pid, signal.SIGKILL)
            while not (line := lines.next()).startswith("exited "):
                if is_uuid(line):  # printed before the kill landed: acknowledged too
                    acknowledged.append(line)
            statuses.append(int(line.split()[2]))
        if not failure:
            process.stdin.write(b"quit\n")
            process.stdin.close()
            assert process.wait(timeout=LINE_TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr = process.stderr.read().decode() if process.stderr else ""

    assert not failure, f"{failure} (seed {seed}):\n{stderr}"
    killed = [os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGKILL for s in statuses]
    assert len(statuses) == KILLS and all(killed), (statuses, stderr, seed)
    assert len(acknowledged) >= KILLS, "the writers hardly wrote anything"
    assert len(set(acknowledged)) == len(acknowledged)

    vault = UnlockedVault(vault_paths, KeyFile.read(vault_paths.key_file), key)
    try:
        with vault.database.read() as session:
            stored = {str(i) for i in session.scalars(select(CheckIn.id))}
        missing = [a for a in acknowledged if a not in stored]
        assert missing == [], f"{len(missing)} acknowledged check-ins lost (seed {seed})"
        report = integrity.check(vault.database)
        assert report.ok, f"{report.integrity} (seed {seed})"
    finally:
        vault.close()
    unlock_with_passphrase(vault_paths, PASSPHRASE).close()  # and it still opens as usual

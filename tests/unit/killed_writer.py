"""A writer that holds the vault's writer lock, writes, and is killed: what a crash leaves.

Run as ``python -m tests.unit.killed_writer FOLDER COUNT`` with the vault's raw key (hex) on
stdin. It takes the writer lock as the command line does, opens the vault, adds COUNT
participants one transaction each, then sends itself SIGKILL: the ``-wal``, the ``-shm``
and the lock's holder note stay behind, as after a crash. POSIX only.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.vault.keyfile import KeyFile
from app.vault.lock import WriterLock
from app.vault.vault import OpenOptions, UnlockedVault, VaultPaths


def main(argv: list[str]) -> int:
    paths = VaultPaths(Path(argv[0]))
    count = int(argv[1])
    key = bytes.fromhex(sys.stdin.readline().strip())
    lock = WriterLock(paths.folder, "the command `python -m app demo`", "demo")
    lock.acquire()
    vault = UnlockedVault(paths, KeyFile.read(paths.key_file), key, OpenOptions(lock=lock))
    services = Services.for_vault(vault, actor="killed-writer")
    for number in range(count):
        services.participants.create(ParticipantDraft(display_name=f"Person {number}"))
    os.kill(os.getpid(), signal.SIGKILL)
    return 3  # never reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

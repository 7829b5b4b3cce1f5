"""The rekey that test_rekey kills: ``rekey_vault`` in a forked process, reported on stdout.

Run as ``python -m tests.unit.rekey_killer FOLDER STATE_FOLDER``. It imports everything
once, then for each ``spawn`` line on stdin forks a process that takes the writer lock and
rekeys the vault (the passphrase is the fixtures'; the KDF the cheap one):

    rekey <pid>            the process started
    done <pid> <seconds>   it finished (printed only after the rekey returned)
    exited <pid> <status>  it is gone (``status`` is its wait status)

POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

from app.vault.anchor import AnchorStore
from app.vault.keyfile import KdfParameters
from app.vault.lock import WriterLock
from app.vault.rekey import rekey_vault
from app.vault.vault import OpenOptions, VaultPaths

PASSPHRASE = "correct horse battery staple"  # tests.conftest's (importing it resets the env)
CHEAP_KDF = KdfParameters(iterations=1, lanes=1, memory_kib=8 * 1024)


def rekey_once(paths: VaultPaths, state: Path) -> None:
    began = time.monotonic()
    with WriterLock(paths.folder, "the rekey test") as lock:
        options = OpenOptions(lock=lock, anchors=AnchorStore(state))
        rekey_vault(paths, PASSPHRASE, options=options, kdf=CHEAP_KDF)
    print(f"done {os.getpid()} {time.monotonic() - began:.4f}", flush=True)


def main(argv: list[str]) -> int:
    paths, state = VaultPaths(Path(argv[0])), Path(argv[1])
    print("ready", flush=True)
    for command in sys.stdin:
        if command.strip() != "spawn":
            break
        pid = os.fork()
        if pid == 0:
            try:
                rekey_once(paths, state)
                code = 0
            except BaseException:
                traceback.print_exc()
                code = 3
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        print(f"rekey {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"\nexited {pid} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

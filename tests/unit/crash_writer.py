"""The writer that test_crash_safety kills: check-ins through the real services, acked on stdout.

Run as ``python -m tests.unit.crash_writer FOLDER COHORT_ID PARTICIPANT_ID...`` with the
vault's raw key (hex) on the first line of stdin. It imports everything once and then, for each
``spawn`` line on stdin, forks a writer (so 50 writers don't pay 50 interpreter starts):

    writer <pid>       a writer started; it opens the vault and writes until it is killed
    <uuid>             a check-in whose commit has returned (printed only after it did)
    exited <pid> <n>   the writer is gone (``n`` is its wait status), after all its lines

POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
import uuid
from pathlib import Path

from app.services.checkins import CheckInDraft
from app.services.container import Services
from app.vault.keyfile import KeyFile
from app.vault.vault import UnlockedVault, VaultPaths


def write_until_killed(
    paths: VaultPaths, key: bytes, cohort_id: uuid.UUID, people: list[uuid.UUID]
) -> None:
    vault = UnlockedVault(paths, KeyFile.read(paths.key_file), key)
    services = Services.for_vault(vault, actor="crash-writer")
    start = dt.datetime.now(dt.UTC)
    number = 0
    while True:
        number += 1
        session = services.sessions.schedule(cohort_id, start + dt.timedelta(minutes=number))
        for person in people:
            row = services.checkins.record(
                session.id,
                person,
                CheckInDraft(mood=number % 11, emotion_words=f"round {number}"),
            )
            # The commit has returned: only now is this check-in acknowledged.
            sys.stdout.write(f"{row.id}\n")
            sys.stdout.flush()


def main(argv: list[str]) -> int:
    paths = VaultPaths(Path(argv[0]))
    cohort_id = uuid.UUID(argv[1])
    people = [uuid.UUID(a) for a in argv[2:]]
    key = bytes.fromhex(sys.stdin.readline().strip())
    print("ready", flush=True)
    for command in sys.stdin:
        if command.strip() != "spawn":
            break
        pid = os.fork()
        if pid == 0:  # the writer: nothing of the parent's is open on the database
            try:
                write_until_killed(paths, key, cohort_id, people)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(3)  # only reached on an error: the test shows stderr
        print(f"writer {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        # A newline first: ends a line the writer may have been cut off in the middle of.
        print(f"\nexited {pid} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

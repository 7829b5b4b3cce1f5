"""One writer per vault: an exclusive lock on the vault's folder, and a note of who holds it.

The lock is ``filelock``'s (``flock`` on POSIX, ``LockFileEx`` on Windows), taken on
``circlekeeper.lock`` inside the folder; the operating system drops it when its process
dies, however it dies. Beside it, ``circlekeeper.lock.holder`` says which program holds the
vault (program, pid, command, since when), so that a second writer can say who is in the
way. A holder note that is still there when the lock is free was left by a holder that did
not finish cleanly (killed, crashed, power lost): opening then inspects what it left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from app.database.storage import storage_error
from app.vault.atomic import write_atomically
from app.vault.errors import VaultBusy

log = logging.getLogger(__name__)

LOCK_NAME = "circlekeeper.lock"
HOLDER_NAME = "circlekeeper.lock.holder"
# Long enough for another writer's short command (an export, a passphrase change) to end,
# short enough that a person waiting at the terminal is told what is going on.
WAIT_SECONDS = 4.0


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds (or last held) a vault's writer lock."""

    program: str
    pid: int
    command: str = ""
    host: str = ""
    since: str = ""

    def describe(self) -> str:
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        started = ""
        with contextlib.suppress(ValueError):
            started = f", since {dt.datetime.fromisoformat(self.since).astimezone():%H:%M}"
        return f"{self.program} (pid {self.pid}{where}{started})"

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "program": self.program,
                "pid": self.pid,
                "command": self.command,
                "host": self.host,
                "since": self.since,
            }
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Holder | None:
        try:
            document: Any = json.loads(data.decode("utf-8"))
            return cls(
                program=str(document["program"])[:200],
                pid=int(document["pid"]),
                command=str(document.get("command", ""))[:300],
                host=str(document.get("host", ""))[:200],
                since=str(document.get("since", ""))[:40],
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def read_holder(folder: Path) -> Holder | None:
    """The holder note in ``folder`` (None when there is none or it can't be read)."""
    try:
        data = (folder / HOLDER_NAME).read_bytes()
    except OSError:
        return None
    return Holder.from_json(data) or Holder("a program whose note can't be read", 0)


class WriterLock:
    """The one-writer lock of the vault in ``folder``, for ``program`` (``command``).

    ``acquire()`` waits up to ``wait`` seconds, then raises ``VaultBusy`` naming the holder.
    ``stale`` is the note a holder that did not finish cleanly left (None after a clean
    release). ``release()`` removes this process's note, then the lock. The lock is not
    re-entrant across instances: a second ``WriterLock`` on the same folder in the same
    process waits like any other writer. Usable from any thread (the window takes it on a
    worker and releases it on the GUI thread).
    """

    def __init__(self, folder: Path, program: str, command: str = "") -> None:
        self.folder = folder
        self.program = program
        self.command = command
        self.stale: Holder | None = None
        self._lock = FileLock(folder / LOCK_NAME, mode=0o600, thread_local=False)
        self._note = Holder(
            program,
            os.getpid(),
            command,
            socket.gethostname(),
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(self, wait: float = WAIT_SECONDS) -> None:
        if self.held:
            return
        self._take(wait)
        self.stale = read_holder(self.folder)
        if self.stale is not None:
            log.info("the vault's last writer did not finish cleanly: %s", self.stale.program)
        try:
            write_atomically(self.folder / HOLDER_NAME, self._note.to_json())
        except BaseException:  # a full disk or read-only folder: CannotWrite, lock let go
            self._lock.release()
            raise

    def probe(self) -> Holder | bool | None:
        """Without waiting or writing a note: the stale note when the lock is free, else False.

        Readers use it to tell a journal left by a dead writer (inspect it) from a live
        writer's (leave it alone); the lock is let go at once.
        """
        try:
            self._take(0)
        except VaultBusy:
            return False
        try:
            return read_holder(self.folder)
        finally:
            self._lock.release()

    def _take(self, wait: float) -> None:
        try:
            self._lock.acquire(timeout=wait)
        except Timeout:
            raise VaultBusy(self.folder, describe_holder(self.folder)) from None
        except OSError as error:
            raise storage_error(self.folder / LOCK_NAME, error) from None

    def release(self) -> None:
        if not self.held:
            return
        try:
            if read_holder(self.folder) == self._note:
                (self.folder / HOLDER_NAME).unlink(missing_ok=True)
        except OSError as error:  # a read-only remount: the lock still goes
            log.warning("could not remove the holder note: %s", error.strerror)
        finally:
            self._lock.release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def describe_holder(folder: Path) -> str:
    holder = read_holder(folder)
    return holder.describe() if holder is not None else "another program"

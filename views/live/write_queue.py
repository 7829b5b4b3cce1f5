"""One ordered lane for the live window's database work: each call starts after the last ends."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass
class _Job:
    work: Callable[[], Any]
    on_success: Callable[[Any], Any] | None
    on_failure: Callable[[Exception], Any] | None
    coalesce: str | None
    name: str


class SerialLane(QObject):
    """Runs callables through the task runner one at a time, in the order they were given.

    The live window's saves, commits, moves and card reads share this lane, so a card is
    never read before the draft typed into it is saved, and a commit never overtakes a
    draft. ``coalesce`` names a job that a later one with the same name replaces while it is
    still waiting (a newer draft of the same card makes the older one pointless);
    ``drop(name)`` forgets a waiting job. ``idle_changed(idle)`` says when the lane empties or
    fills; ``drain()`` runs what is still waiting on the calling thread, for the moment the
    application quits and no event loop will deliver results.
    """

    idle_changed = Signal(bool)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._waiting: deque[_Job] = deque()
        self._running: _Job | None = None

    @property
    def idle(self) -> bool:
        return self._running is None and not self._waiting

    def submit(
        self,
        work: Callable[[], Any],
        *,
        on_success: Callable[[Any], Any] | None = None,
        on_failure: Callable[[Exception], Any] | None = None,
        coalesce: str | None = None,
        name: str = "",
    ) -> None:
        was_idle = self.idle
        job = _Job(work, on_success, on_failure, coalesce, name or coalesce or "live write")
        if coalesce is not None:
            for index, waiting in enumerate(self._waiting):
                if waiting.coalesce == coalesce:
                    self._waiting[index] = job
                    break
            else:
                self._waiting.append(job)
        else:
            self._waiting.append(job)
        if was_idle:
            self.idle_changed.emit(False)
        self._next()

    def drop(self, coalesce: str) -> None:
        """Forget the waiting job named ``coalesce`` (a running one still finishes)."""
        self._waiting = deque(j for j in self._waiting if j.coalesce != coalesce)

    def drain(self) -> None:
        """Finish the running job, then run every waiting one now, on this thread (when
        quitting or locking: the vault closes right after, and nothing typed may be lost)."""
        if self._running is not None:
            self._tasks.wait()  # it may be the draft just handed over: it must be written
        while self._waiting:
            job = self._waiting.popleft()
            try:
                job.work()
            except Exception:
                log.warning("live write %s failed while quitting", job.name, exc_info=True)

    def _next(self) -> None:
        if self._running is not None or not self._waiting:
            return
        job = self._running = self._waiting.popleft()
        handle = self._tasks.submit(
            job.work,
            on_success=job.on_success,
            on_failure=job.on_failure or self._log_failure,
            owner=self,
            name=job.name,
        )
        handle.finished.connect(self._on_finished)

    def _on_finished(self) -> None:
        self._running = None
        self._next()
        if self.idle:
            self.idle_changed.emit(True)

    @staticmethod
    def _log_failure(error: Exception) -> None:
        log.warning("live write failed: %s", error)

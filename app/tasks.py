"""The one task runner and the change bus: work off the GUI thread, its outcome back on it."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from app.services.changes import NOTHING, Changes, collecting

log = logging.getLogger(__name__)

T = TypeVar("T")

# Progress reports closer together than this are merged: a generator that reports every row
# must not flood the GUI thread's event queue.
PROGRESS_INTERVAL_SECONDS = 0.04


class TaskCancelled(Exception):
    """Raised inside a task by ``TaskControl.check()`` once the task has been cancelled."""


class TaskControl:
    """What a controlled task may use on its worker thread: cancellation and progress.

    Thread-safe. Checking is cooperative: a task that never calls ``check()`` runs to its
    end, and the runner simply drops its result.
    """

    def __init__(self, report: Callable[[float], None]) -> None:
        self._cancelled = threading.Event()
        self._report = report
        self._last_report = 0.0
        self._last_fraction = -1.0

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        """Raise ``TaskCancelled`` when the task was cancelled; call it between steps."""
        if self._cancelled.is_set():
            raise TaskCancelled

    def report_progress(self, fraction: float) -> None:
        """Report progress in [0, 1]; fits ``progress=`` callbacks such as the demo generator's."""
        fraction = min(1.0, max(0.0, float(fraction)))
        now = time.monotonic()
        due = now - self._last_report >= PROGRESS_INTERVAL_SECONDS
        if fraction == self._last_fraction or not (due or fraction >= 1.0):
            return
        self._last_report, self._last_fraction = now, fraction
        self._report(fraction)


class _Relay(QObject):
    """Carries workers' outcomes to the GUI thread: emitted on a worker, queued to the runner.

    Qt queues a cross-thread emission only when the receiver is a QObject living on another
    thread, so the runner's slots (not plain Python callables) receive these. There is one
    relay per runner, living as long as it, so a worker never holds a per-task Qt object.
    """

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, float)
    ended = Signal(int, object)  # the task's id, and the Changes its commits made


class TaskHandle(QObject):
    """One submitted task, living on the GUI thread.

    Contract: unless the task was cancelled, exactly one of ``succeeded(result)`` or
    ``failed(exception)`` is emitted, on the GUI thread; ``progressed(fraction)`` may come
    before it. ``finished`` is emitted last, always once, even for a cancelled task, when
    the worker is really done. After ``cancel()`` no result, error or progress is delivered.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(float)
    finished = Signal()

    def __init__(self, name: str, control: TaskControl) -> None:
        super().__init__()
        self.name = name
        self.control = control
        self._done = False

    @property
    def cancelled(self) -> bool:
        return self.control.cancelled

    @property
    def done(self) -> bool:
        return self._done

    @Slot()
    def cancel(self) -> None:
        """Drop whatever this task delivers from now on, and ask it to stop."""
        self.control.cancel()

    def _deliver(self, signal: Any, *args: object) -> None:
        if not self.cancelled:
            signal.emit(*args)

    def _end(self) -> None:
        self._done = True
        self.finished.emit()


class _Job(QRunnable):
    """Runs one callable on a pool thread and reports through the runner's relay only."""

    def __init__(
        self,
        task_id: int,
        name: str,
        work: Callable[[TaskControl], object],
        control: TaskControl,
        relay: _Relay,
    ) -> None:
        super().__init__()
        self._task_id = task_id
        self._name = name
        self._work: Callable[[TaskControl], object] | None = work
        self._control = control
        self._relay = relay

    def run(self) -> None:
        work, self._work = self._work, None  # nothing of the task outlives its run
        relay, task_id = self._relay, self._task_id
        changed: Changes = NOTHING
        try:
            if work is None or self._control.cancelled:
                return
            # Whatever the task's transactions commit, even if a later step then fails.
            with collecting() as collector:
                try:
                    result = work(self._control)
                finally:
                    changed = collector.changes
        except TaskCancelled:
            log.debug("task %s stopped after cancellation", self._name)
        except Exception as error:
            # The receiver turns the error into a sentence; the traceback is for -v only.
            log.info("task %s failed: %s", self._name, type(error).__name__, exc_info=True)
            relay.failed.emit(task_id, error)
        else:
            relay.succeeded.emit(task_id, result)
        finally:
            relay.ended.emit(task_id, changed)


class TaskRunner(QObject):
    """Runs callables on its own thread pool; everything they produce arrives on the GUI thread.

    Workers never touch widgets: a task is a plain callable that returns a value (usually a
    frozen snapshot from a service) or raises. ``key`` makes a task supersede the previous
    one with the same key (a reload), whose late result is then dropped; ``owner`` cancels
    the task when that QObject is destroyed, so a closed page never receives a result.
    ``activity_changed(count)`` reports how many tasks are still running. Call
    ``shutdown()`` before the runner or what the tasks use (the vault) goes away.

    The change bus: what a task's transactions committed (``app.services.changes``) is
    announced by ``changed(Changes)`` once the task has ended, after its own callbacks, on
    the GUI thread. It is announced even when the task then failed or was cancelled (the
    vault changed all the same), never for a rollback, and never for a task that a
    ``drain()`` (the lock) outlived. Announcements made during one turn of the event loop
    are merged into one, so a burst of writes makes each screen reload once.
    """

    activity_changed = Signal(int)
    changed = Signal(object)  # Changes

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self._relay.progressed.connect(self._on_progressed)
        self._relay.ended.connect(self._on_ended)
        self._handles: dict[int, TaskHandle] = {}
        self._keys: dict[int, str] = {}
        self._by_key: dict[str, TaskHandle] = {}
        self._ids = itertools.count(1)
        self._accepting = True
        self._era = 0  # advanced by each drain(): what earlier tasks changed is not announced
        self._eras: dict[int, int] = {}
        self._unannounced: Changes = NOTHING
        self._announcer = QTimer(self)
        self._announcer.setSingleShot(True)
        self._announcer.setInterval(0)
        self._announcer.timeout.connect(self._announce_now)

    @property
    def active_count(self) -> int:
        return len(self._handles)

    def submit(
        self,
        work: Callable[[], T],
        *,
        on_success: Callable[[T], Any] | None = None,
        on_failure: Callable[[Exception], Any] | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        name: str = "",
    ) -> TaskHandle:
        """Run ``work()`` off the GUI thread; callbacks run on the GUI thread."""
        return self.submit_controlled(
            lambda _control: work(),
            on_success=on_success,
            on_failure=on_failure,
            key=key,
            owner=owner,
            name=name or str(getattr(work, "__qualname__", "task")),
        )

    def submit_controlled(
        self,
        work: Callable[[TaskControl], T],
        *,
        on_success: Callable[[T], Any] | None = None,
        on_failure: Callable[[Exception], Any] | None = None,
        on_progress: Callable[[float], Any] | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        name: str = "",
    ) -> TaskHandle:
        """Run ``work(control)``: the task may check cancellation and report progress."""
        task_id = next(self._ids)
        relay = self._relay
        control = TaskControl(lambda fraction: relay.progressed.emit(task_id, fraction))
        handle = TaskHandle(name or key or str(getattr(work, "__qualname__", "task")), control)
        if on_success is not None:
            handle.succeeded.connect(on_success)
        if on_failure is not None:
            handle.failed.connect(on_failure)
        if on_progress is not None:
            handle.progressed.connect(on_progress)
        if owner is not None:
            owner.destroyed.connect(handle.cancel)
        if key is not None:
            previous = self._by_key.get(key)
            if previous is not None:
                previous.cancel()
            self._by_key[key] = handle
            self._keys[task_id] = key
        if not self._accepting:
            handle.cancel()
        self._handles[task_id] = handle
        self._eras[task_id] = self._era
        self.activity_changed.emit(len(self._handles))
        self._pool.start(_Job(task_id, handle.name, work, control, relay))
        return handle

    @Slot(int, object)
    def _on_succeeded(self, task_id: int, result: object) -> None:
        handle = self._handles.get(task_id)
        if handle is not None:
            handle._deliver(handle.succeeded, result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, error: object) -> None:
        handle = self._handles.get(task_id)
        if handle is not None:
            handle._deliver(handle.failed, error)

    @Slot(int, float)
    def _on_progressed(self, task_id: int, fraction: float) -> None:
        handle = self._handles.get(task_id)
        if handle is not None:
            handle._deliver(handle.progressed, fraction)

    @Slot(int, object)
    def _on_ended(self, task_id: int, changed: Changes) -> None:
        handle = self._handles.pop(task_id, None)
        key = self._keys.pop(task_id, None)
        era = self._eras.pop(task_id, None)
        if key is not None and self._by_key.get(key) is handle:
            del self._by_key[key]
        if handle is not None:
            handle._end()
        self.activity_changed.emit(len(self._handles))
        if changed and era == self._era:
            self.announce(changed)

    # -- the change bus -------------------------------------------------------------------

    def announce(self, changes: Changes) -> None:
        """Tell every screen that ``changes`` were committed (merged with others this turn)."""
        if not changes:
            return
        self._unannounced = self._unannounced | changes
        self._announcer.start()

    @Slot()
    def _announce_now(self) -> None:
        changes, self._unannounced = self._unannounced, NOTHING
        if changes:
            log.debug("changed: %s", changes.describe())
            self.changed.emit(changes)

    def _forget_announcements(self) -> None:
        self._era += 1
        self._announcer.stop()
        self._unannounced = NOTHING

    def cancel_all(self) -> None:
        for handle in list(self._handles.values()):
            handle.cancel()

    def drain(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the workers, then keep accepting work.

        For the vault's lock: after ``drain()`` no earlier task delivers anything and no
        worker holds a connection, so the engine can be disposed; True when all ended.
        """
        self.cancel_all()
        self._forget_announcements()
        return self._pool.waitForDone(timeout_ms)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the work already handed to workers to end, cancelling nothing."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything, refuse new work, wait for the workers; True when all ended.

        Call before the vault closes, so that no worker is left holding a connection.
        """
        self._accepting = False
        self.cancel_all()
        self._forget_announcements()
        return self._pool.waitForDone(timeout_ms)

"""The task runner: work runs off the GUI thread; what it produces (and changed) comes back."""

from __future__ import annotations

import threading
import uuid

import pytest
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from app.services.changes import Changes
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft
from app.tasks import TaskControl, TaskRunner
from models import Participant


def on_gui_thread() -> bool:
    return QThread.currentThread() is QObject().thread()


def test_a_result_arrives_on_the_gui_thread(qtbot: QtBot, tasks: TaskRunner) -> None:
    worker_threads: list[int] = []
    delivered: list[tuple[int, bool]] = []

    def work() -> int:
        worker_threads.append(threading.get_ident())
        return 42

    handle = tasks.submit(work, on_success=lambda value: delivered.append((value, on_gui_thread())))
    with qtbot.waitSignal(handle.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert delivered == [(42, True)]
    assert worker_threads and worker_threads[0] != threading.get_ident()


def test_an_error_arrives_on_the_gui_thread_as_the_exception(
    qtbot: QtBot, tasks: TaskRunner
) -> None:
    seen: list[tuple[Exception, bool]] = []

    def refuse() -> None:
        raise InvalidInput("name", "The name cannot be empty.")

    handle = tasks.submit(refuse, on_failure=lambda error: seen.append((error, on_gui_thread())))
    with qtbot.waitSignal(handle.failed, timeout=5000) as blocker:
        pass
    error = blocker.args[0]
    assert isinstance(error, InvalidInput) and error.field == "name"
    assert seen == [(error, True)]
    assert not handle.cancelled


def test_progress_is_reported_on_the_gui_thread_and_ends_at_one(
    qtbot: QtBot, tasks: TaskRunner
) -> None:
    fractions: list[float] = []
    threads: list[bool] = []

    def work(control: TaskControl) -> str:
        for step in range(1, 101):
            control.report_progress(step / 100)
        return "done"

    def on_progress(fraction: float) -> None:
        fractions.append(fraction)
        threads.append(on_gui_thread())

    handle = tasks.submit_controlled(work, on_progress=on_progress)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len(fractions) < 100  # merged, not one event per step
    assert all(threads)


def test_a_cancelled_task_stops_and_delivers_nothing(qtbot: QtBot, tasks: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    stopped = threading.Event()
    delivered: list[object] = []

    def work(control: TaskControl) -> str:
        started.set()
        release.wait(5)
        try:
            control.check()
        except BaseException:
            stopped.set()
            raise
        return "too late"

    handle = tasks.submit_controlled(work, on_success=delivered.append, on_failure=delivered.append)
    assert started.wait(5)
    handle.cancel()
    release.set()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert stopped.is_set()
    assert delivered == []
    assert tasks.active_count == 0


def test_a_newer_task_with_the_same_key_makes_the_older_result_stale(
    qtbot: QtBot, tasks: TaskRunner
) -> None:
    release_old = threading.Event()
    delivered: list[str] = []

    def old() -> str:
        release_old.wait(5)
        return "old"

    first = tasks.submit(old, on_success=delivered.append, key="cohorts")
    second = tasks.submit(lambda: "new", on_success=delivered.append, key="cohorts")
    assert first.cancelled
    with qtbot.waitSignal(second.succeeded, timeout=5000):
        pass
    release_old.set()
    qtbot.waitUntil(lambda: first.done, timeout=5000)
    assert delivered == ["new"]


def test_a_destroyed_owner_receives_nothing(qtbot: QtBot, tasks: TaskRunner) -> None:
    release = threading.Event()
    delivered: list[str] = []
    owner = QObject()

    def work() -> str:
        release.wait(5)
        return "result"

    handle = tasks.submit(work, on_success=delivered.append, owner=owner)
    finished: list[bool] = []
    handle.finished.connect(lambda: finished.append(True))
    with qtbot.waitSignal(owner.destroyed, timeout=5000):
        owner.deleteLater()
    release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert delivered == []


def test_activity_is_counted_up_and_back_to_zero(qtbot: QtBot, tasks: TaskRunner) -> None:
    counts: list[int] = []
    tasks.activity_changed.connect(counts.append)
    with qtbot.waitSignal(tasks.activity_changed, check_params_cb=lambda n: n == 0, timeout=5000):
        tasks.submit(lambda: None)
    assert counts == [1, 0]


def test_after_shutdown_new_work_is_refused_quietly(qtbot: QtBot) -> None:
    runner = TaskRunner()
    assert runner.shutdown()
    delivered: list[object] = []
    handle = runner.submit(lambda: "x", on_success=delivered.append)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert handle.cancelled and delivered == []


@pytest.mark.parametrize("fraction", [-1.0, 2.0])
def test_progress_is_kept_within_zero_and_one(fraction: float) -> None:
    reported: list[float] = []
    TaskControl(reported.append).report_progress(fraction)
    assert reported == [min(1.0, max(0.0, fraction))]


# -- the change bus --------------------------------------------------------------------------


def test_what_a_task_committed_is_announced_once_after_its_own_callback(
    qtbot: QtBot, tasks: TaskRunner, services: Services
) -> None:
    order: list[str] = []
    heard: list[Changes] = []

    def on_changed(changes: Changes) -> None:
        order.append("bus")
        heard.append(changes)

    tasks.changed.connect(on_changed)
    draft = ParticipantDraft(display_name="Ana Rivaldi")
    with qtbot.waitSignal(tasks.changed, timeout=5000):
        tasks.submit(
            lambda: services.participants.create(draft),
            on_success=lambda row: order.append(f"callback {row.display_name}"),
        )
    assert order == ["callback Ana Rivaldi", "bus"]
    [changes] = heard
    assert changes.entities == {"participant"}
    assert on_gui_thread()


def test_a_rollback_or_a_read_announces_nothing_and_a_failure_after_a_commit_does(
    qtbot: QtBot, tasks: TaskRunner, services: Services
) -> None:
    heard: list[Changes] = []
    tasks.changed.connect(heard.append)

    def refused_halfway() -> None:
        with services.context.database.write() as db:
            db.add(Participant(display_name="Never saved"))
            db.flush()
            raise InvalidInput("name", "Refused.")

    for work in (refused_halfway, services.cohorts.list):
        handle = tasks.submit(work)
        with qtbot.waitSignal(handle.finished, timeout=5000):
            pass
    with qtbot.assertNotEmitted(tasks.changed, wait=100):
        pass
    assert heard == []

    def commit_then_fail() -> None:
        services.participants.create(ParticipantDraft(display_name="Ben Okafor"))
        raise InvalidInput("name", "The second step was refused.")

    with qtbot.waitSignal(tasks.changed, timeout=5000) as announced:
        tasks.submit(commit_then_fail, on_failure=lambda _error: None)
    assert announced.args[0].entities == {"participant"}  # the first step did happen


def test_a_drain_forgets_what_earlier_tasks_changed_and_announcements_merge(
    qtbot: QtBot, tasks: TaskRunner, services: Services
) -> None:
    release = threading.Event()

    def slow_write() -> None:
        release.wait(5)
        services.participants.create(ParticipantDraft(display_name="Cy"))

    tasks.submit(slow_write)
    release.set()
    assert tasks.drain()  # as the lock does: nothing of the old vault is announced
    with qtbot.assertNotEmitted(tasks.changed, wait=100):
        pass

    first = Changes(frozenset({"checkin"}), cohorts=frozenset({uuid.uuid4()}))
    second = Changes(frozenset({"goal"}))
    with qtbot.waitSignal(tasks.changed, timeout=5000) as announced:
        tasks.announce(first)
        tasks.announce(second)
    assert announced.args[0] == first | second
    with qtbot.assertNotEmitted(tasks.changed, wait=50):
        pass  # once, not twice

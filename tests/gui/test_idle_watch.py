"""The idle watch: wall and monotonic clocks, activity, limits changed on the fly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from views.shell.idle_watch import IdleWatch


class Clock:
    def __init__(self, start: float) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def clocks() -> tuple[Clock, Clock]:
    return Clock(1_800_000_000.0), Clock(1_000.0)


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    widget = QLineEdit()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def watch(qapp: QApplication, field: QLineEdit, clocks: tuple[Clock, Clock]) -> Iterator[IdleWatch]:
    """Five minutes; its timer never fires in these tests (they call ``check``)."""
    wall, monotonic = clocks
    idle = IdleWatch(qapp, 5, wall=wall, monotonic=monotonic, check_ms=3_600_000, parent=field)
    idle.start()
    yield idle
    idle.stop()  # an expired watch swallows every input of the application until stopped


def advance(clocks: tuple[Clock, Clock], seconds: float, *, wall: bool = True) -> None:
    if wall:
        clocks[0].value += seconds
    clocks[1].value += seconds


def test_activity_keeps_it_awake(
    qtbot: QtBot, watch: IdleWatch, field: QLineEdit, clocks: tuple[Clock, Clock]
) -> None:
    advance(clocks, 4 * 60)
    QTest.keyClick(field, Qt.Key.Key_A)
    advance(clocks, 4 * 60)
    with qtbot.assertNotEmitted(watch.expired):
        assert not watch.check()
    assert field.text() == "a"


def test_a_clock_set_back_does_not_hide_idle_time(
    qtbot: QtBot, watch: IdleWatch, clocks: tuple[Clock, Clock]
) -> None:
    clocks[0].value -= 2 * 3600  # someone set the clock back two hours
    advance(clocks, 5 * 60)
    with qtbot.waitSignal(watch.expired, timeout=1000):
        watch.check()


def test_sleep_counts_though_the_monotonic_clock_stood_still(
    qtbot: QtBot, watch: IdleWatch, clocks: tuple[Clock, Clock]
) -> None:
    advance(clocks, 3 * 3600, wall=False)  # monotonic only: the laptop was awake
    assert watch.idle_seconds() == 3 * 3600
    watch.touch()
    clocks[0].value += 6 * 60  # asleep six minutes: only the wall clock moved
    with qtbot.waitSignal(watch.expired, timeout=1000):
        watch.check()


def test_after_expiry_input_is_swallowed_until_stopped(
    qtbot: QtBot, watch: IdleWatch, field: QLineEdit, clocks: tuple[Clock, Clock]
) -> None:
    advance(clocks, 6 * 60)
    with qtbot.waitSignal(watch.expired, timeout=1000):
        QTest.keyClick(field, Qt.Key.Key_A)
    QTest.keyClick(field, Qt.Key.Key_B)
    assert field.text() == ""  # neither key reached the field
    watch.stop()
    QTest.keyClick(field, Qt.Key.Key_C)
    assert field.text() == "c"


def test_a_shorter_limit_applies_to_the_time_already_idle(
    qtbot: QtBot, watch: IdleWatch, clocks: tuple[Clock, Clock]
) -> None:
    advance(clocks, 3 * 60)
    with qtbot.waitSignal(watch.expired, timeout=1000):
        watch.set_minutes(2)


def test_the_timer_checks_by_itself(qtbot: QtBot, qapp: QApplication, field: QLineEdit) -> None:
    wall, monotonic = Clock(0.0), Clock(0.0)
    idle = IdleWatch(qapp, 1, wall=wall, monotonic=monotonic, check_ms=10, parent=field)
    idle.start()
    with qtbot.waitSignal(idle.expired, timeout=2000):
        wall.value += 61
    idle.stop()

"""A 12-person live round driven from the keyboard alone (QTest key clicks only)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.tasks import TaskRunner
from models import AttendanceStatus, GoalStatus, RoundKind, ShareScope
from tests.conftest import FakeNow
from tests.gui.conftest import unnamed_controls
from tests.gui.live_world import LiveWorld, build_live_world
from views.live.check_in_card import CheckInCard
from views.live.closing_card import ClosingCard
from views.live.live_window import LiveRoundWindow

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def live(services: Services, now: FakeNow) -> LiveWorld:
    built = build_live_world(services, now)
    now.value = built.today.scheduled_start + dt.timedelta(minutes=5)  # the group has begun
    return built


@pytest.fixture
def window(
    qtbot: QtBot, tasks: TaskRunner, live: LiveWorld, now: FakeNow
) -> Iterator[LiveRoundWindow]:
    made = LiveRoundWindow(
        live.services,
        tasks,
        cohort_id=live.world.cohort.id,
        session_id=live.today.id,
        soft_limit=180,
        clock=now,
    )
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    yield made
    made.controller.lane.drain()
    qtbot.waitUntil(lambda: made.controller.lane.idle)


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focus(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focus(), text)


def settle(qtbot: QtBot, window: LiveRoundWindow) -> None:
    """Everything saved, the card on screen ready, the next one read ahead."""

    def ready() -> bool:
        card, controller = window.card, window.controller
        upcoming = controller.next_up
        return (
            controller.idle
            and (card is None or (card.ready and card.isEnabled()))
            and (upcoming is None or upcoming in controller.states)
        )

    qtbot.waitUntil(ready, timeout=5000)


def speaker(window: LiveRoundWindow) -> str:
    assert window.card is not None
    return window.card.card.display_name


def test_a_twelve_person_round_from_the_keyboard_alone(
    qtbot: QtBot, window: LiveRoundWindow, live: LiveWorld, now: FakeNow
) -> None:
    services = live.services
    settle(qtbot, window)
    assert not unnamed_controls(window)
    heard: list[str] = []
    came_back = False
    while window.card is not None:
        settle(qtbot, window)
        name = speaker(window)
        card = window.card
        assert isinstance(card, CheckInCard)
        assert focus() is card.mood
        if name == "Cy" and not came_back and "Cy" not in heard:
            press(K.Key_S, ALT)  # skip for now
            settle(qtbot, window)
            assert speaker(window) == "Dee"
            continue
        if name == "Fern" and not came_back:
            came_back = True
            type_text("5")  # typed, then left for Cy: it stays as Fern's draft
            press(K.Key_B, ALT)  # come back to… (the skipped person is selected)
            press(K.Key_Return)
            settle(qtbot, window)
            assert speaker(window) == "Cy"
            continue
        if name == "Eli":
            now.advance(minutes=10)
            press(K.Key_A, ALT)  # arrived late, at "now": minute 15
        mood_keys = [K.Key_1, K.Key_0] if name == "Ben T." else [K.Key_7]
        for key in mood_keys:
            press(key)
        assert focus() is card.craving  # the mood settled: focus moved on by itself
        press(K.Key_2)
        assert focus() is card.words
        type_text("hop")  # completes inline to "hopeful" (their own past word)
        type_text(", ti")  # the comma accepts; "ti" completes to "tired"
        press(K.Key_Right)
        for report in card.reports:
            press(K.Key_Tab)
            assert focus() is report.outcome
            type_text("p")  # Partly
            press(K.Key_Tab)
            press(K.Key_Space)  # carry forward
            press(K.Key_Tab)
            type_text("she was away")
        press(K.Key_Tab)
        type_text(f"went to {name}'s meeting")
        press(K.Key_Tab)
        type_text("sleep")
        if name == "Gus":
            press(K.Key_Tab)
            press(K.Key_Space)  # clinician only
        heard.append(name)
        press(K.Key_Return)
    settle(qtbot, window)
    assert sorted(heard) == sorted(p.display_name for p in live.people)
    assert heard.index("Cy") == heard.index("Eli") + 1  # came back to Cy after Eli

    checkins = {c.participant_name: c for c in services.checkins.for_session(live.today.id)}
    assert len(checkins) == 12
    assert checkins["Ben T."].mood == 10 and checkins["Ana R."].mood == 7
    assert checkins["Fern"].mood == 7  # her first "5" was a draft, replaced
    assert checkins["Ana R."].emotion_words == "hopeful, tired"
    assert checkins["Ana R."].craving == 2
    assert checkins["Ana R."].accomplishments == "went to Ana R.'s meeting"
    assert checkins["Gus"].share_scope is ShareScope.CLINICIAN
    presence = {p.participant_id: p for p in services.round_entries.presence(live.today.id)}
    late = presence.pop(uuid_of(live, "Eli"))
    assert (late.status, late.arrived_minute) == (AttendanceStatus.LATE, 15)
    assert len(presence) == 11
    assert {p.status for p in presence.values()} == {AttendanceStatus.PRESENT}
    for person in live.people[:3]:
        statuses = [g.status for g in services.goals.for_participant(person.id)]
        assert statuses.count(GoalStatus.CARRIED_FORWARD) == 1
        assert statuses.count(GoalStatus.OPEN) == 1  # carried into this week
    assert services.round_entries.drafts_for(live.today.id, RoundKind.CHECK_IN) == []

    press(K.Key_C, ALT)  # everyone has spoken: the closing round begins at once
    qtbot.waitUntil(lambda: isinstance(window.card, ClosingCard), timeout=5000)
    settle(qtbot, window)
    assert not unnamed_controls(window)
    for index in range(12):
        settle(qtbot, window)
        closing = window.card
        assert isinstance(closing, ClosingCard)
        carried = speaker(window) in {"Ana R.", "Ben T.", "Cy"}
        if carried:  # the carried goal is the first line, already filled in
            assert closing.lines[0].text.text() == "call my sister"
            press(K.Key_Tab)
            press(K.Key_Tab)
        type_text(f"walk {index} times")
        press(K.Key_Tab)
        type_text("heal")  # completes to "health"
        if index == 0:
            press(K.Key_Tab)
            type_text("paint")
            press(K.Key_Tab)
            type_text("Creativity")
        press(K.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.peer_bar.choice.isEnabled(), timeout=5000)
    press(K.Key_L, ALT)
    assert focus() is window.peer_bar.choice
    press(K.Key_Down)  # the first name is the suggestion
    settle(qtbot, window)
    following = services.round_entries.next_session(live.today.id)
    assert following is not None and following.peer_leader_id is not None
    goals = {
        p.display_name: [
            g for g in services.goals.for_participant(p.id) if g.set_in_session_id == live.today.id
        ]
        for p in live.people
    }
    print(
        {k: [(g.text, g.value_domain) for g in v] for k, v in goals.items()}, window.message.text()
    )
    assert [(g.text, g.value_domain) for g in goals["Dee"]] == [("walk 3 times", "health")]
    assert len(goals["Ana R."]) == 3  # carried forward, walk, paint
    assert {g.value_domain for g in goals["Ana R."]} >= {"creativity", "health", "family"}


def uuid_of(live: LiveWorld, name: str) -> uuid.UUID:
    return next(p.id for p in live.people if p.display_name == name)

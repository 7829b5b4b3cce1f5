"""The live window's parts: the order model, score and word inputs, timer, agenda, start, resume."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.services.errors import ServiceError
from app.tasks import TaskRunner
from models import RoundKind, RoundOrder, TurnStatus
from tests.conftest import FakeNow
from tests.gui.conftest import unnamed_controls
from tests.gui.live_world import LiveWorld, build_live_world
from tests.unit.engine_world import World
from views.live.about_panel import AboutPanel
from views.live.agenda_panel import AgendaPanel
from views.live.check_in_card import CheckInCard
from views.live.key_inputs import ScoreInput, WordsInput
from views.live.launcher import LiveLauncher
from views.live.live_window import LiveRoundWindow
from views.live.round_order_model import RoundOrderModel
from views.live.speaker_timer import SpeakerTimer
from views.live.start_dialog import StartChoice, StartSessionDialog

K = Qt.Key


@pytest.fixture
def live(services: Services, now: FakeNow) -> LiveWorld:
    built = build_live_world(services, now)
    now.value = built.today.scheduled_start + dt.timedelta(minutes=2)
    return built


def test_the_round_order_model_passes_the_model_tester(
    qtmodeltester: object, services: Services, live: LiveWorld
) -> None:
    view = services.rounds.start(live.today.id)
    model = RoundOrderModel()
    model.set_view(view)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_view(services.rounds.skip(view.id))  # statuses change in place
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert (
        model.index(0)
        .data(Qt.ItemDataRole.ToolTipRole)
        .endswith("skipped for now: come back with Alt+B")
    )
    model.set_view(dataclasses.replace(view, turns=view.turns[:3]))  # people changed: a reset
    assert model.rowCount() == 3
    model.set_view(None)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def _score_form(qtbot: QtBot) -> tuple[QWidget, ScoreInput, QLineEdit]:
    host = QWidget()
    layout = QVBoxLayout(host)
    score, after = ScoreInput(host), QLineEdit(host)
    score.setAccessibleName("Mood")
    after.setAccessibleName("Next")
    layout.addWidget(score)
    layout.addWidget(after)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    score.setFocus()
    qtbot.waitUntil(score.hasFocus)
    return host, score, after


@pytest.mark.parametrize(
    ("keys", "score", "after_text"),
    [
        ("7", 7, ""),
        ("10", 10, ""),
        ("1t", 1, "t"),  # 1 then a letter: the letter starts the next field
        ("15", 5, ""),  # 1 then another digit: that digit
        ("x", None, "x"),  # a letter: moved on, the letter goes to the next field
    ],
)
def test_a_score_by_number_keys(
    qtbot: QtBot, keys: str, score: int | None, after_text: str
) -> None:
    _host, field, after = _score_form(qtbot)
    QTest.keyClicks(field, keys[0])
    for key in keys[1:]:
        target = field if field.hasFocus() else after
        QTest.keyClicks(target, key)
    assert field.score() == score
    assert after.hasFocus()
    assert after.text() == after_text
    QTest.keyClick(field, K.Key_Backspace)
    assert field.score() is None


def test_feeling_words_complete_inline(qtbot: QtBot) -> None:
    words = WordsInput()
    qtbot.addWidget(words)
    words.set_words(["Hopeful", "anxious", "hopeless", "anxious"])
    assert words.words() == ["hopeful", "anxious", "hopeless"]
    QTest.keyClicks(words, "an")
    assert (words.text(), words.selectedText()) == ("anxious", "xious")
    QTest.keyClicks(words, ", hopel")
    assert words.text() == "anxious, hopeless"
    QTest.keyClick(words, K.Key_Backspace)  # drops the suggestion, and does not re-suggest
    assert words.text() == "anxious, hopel"
    QTest.keyClicks(words, "x")
    assert words.text() == "anxious, hopelx"


def test_the_timer_is_gentle_past_the_soft_limit(
    qtbot: QtBot, services: Services, live: LiveWorld, now: FakeNow
) -> None:
    view = services.rounds.set_soft_limit(services.rounds.start(live.today.id).id, 120)
    timer = SpeakerTimer(now)
    qtbot.addWidget(timer)
    timer.set_view(view)
    assert timer.text() == "0:00 of 2:00" and not timer.over_limit
    now.advance(seconds=121)
    timer.refresh()
    assert timer.over_limit and timer.text() == "2:01 of 2:00 · time to gently wrap up"
    timer.set_view(dataclasses.replace(view, current_participant_id=None))
    assert timer.text() == ""


def test_the_agenda_prints_to_pdf_through_a_file_dialog(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner, tmp_path: Path
) -> None:
    panel = AgendaPanel(services.agenda, tasks)
    qtbot.addWidget(panel)
    panel.load_cohort(live.world.cohort.id)
    qtbot.waitUntil(lambda: panel.agenda is not None, timeout=5000)
    assert "Who needs a check-in" in panel.browser.toPlainText()
    dialog = panel.ask_for_pdf_path()
    assert dialog is not None and dialog.isVisible()  # open(), not exec(): no nested loop
    dialog.reject()
    target = tmp_path / "agenda.pdf"
    with qtbot.waitSignal(panel.pdf_written, timeout=10_000):
        panel.print_to(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_size > 2000


def test_typed_text_survives_closing_the_window_and_resumes_exactly(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner, now: FakeNow
) -> None:
    def open_window() -> LiveRoundWindow:
        window = LiveRoundWindow(
            services, tasks, cohort_id=live.world.cohort.id, session_id=live.today.id, clock=now
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: window.card is not None and window.card.ready, timeout=5000)
        return window

    first = open_window()
    card = first.card
    assert isinstance(card, CheckInCard)
    QTest.keyClicks(card.mood, "8")
    QTest.keyClicks(card.words, "steady,  ")
    QTest.keyClicks(card.challenges, "two lines")
    QTest.keyClick(card.challenges, K.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(card.challenges, "  of text ")
    typed = card.fields()
    first.close()  # before the pause: closing saves it
    reopened = open_window()
    assert reopened.card is not None and reopened.card.fields() == typed
    assert typed["challenges"] == "two lines\n  of text "
    [draft] = services.round_entries.drafts_for(live.today.id, RoundKind.CHECK_IN)
    assert draft.as_dict() == typed
    reopened.close()


def test_start_dialog_lists_today_and_offers_resume(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner
) -> None:
    cohort = services.cohorts.get(live.world.cohort.id)
    dialog = StartSessionDialog(services.rounds, tasks, cohort)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.sessions.count() == 2, timeout=5000)
    assert not unnamed_controls(dialog)
    assert dialog.sessions.item(0).text().startswith("Today at 18:00")
    with qtbot.waitSignal(dialog.start_requested) as started:
        QTest.keyClick(dialog.sessions, K.Key_Return)
    choice = started.args[0]
    assert isinstance(choice, StartChoice) and choice.session_id == live.today.id
    assert choice.soft_limit_seconds == 180

    services.rounds.start(live.today.id)
    again = StartSessionDialog(services.rounds, tasks, cohort)
    qtbot.addWidget(again)
    again.open()
    qtbot.waitUntil(lambda: again.sessions.count() == 2, timeout=5000)
    assert "check-in round in progress (0 of 12): resume" in again.sessions.item(0).text()
    assert not again.order.isEnabled()


def test_the_launcher_offers_to_resume_an_interrupted_round(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner
) -> None:
    view = services.rounds.start(live.today.id)
    services.rounds.advance(view.id)
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    launcher = LiveLauncher(services, tasks, host)
    launcher.set_cohort(services.cohorts.get(live.world.cohort.id))
    qtbot.waitUntil(lambda: launcher.dialog is not None, timeout=5000)
    box = launcher.dialog
    assert box is not None and "Ben T.: 1 of 12 have spoken" in box.text()  # type: ignore[attr-defined]
    with qtbot.waitSignal(launcher.round_opened, timeout=5000) as opened:
        QTest.keyClick(box, K.Key_Return)  # "Resume" is the default
    window = opened.args[0]
    qtbot.waitUntil(lambda: window.card is not None and window.card.ready, timeout=5000)
    assert window.card.card.display_name == "Ben T."
    assert [t.status for t in window.controller.view.turns[:1]] == [TurnStatus.DONE]
    window.close()


def test_a_failed_commit_comes_back_to_the_card_with_everything_typed(
    qtbot: QtBot,
    services: Services,
    live: LiveWorld,
    tasks: TaskRunner,
    now: FakeNow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = LiveRoundWindow(
        services, tasks, cohort_id=live.world.cohort.id, session_id=live.today.id, clock=now
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.card is not None and window.card.ready, timeout=5000)
    card = window.card
    assert isinstance(card, CheckInCard)
    QTest.keyClicks(card.mood, "4")
    QTest.keyClicks(card.words, "shaky")
    typed = card.fields()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ServiceError("The vault is busy; nothing was saved.")

    monkeypatch.setattr(services.rounds, "commit_and_advance", refuse)  # card and move: one call
    QTest.keyClick(card.words, K.Key_Return)
    assert window.card is not None and window.card.card.display_name == "Ben T."  # at once
    qtbot.waitUntil(lambda: window.controller.idle, timeout=5000)
    back = window.card
    assert back is not None and back.card.display_name == "Ana R."
    qtbot.waitUntil(lambda: back.ready, timeout=5000)
    assert back.fields() == typed
    assert window.message.text() == "The vault is busy; nothing was saved."
    assert services.checkins.for_session(live.today.id) == []


def test_a_round_that_cannot_open_says_why(
    qtbot: QtBot, services: Services, now: FakeNow, tasks: TaskRunner
) -> None:
    world = World(services, now, name="Empty Group")
    [session, *_] = world.weeks(1)
    window = LiveRoundWindow(
        services, tasks, cohort_id=world.cohort.id, session_id=session.id, clock=now
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Nobody is enrolled" in window.cards.text_page.text(), timeout=5000)


def test_an_unscheduled_session_starts_now(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner, now: FakeNow
) -> None:
    cohort = services.cohorts.get(live.world.cohort.id)
    dialog = StartSessionDialog(services.rounds, tasks, cohort)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.sessions.count() == 2, timeout=5000)
    QTest.keyClick(dialog.sessions, K.Key_End)
    with qtbot.waitSignal(dialog.start_requested) as started:
        QTest.keyClick(dialog.sessions, K.Key_Return)
    choice = started.args[0]
    assert choice.session_id is None
    window = LiveRoundWindow(
        services, tasks, cohort_id=choice.cohort_id, session_id=None, clock=now
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.card is not None and window.card.ready, timeout=5000)
    today = services.rounds.sessions_today(cohort.id)
    assert len(today) == 2 and window.controller.view is not None
    assert window.controller.view.session_id not in {live.today.id}


def test_a_prompt_links_to_the_record_it_came_from(
    qtbot: QtBot, services: Services, live: LiveWorld
) -> None:
    evaluation = services.accountability.evaluate(live.today.id)
    card = evaluation.card(live.people[0].id)
    goal_prompt = next(p for p in card.prompts if p.source.entity == "goal")
    panel = AboutPanel(card, evaluation.day)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.record_opened) as opened:
        panel.prompts.linkActivated.emit(f"record:goal:{goal_prompt.source.id.hex}")
    assert opened.args[0] == goal_prompt.source
    assert panel.source_label.text() == "Source: Goal set Fri 27 Feb: call my sister (family)."


def test_the_lock_saves_the_round_destroys_its_windows_and_the_unlock_resumes_it(
    qtbot: QtBot, services: Services, live: LiveWorld, tasks: TaskRunner
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    launcher = LiveLauncher(services, tasks, host)
    cohort = services.cohorts.get(live.world.cohort.id)
    launcher.set_cohort(cohort)
    window = launcher.open_round(
        StartChoice(cohort.id, live.today.id, RoundOrder.ALPHABETICAL, None)
    )
    qtbot.waitUntil(lambda: window.card is not None and window.card.ready, timeout=5000)
    window.show_presenter(True)
    card = window.card
    assert isinstance(card, CheckInCard)
    QTest.keyClicks(card.mood, "3")
    QTest.keyClicks(card.words, "restless")  # the pause has not come yet: nothing saved
    assert window.typing_pending
    presenter = window.presenter
    assert presenter is not None
    place = launcher.close_now()  # as the desk's tear-down does, the vault still open
    assert not shiboken6.isValid(window) and not shiboken6.isValid(presenter)
    assert launcher.round_window is None
    [draft] = services.round_entries.drafts_for(live.today.id, RoundKind.CHECK_IN)
    assert (draft.as_dict()["mood"], draft.as_dict()["words"]) == ("3", "restless")
    assert place.session_id == live.today.id and place.presenter and not place.agenda

    again = LiveLauncher(services, tasks, host)  # the launcher built at the unlock
    again.set_cohort(cohort)
    again.resume(place)
    resumed = again.round_window
    assert resumed is not None
    qtbot.waitUntil(lambda: resumed.card is not None and resumed.card.ready, timeout=5000)
    assert resumed.card is not None
    fields = resumed.card.fields()
    assert (fields["mood"], fields["words"]) == ("3", "restless")  # where it was, typed text
    assert resumed.presenter is not None and resumed.presenter.isVisible()
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=5000)
    assert again.dialog is None  # resumed without asking

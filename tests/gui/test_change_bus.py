"""One truth on every screen: a change made in one window shows in every other, with no
other action (the desk as the composition root builds it, over a real encrypted vault)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.desk import Desk
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import LAST_PAGE, Settings
from app.tasks import TaskRunner
from models import AttendanceStatus, RoundOrder
from tests.conftest import FakeNow
from tests.gui.live_world import LiveWorld, build_live_world
from tests.unit.test_sync_support import Machine, make_machine
from views.attendance.attendance_page import AttendancePage
from views.checkins.checkins_page import CheckInsPage
from views.goals.goals_page import GoalsPage
from views.live.agenda_panel import AgendaPanel
from views.live.check_in_card import CheckInCard
from views.live.start_dialog import StartChoice
from views.roster.roster_page import RosterPage
from views.roster.roster_table_model import Column
from views.shell.main_window import MainWindow
from views.shell.search_dialog import SearchDialog

WAIT = 10_000
P = TypeVar("P")
ANAS_GOAL = "Ana R.: call my sister"


def open_desk(
    qtbot: QtBot, services: Services, tasks: TaskRunner, settings: Settings
) -> tuple[MainWindow, Desk]:
    settings.set(LAST_PAGE, "roster")
    window = MainWindow(settings, tasks)
    qtbot.addWidget(window)
    desk = Desk(window, services, tasks, settings)
    window.show()
    switcher = window.switcher
    assert switcher is not None
    qtbot.waitUntil(lambda: switcher.current_cohort is not None, timeout=WAIT)
    return window, desk


def page_of(window: MainWindow, kind: type[P]) -> P:
    return next(page for page in window.pages if isinstance(page, kind))


def moods(roster: RosterPage) -> dict[str, str]:
    model = roster.model
    return {
        entry.row.display_name: str(model.index(row, Column.MOOD).data())
        for row, entry in enumerate(model.entries)
    }


def due_names(goals: GoalsPage) -> list[str]:
    return [goal.participant_name for goal in goals.view.due_model.rows]


@pytest.fixture
def after_midnight(services: Services, now: FakeNow) -> LiveWorld:
    """Monday's group, its round still being entered at 00:30 on Tuesday (Chicago): the
    desk's agenda is then Wednesday's, which counts what Monday's round records."""
    built = build_live_world(services, now)
    now.value = dt.datetime(2026, 3, 3, 6, 30, tzinfo=dt.UTC)
    return built


def test_a_card_saved_in_the_live_round_reaches_the_roster_log_board_and_agenda(
    qtbot: QtBot,
    services: Services,
    tasks: TaskRunner,
    settings: Settings,
    after_midnight: LiveWorld,
) -> None:
    live = after_midnight
    window, desk = open_desk(qtbot, services, tasks, settings)
    roster = page_of(window, RosterPage)
    log = page_of(window, CheckInsPage)
    goals = page_of(window, GoalsPage)
    qtbot.waitUntil(lambda: moods(roster).get("Ana R.") == "3/10", timeout=WAIT)
    qtbot.waitUntil(lambda: log.model.count is not None, timeout=WAIT)
    counted = log.model.count
    qtbot.waitUntil(lambda: "Ana R." in due_names(goals), timeout=WAIT)
    agenda_window = desk.launcher.open_agenda()
    assert agenda_window is not None
    agenda = agenda_window.centralWidget()
    assert isinstance(agenda, AgendaPanel)
    qtbot.waitUntil(lambda: ANAS_GOAL in agenda.browser.toPlainText(), timeout=WAIT)

    round_window = desk.launcher.open_round(
        StartChoice(live.world.cohort.id, live.today.id, RoundOrder.ALPHABETICAL, None)
    )
    qtbot.waitUntil(lambda: round_window.card is not None and round_window.card.ready, timeout=WAIT)
    card = round_window.card
    assert isinstance(card, CheckInCard) and card.card.display_name == "Ana R."
    round_window.activateWindow()
    QTest.keyClicks(card.mood, "9")
    [report] = card.reports
    QTest.keyClicks(report.outcome, "d")  # Done: she called her sister
    QTest.keyClick(card.mood, Qt.Key.Key_Return)  # commit, and on to Ben

    # Nothing else is done: every other window follows the change bus.
    qtbot.waitUntil(lambda: moods(roster).get("Ana R.") == "9/10", timeout=WAIT)
    qtbot.waitUntil(lambda: log.model.count == (counted or 0) + 1, timeout=WAIT)
    rows = [log.model.row_at(n) for n in range(log.model.rowCount())]
    assert any(r.participant_name == "Ana R." and r.mood == 9 for r in rows)
    qtbot.waitUntil(lambda: "Ana R." not in due_names(goals), timeout=WAIT)
    assert "Ben T." in due_names(goals)  # only hers was reported
    qtbot.waitUntil(lambda: ANAS_GOAL not in agenda.browser.toPlainText(), timeout=WAIT)
    assert "Ben T.: call my sister" in agenda.browser.toPlainText()
    round_window.close()
    desk.tear_down()


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[tuple[Machine, Machine]]:
    made = (make_machine(tmp_path / "a", "ana"), make_machine(tmp_path / "b", "ben"))
    made[0].trust(made[1])
    made[1].trust(made[0])
    yield made
    for machine in made:
        machine.vault.close()


def test_a_bundle_import_updates_every_open_page_and_profile(
    qtbot: QtBot, tasks: TaskRunner, settings: Settings, peers: tuple[Machine, Machine]
) -> None:
    a, b = peers
    s = a.services
    cohort = s.cohorts.create(
        CohortDraft(name="Harbor Evening", timezone="UTC", start_date=dt.date(2026, 2, 2))
    )
    kai = s.participants.create(ParticipantDraft(display_name="Kai"))
    s.enrollments.enroll(kai.id, cohort.id, start_date=dt.date(2026, 2, 2))
    session = s.sessions.schedule(cohort.id, dt.datetime(2026, 2, 2, 18, tzinfo=dt.UTC))
    b.import_(a.export(to=b))  # both devices hold the same cohort

    window, desk = open_desk(qtbot, b.services, tasks, settings)
    roster = page_of(window, RosterPage)
    log = page_of(window, CheckInsPage)
    goals = page_of(window, GoalsPage)
    attendance = page_of(window, AttendancePage)
    qtbot.waitUntil(lambda: set(moods(roster)) == {"Kai"}, timeout=WAIT)
    qtbot.waitUntil(lambda: attendance.model.rowCount() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: log.model.count == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: goals.board is not None, timeout=WAIT)
    profile = desk.profiles.open(kai.id)
    qtbot.waitUntil(lambda: profile.profile is not None, timeout=WAIT)
    assert profile.profile is not None and not profile.profile.checkins

    # Meanwhile, on the other device: Lee joins, Kai checks in and sets a goal, both attend.
    lee = s.participants.create(ParticipantDraft(display_name="Lee"))
    s.enrollments.enroll(lee.id, cohort.id, start_date=dt.date(2026, 2, 2))
    s.checkins.record(session.id, kai.id, CheckInDraft(mood=6, challenges="the commute"))
    s.goals.set_goal(kai.id, session.id, "Walk to work", "health")
    for person in (kai, lee):
        s.attendance.mark(session.id, person.id, AttendanceStatus.PRESENT)
    bundle = a.export(to=b)
    with qtbot.waitSignal(tasks.changed, timeout=WAIT) as announced:
        tasks.submit(lambda: b.services.exchange.import_file(bundle))  # as the dialog does
    assert announced.args[0].everything

    qtbot.waitUntil(lambda: set(moods(roster)) == {"Kai", "Lee"}, timeout=WAIT)
    assert moods(roster)["Kai"] == "6/10"
    qtbot.waitUntil(lambda: log.model.count == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: attendance.model.rowCount() == 2, timeout=WAIT)
    qtbot.waitUntil(
        lambda: [g.text for g in goals.view.week_model.rows] == ["Walk to work"], timeout=WAIT
    )
    qtbot.waitUntil(lambda: bool(profile.profile and profile.profile.checkins), timeout=WAIT)
    desk.tear_down()


def test_a_clinician_note_saved_in_a_profile_reaches_an_open_search(
    qtbot: QtBot, tasks: TaskRunner, settings: Settings, services: Services, now: FakeNow
) -> None:
    live = build_live_world(services, now)
    window, desk = open_desk(qtbot, services, tasks, settings)
    search = SearchDialog(services.search, tasks, window)
    search.show()
    search.clinician.setChecked(True)
    QTest.keyClicks(search.query, "harbour")
    search.run_search()
    qtbot.waitUntil(lambda: search.status.text().startswith("Nothing found"), timeout=WAIT)

    ana = live.people[0]
    profile = desk.profiles.open(ana.id)
    qtbot.waitUntil(lambda: profile.profile is not None, timeout=WAIT)
    notes = profile.clinician.notes
    notes.setFocus()
    QTest.keyClicks(notes, " Moving to the harbour flats next week.")
    QTest.mouseClick(profile.clinician.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=WAIT)
    hit = search.model.row_at(0)
    assert hit.participant_name == "Ana R." and hit.clinician_only
    search.close()
    desk.tear_down()


def test_a_change_elsewhere_keeps_each_pages_selection_and_scroll_position(
    qtbot: QtBot, services: Services, tasks: TaskRunner, settings: Settings
) -> None:
    cohort = services.cohorts.create(
        CohortDraft(name="Harbor Evening", timezone="UTC", start_date=dt.date(2026, 1, 5))
    )
    people = []
    for number in range(8):
        person = services.participants.create(ParticipantDraft(display_name=f"Person {number}"))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 1, 5))
        people.append(person)
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 1, 5), 6)
    for session in sessions:
        for person in people:
            services.checkins.record(session.id, person.id, CheckInDraft(mood=5))
    settings.set(LAST_PAGE, "checkins")
    window, desk = open_desk(qtbot, services, tasks, settings)
    window.resize(1100, 500)  # a few screens of check-ins: the log scrolls
    log = page_of(window, CheckInsPage)
    roster = page_of(window, RosterPage)
    qtbot.waitUntil(lambda: log.model.count == 8 * len(sessions), timeout=WAIT)
    qtbot.waitExposed(window)
    row = 60  # well inside the first page: a refresh reads as far as the log was loaded
    log.table.selectRow(row)
    log.table.scrollTo(log.model.index(row, 0))
    bar = log.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=WAIT)
    scrolled, chosen = bar.value(), log.model.row_at(row).id
    roster.select_participant(people[5].id)

    first, edited = sessions[-1], people[0]  # the newest session: at the top of the log
    with qtbot.waitSignal(log.model.refreshed, timeout=WAIT):
        tasks.submit(  # another window edits a check-in (the log keeps its order)
            lambda: services.checkins.record(first.id, edited.id, CheckInDraft(mood=2))
        )
    moods_now = [log.model.row_at(n) for n in range(log.model.rowCount())]
    assert any(r.participant_id == edited.id and r.mood == 2 for r in moods_now)
    current = log.table.currentIndex()
    assert current.isValid() and log.model.row_at(current.row()).id == chosen
    assert bar.value() == scrolled
    assert roster.selected_participant() == people[5].id
    desk.tear_down()

"""Ctrl+F: find people, check-ins and goals; clinician-only text only when asked, and marked;
a result opens on its page, in its cohort, selected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import Settings
from app.tasks import TaskRunner
from models import ShareScope
from tests.gui.conftest import check_model, unnamed_controls
from tests.gui.desk_pages import all_pages
from views.goals.goals_page import GoalsPage
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.desk_controller import DeskController
from views.shell.main_window import MainWindow
from views.shell.search_dialog import CLINICIAN_MARK, SearchColumn, SearchDialog
from views.theme import ThemeController


@pytest.fixture
def seeded(services: Services) -> dict[str, object]:
    first = services.cohorts.create(CohortDraft(name="Alpha Mornings"))
    second = services.cohorts.create(CohortDraft(name="Beacon Evenings"))
    juno = services.participants.create(ParticipantDraft(display_name="Juno Paloma"))
    services.enrollments.enroll(juno.id, second.id, start_date=dt.date(2026, 3, 1))
    sessions = services.sessions.schedule_weeks(second.id, dt.date(2026, 3, 2), 1)
    services.checkins.record(
        sessions[0].id, juno.id, CheckInDraft(mood=6, accomplishments="fixed the bike chain")
    )
    services.checkins.record(
        sessions[1].id,
        juno.id,
        CheckInDraft(mood=2, challenges="bike accident scare", share_scope=ShareScope.CLINICIAN),
    )
    goal = services.goals.set_goal(juno.id, sessions[0].id, "Ride the bike to group", "health")
    return {"first": first, "second": second, "goal": goal}


MakeWindow = Callable[[], tuple[MainWindow, DeskController]]


@pytest.fixture
def make_window(
    qtbot: QtBot, qapp: object, services: Services, settings: Settings, tasks: TaskRunner
) -> MakeWindow:
    def make() -> tuple[MainWindow, DeskController]:
        window = MainWindow(settings, tasks)
        qtbot.addWidget(window)
        switcher = CohortSwitcher(services.cohorts, tasks, settings)
        window.install_desk(switcher, all_pages(services, tasks))
        theme = ThemeController(qapp, settings)  # type: ignore[arg-type]
        desk = DeskController(window, tasks, settings, theme)
        desk.attach(services, lambda folder: folder)
        switcher.reload()
        window.show()
        qtbot.waitUntil(lambda: switcher.loaded, timeout=5000)
        return window, desk

    return make


def open_search(qtbot: QtBot, window: MainWindow, desk: DeskController) -> SearchDialog:
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.search_dialog is not None, timeout=2000)
    dialog = desk.search_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_typing_finds_and_clinician_only_text_needs_the_box_and_is_marked(
    qtbot: QtBot, make_window: MakeWindow, seeded: dict[str, object], qtmodeltester: ModelTester
) -> None:
    window, desk = make_window()
    dialog = open_search(qtbot, window, desk)
    assert unnamed_controls(dialog) == []
    assert not dialog.clinician.isChecked()
    QTest.keyClicks(dialog.query, "bike")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)  # debounced
    kinds = {dialog.model.index(r, SearchColumn.KIND).data() for r in range(2)}
    assert kinds == {"Check-in", "Goal"}
    assert all(not hit.clinician_only for hit in dialog.model.rows)

    dialog.clinician.setChecked(True)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=5000)
    marked = [r for r in range(3) if dialog.model.row_at(r).clinician_only]
    assert len(marked) == 1
    row = marked[0]
    assert dialog.model.index(row, SearchColumn.TEXT).data().startswith(f"[{CLINICIAN_MARK}]")
    assert dialog.model.index(row, SearchColumn.SHARED).data() == CLINICIAN_MARK
    assert dialog.model.index(row, SearchColumn.TEXT).data(Qt.ItemDataRole.FontRole).italic()
    check_model(qtmodeltester, dialog.model)


def test_a_goal_found_opens_on_the_goals_page_in_its_cohort_selected(
    qtbot: QtBot, make_window: MakeWindow, seeded: dict[str, object]
) -> None:
    window, desk = make_window()
    switcher = window.switcher
    assert switcher is not None and switcher.currentText() == "Alpha Mornings"
    dialog = open_search(qtbot, window, desk)
    QTest.keyClicks(dialog.query, "ride the")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    QTest.keyClick(dialog.query, Qt.Key.Key_Down)  # into the results
    assert dialog.results.hasFocus()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        QTest.keyClick(dialog.results, Qt.Key.Key_Return)
    assert switcher.currentText() == "Beacon Evenings"
    page = window.current_page
    assert isinstance(page, GoalsPage)
    goal_id = seeded["goal"].id  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: (
            page.view.week_view.currentIndex().isValid()
            or page.view.due_view.currentIndex().isValid()
        ),
        timeout=5000,
    )
    selected = page.view.week_view.currentIndex()
    assert selected.isValid() and page.view.week_model.rows[0].id == goal_id
    assert desk.search_dialog is None  # closed, and forgotten with what it found


def test_one_letter_searches_nothing_and_escape_closes(
    qtbot: QtBot, make_window: MakeWindow, seeded: dict[str, object]
) -> None:
    window, desk = make_window()
    dialog = open_search(qtbot, window, desk)
    QTest.keyClicks(dialog.query, "b")
    dialog.run_search()
    assert dialog.model.rowCount() == 0
    assert "two characters" in dialog.status.text()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        QTest.keyClick(dialog.query, Qt.Key.Key_Escape)

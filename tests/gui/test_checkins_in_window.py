"""The Check-ins page inside the window: Edit ▸ Undo, a search hit opened, lock and restore."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.services.search import HitKind, SearchHit
from app.settings import LAST_PAGE, Settings
from app.tasks import TaskRunner
from models import ShareScope, Track
from tests.gui.desk_pages import checkins_page
from views.checkins.checkin_log_table_model import LogColumn
from views.checkins.checkins_page import CheckInsPage
from views.roles import ROW_ROLE
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.main_window import MainWindow

WAIT_MS = 10_000


def open_window(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner
) -> tuple[MainWindow, CheckInsPage]:
    settings.set(LAST_PAGE, "checkins")
    window = MainWindow(settings, tasks)
    qtbot.addWidget(window)
    switcher = CohortSwitcher(services.cohorts, tasks, settings)
    page = checkins_page(services, tasks)
    window.install_desk(switcher, [page])
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        switcher.reload()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    return window, page


def seed(services: Services) -> dict[str, uuid.UUID]:
    cohort = services.cohorts.create(
        CohortDraft(name="Harbor Evening", track=Track.SUBSTANCE_USE, timezone="UTC")
    )
    people = {}
    for name in ("Ana Rivaldi", "Ben Okafor"):
        person = services.participants.create(ParticipantDraft(display_name=name))
        services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 1))
        people[name] = person.id
    sessions = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 2, 2), 4)
    for session in sessions:
        services.checkins.record(
            session.id, people["Ana Rivaldi"], CheckInDraft(mood=5, challenges="the landlord")
        )
    hidden = services.checkins.record(
        sessions[0].id, people["Ben Okafor"],
        CheckInDraft(mood=2, challenges="a secret for the clinician",
                     share_scope=ShareScope.CLINICIAN),
    )  # fmt: skip
    return {**people, "cohort": cohort.id, "hidden": hidden.id}


def rows(page: CheckInsPage) -> list[object]:
    return [page.model.index(r, 0).data(ROW_ROLE) for r in range(page.model.rowCount())]


def test_ctrl_z_in_the_window_undoes_a_check_in_saved_on_the_page(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner
) -> None:
    ids = seed(services)
    window, page = open_window(qtbot, services, settings, tasks)
    form = page.form
    qtbot.waitUntil(lambda: form.save_button.isEnabled(), timeout=WAIT_MS)
    form.session.setCurrentIndex(form.session.count() - 1)  # the first session
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=WAIT_MS)
    form.participant.setCurrentIndex(form.participant.findText("Ben Okafor ✓"))
    qtbot.waitUntil(lambda: form.heading.text() == "Edit Ben Okafor’s check-in", timeout=WAIT_MS)
    form.mood.setValue(4)
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=WAIT_MS)
    assert window.undo_action.text() == "&Undo edit of Ben Okafor’s check-in"
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: services.checkins.history(ids["Ben Okafor"])[-1].mood == 2, timeout=WAIT_MS
    )


def test_a_check_in_found_by_search_is_selected_in_its_persons_log(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner
) -> None:
    ids = seed(services)
    window, page = open_window(qtbot, services, settings, tasks)
    hit = SearchHit(
        HitKind.CHECK_IN, ids["hidden"], ids["Ben Okafor"], "Ben Okafor", ids["cohort"],
        "Harbor Evening", "a secret…", None, True,
    )  # fmt: skip
    window.open_record(hit, "checkins")
    qtbot.waitUntil(lambda: page.table.currentIndex().isValid(), timeout=WAIT_MS)
    chosen = page.table.currentIndex().data(ROW_ROLE)
    assert chosen.id == ids["hidden"]
    assert page.filters.person.currentText() == "Ben Okafor"
    assert {row.participant_name for row in rows(page)} == {"Ben Okafor"}  # type: ignore[attr-defined]


def test_the_page_built_after_an_unlock_shows_the_log_in_its_order(
    qtbot: QtBot, services: Services, settings: Settings, tasks: TaskRunner
) -> None:
    seed(services)
    _window, page = open_window(qtbot, services, settings, tasks)
    page.model.sort(LogColumn.MOOD, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.count == 13, timeout=WAIT_MS)  # 12 sessions + Ben
    place = page.place()
    secrets = ["Ana Rivaldi", "Ben Okafor", "landlord", "Harbor", "secret"]
    assert not any(secret in place.order for secret in secrets)  # words about the order only

    again = checkins_page(services, tasks)  # what the composition root builds at the unlock
    qtbot.addWidget(again)
    again.go_to(place)
    with qtbot.waitSignal(again.loaded, timeout=WAIT_MS):
        again.set_cohort(services.cohorts.list()[0])
    query = again.model.query
    assert query is not None and query.sort.value == "mood"  # the order was kept
    assert not query.descending
    qtbot.waitUntil(lambda: again.model.count == 13, timeout=WAIT_MS)

"""Auto-lock: idle time and a wall-clock jump lock the window, leave nothing behind, and unlock
back to the same page and cohort; the system's screen lock and the menu lock it too."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import subprocess
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.bootstrap import Startup
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.settings import KEYCHAIN_AFTER_LOCK, LAST_COHORT, LAST_PAGE, LOCK_WITH_SYSTEM, Settings
from app.tasks import TaskRunner
from app.vault.keychain import Keychain
from app.vault.vault import VaultPaths, create_vault
from models import ReviewOutcome
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.gui.leaks import leaks
from views.goals.goals_page import GoalsPage
from views.shell.desk_controller import DeskController
from views.shell.idle_watch import IdleWatch
from views.shell.lock_screen import LockScreen
from views.shell.main_window import MainWindow
from views.shell.search_dialog import SearchDialog
from views.shell.session_watch import SessionWatch
from views.theme import ThemeController

SECRETS = ["Ana Rivaldi", "Ben Okafor", "Finish the quilt", "no fabric", "landlord", "Harbor"]


class FakeClock:
    def __init__(self, start: float) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value


@dataclass
class Desk:
    startup: Startup
    window: MainWindow
    wall: FakeClock
    monotonic: FakeClock
    idle: IdleWatch
    cohort_id: object


def seed(folder: Path) -> object:
    """A cohort with two people, a goal reported on, one due, and a check-in."""
    created = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF)
    try:
        services = Services.for_vault(created.vault)
        cohort = services.cohorts.create(
            CohortDraft(name="Harbor Evening", start_date=dt.date(2026, 3, 1))
        )
        ana = services.participants.create(ParticipantDraft(display_name="Ana Rivaldi"))
        ben = services.participants.create(ParticipantDraft(display_name="Ben Okafor"))
        for person in (ana, ben):
            services.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 3, 1))
        first, second = services.sessions.schedule_weeks(cohort.id, dt.date(2026, 3, 2), 1)[:2]
        quilt = services.goals.set_goal(ben.id, first.id, "Finish the quilt", "creativity")
        services.goals.review(quilt.id, second.id, ReviewOutcome.PARTLY, barrier_note="no fabric")
        services.goals.set_goal(ana.id, first.id, "Walk every morning", "health")
        services.checkins.record(
            first.id, ana.id, CheckInDraft(mood=5, challenges="an argument with my landlord")
        )
        return cohort.id
    finally:
        created.vault.close()


MakeDesk = Callable[..., Desk]


@pytest.fixture
def make_desk(
    qtbot: QtBot, tmp_path: Path, settings: Settings, tasks: TaskRunner, keychain: Keychain
) -> Iterator[MakeDesk]:
    made: list[Startup] = []

    def make(*, check_ms: int = 20, session_watch: SessionWatch | None = None) -> Desk:
        folder = tmp_path / "vault"
        cohort_id = seed(folder)
        settings.set(LAST_PAGE, "goals")
        settings.set(LAST_COHORT, str(cohort_id))
        window = MainWindow(settings, tasks)
        qtbot.addWidget(window)
        wall, monotonic = FakeClock(1_800_000_000.0), FakeClock(5_000.0)
        application = QApplication.instance()
        assert isinstance(application, QApplication)
        idle = IdleWatch(
            application, 5, wall=wall, monotonic=monotonic, check_ms=check_ms, parent=window
        )
        theme = ThemeController(application, settings)
        startup = Startup(
            folder=folder,
            window=window,
            tasks=tasks,
            settings=settings,
            keychain_factory=lambda: keychain,
            passphrase=PASSPHRASE,
            idle=idle,
            session_watch=lambda: session_watch,
            desk=DeskController(window, tasks, settings, theme),
        )
        made.append(startup)
        window.show()
        with qtbot.waitSignal(startup.desk_installed, timeout=20_000):
            startup.begin()
        return Desk(startup, window, wall, monotonic, idle, cohort_id)

    yield make
    for startup in made:
        if startup.idle is not None:
            startup.idle.stop()  # an expired watch would swallow the next tests' input
        startup.close()


def goals_page(desk: Desk) -> GoalsPage:
    return next(p for p in desk.window.pages if isinstance(p, GoalsPage))


def work_on_the_goal_board(qtbot: QtBot, desk: Desk) -> GoalsPage:
    """Open the board at Wednesday's session with a goal selected and a note half typed."""
    page = goals_page(desk)
    assert desk.window.current_page is page
    qtbot.waitUntil(lambda: page.board is not None, timeout=10_000)
    combo = page.view.session
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)  # Wednesday: Ana's goal is due
    qtbot.waitUntil(lambda: page.view.due_model.rowCount() == 1, timeout=10_000)
    page.view.due_view.setFocus()
    QTest.keyClick(page.view.due_view, Qt.Key.Key_Down)
    QTest.keyClicks(page.view.outcome.note, "no fabric")
    assert leaks(desk.window, SECRETS)  # the data really is on screen before the lock
    return page


def find_in_a_dialog(qtbot: QtBot, desk: Desk, text: str) -> None:
    """Leave the search dialog open with a result in it."""
    assert desk.startup.desk is not None
    search = desk.startup.desk.open_search()
    assert isinstance(search, SearchDialog)
    QTest.keyClicks(search.query, text)
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=10_000)


def assert_locked_and_clean(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    assert window.windowTitle() == "Circlekeeper — locked"
    assert desk.startup.opened is None
    assert isinstance(window.stack.currentWidget(), LockScreen)
    assert not window.find_action.isEnabled() and not window.backup_action.isEnabled()
    assert leaks(window, SECRETS) == []
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            assert leaks(widget, SECRETS) == [], widget


def assert_engine_freed(qtbot: QtBot, engine_ref: weakref.ref[Any]) -> None:
    """No object keeps the closed engine (and the key in its connect hook) alive."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # closed dialogs
    gc.collect()
    assert engine_ref() is None, holders(engine_ref())


def holders(found: object, depth: int = 6) -> str:
    """Who keeps ``found`` alive: a chain of referrers, for the failure message."""
    chain: list[str] = []
    seen = {id(found)}
    for _ in range(depth):
        referrers = [r for r in gc.get_referrers(found) if id(r) not in seen and r is not chain]
        if not referrers:
            break
        found = referrers[0]
        seen.add(id(found))
        chain.append(type(found).__name__ + ": " + repr(found)[:160])
    return "\n".join(chain)


def unlock(qtbot: QtBot, desk: Desk) -> None:
    screen = desk.window.stack.currentWidget()
    assert isinstance(screen, LockScreen)
    desk.window.activateWindow()  # the offscreen platform does not, after a modal dialog
    qtbot.waitUntil(screen.passphrase.hasFocus, timeout=2000)
    lock = desk.startup.lock
    assert lock is not None
    QTest.keyClicks(screen.passphrase, "not it")
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong passphrase" in screen.message.message, timeout=10_000)
    screen.passphrase.clear()
    QTest.keyClicks(screen.passphrase, PASSPHRASE)
    with qtbot.waitSignal(lock.unlocked, timeout=20_000):
        QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)


def assert_back_where_we_were(qtbot: QtBot, desk: Desk, session_id: object) -> None:
    page = goals_page(desk)
    window = desk.window
    assert window.windowTitle() == "Circlekeeper"
    assert window.current_page is page
    qtbot.waitUntil(lambda: page.view.due_model.rowCount() == 1, timeout=10_000)
    assert page.board is not None and page.board.session is not None
    assert page.board.session.id == session_id
    switcher = window.switcher
    assert switcher is not None and switcher.current_cohort is not None
    assert switcher.current_cohort.id == desk.cohort_id
    assert page.view.outcome.goal is not None  # the goal selected before the lock
    assert desk.idle.running


def test_idle_time_locks_clears_everything_and_unlocks_to_the_same_place(
    qtbot: QtBot, make_desk: MakeDesk
) -> None:
    desk = make_desk()
    page = work_on_the_goal_board(qtbot, desk)
    assert page.board is not None and page.board.session is not None
    session_id = page.board.session.id
    find_in_a_dialog(qtbot, desk, "landlord")
    assert desk.startup.opened is not None
    engine_ref = weakref.ref(desk.startup.opened.vault.database.engine)

    lock = desk.startup.lock
    assert lock is not None
    desk.wall.value += 4 * 60  # four minutes: not yet
    desk.monotonic.value += 4 * 60
    QTest.qWait(60)  # a few checks of the timer (20 ms) pass; nothing happens
    assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=5000) as locked:
        desk.wall.value += 61
        desk.monotonic.value += 61
    assert locked.args == ["after 5 minutes without activity"]
    assert not shiboken6.isValid(page)  # destroyed with the desk: a new one comes at unlock
    assert_locked_and_clean(qtbot, desk)
    del page  # this test's own reference to the destroyed page's Python half
    assert_engine_freed(qtbot, engine_ref)

    unlock(qtbot, desk)
    assert_back_where_we_were(qtbot, desk, session_id)


def test_a_wall_clock_jump_as_after_sleep_locks_at_the_first_key(
    qtbot: QtBot, make_desk: MakeDesk
) -> None:
    desk = make_desk(check_ms=3_600_000)  # no timer tick in this test: input finds it
    page = work_on_the_goal_board(qtbot, desk)
    assert page.board is not None and page.board.session is not None
    session_id = page.board.session.id
    lock = desk.startup.lock
    assert lock is not None
    note = page.view.outcome.note
    typed: list[str] = []
    note.textChanged.connect(lambda: typed.append("typed"))
    desk.wall.value += 2 * 3600  # asleep for two hours: the monotonic clock did not move
    with qtbot.waitSignal(lock.locked, timeout=5000):
        QTest.keyClick(note, Qt.Key.Key_X)
    assert typed == []  # the key that woke it never reached the page
    assert not shiboken6.isValid(note)  # and the page is gone with the desk
    del page, note
    assert_locked_and_clean(qtbot, desk)

    unlock(qtbot, desk)
    assert_back_where_we_were(qtbot, desk, session_id)


def test_the_menu_locks_at_once_and_the_keychain_may_unlock_when_allowed(
    qtbot: QtBot, make_desk: MakeDesk, settings: Settings
) -> None:
    desk = make_desk()
    lock = desk.startup.lock
    assert lock is not None
    with qtbot.waitSignal(lock.locked, timeout=5000):
        QTest.keyClick(desk.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    screen = desk.window.stack.currentWidget()
    assert isinstance(screen, LockScreen)
    assert not screen.keychain_button.isVisibleTo(screen)  # off by default
    unlock(qtbot, desk)

    settings.set(KEYCHAIN_AFTER_LOCK, True)
    with qtbot.waitSignal(lock.locked, timeout=5000):
        desk.window.lock_action.trigger()
    assert screen.keychain_button.isVisibleTo(screen)
    with qtbot.waitSignal(lock.unlocked, timeout=20_000):
        QTest.mouseClick(screen.keychain_button, Qt.MouseButton.LeftButton)
    assert desk.startup.opened is not None


@pytest.fixture
def private_session_bus(qtbot: QtBot) -> Iterator[tuple[str, object]]:
    """A D-Bus session daemon of our own, and a connection to it (closed before it ends)."""
    if shutil.which("dbus-daemon") is None or shutil.which("dbus-send") is None:
        pytest.skip("needs dbus-daemon and dbus-send")
    from PySide6.QtDBus import QDBusConnection

    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    name = f"circlekeeper-test-{daemon.pid}"
    try:
        yield address, QDBusConnection.connectToBus(address, name)
    finally:
        # Qt's D-Bus thread must let go before the receivers (and the daemon) go away.
        QDBusConnection.disconnectFromBus(name)
        daemon.terminate()
        daemon.wait(10)


def test_the_systems_screen_lock_locks_the_window_unless_turned_off(
    qtbot: QtBot,
    make_desk: MakeDesk,
    private_session_bus: tuple[str, object],
    settings: Settings,
) -> None:
    address, bus = private_session_bus
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    watch = SessionWatch(application, session_bus=bus)
    assert watch.sources == ["screen lock (screensaver)"]
    desk = make_desk(session_watch=watch)
    watch.setParent(desk.window)  # deleted with the window, on this thread
    lock = desk.startup.lock
    assert lock is not None

    def screensaver(active: bool) -> None:
        subprocess.run(
            [
                "dbus-send",
                f"--bus={address}",
                "--type=signal",
                "/org/gnome/ScreenSaver",
                "org.gnome.ScreenSaver.ActiveChanged",
                f"boolean:{str(active).lower()}",
            ],
            check=True,
        )

    settings.set(LOCK_WITH_SYSTEM, False)
    with qtbot.assertNotEmitted(lock.locked, wait=300):
        screensaver(True)
    settings.set(LOCK_WITH_SYSTEM, True)
    with qtbot.waitSignal(lock.locked, timeout=5000) as locked:
        screensaver(True)
    assert locked.args == ["because the screen was locked"]
    assert_locked_and_clean(qtbot, desk)


def test_a_lock_closes_profile_and_sync_windows_and_unlock_brings_sync_back(
    qtbot: QtBot, make_desk: MakeDesk
) -> None:
    from views.roster.roster_page import RosterPage

    desk = make_desk()
    roster = next(p for p in desk.window.pages if isinstance(p, RosterPage))
    desk.window.show_page("roster")
    model = roster.model
    qtbot.waitUntil(lambda: rows_shown(desk) == 2, timeout=10_000)
    ana = next(
        roster.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
        for row in range(roster.model.rowCount())
    )
    assert ana in SECRETS
    roster.select_participant(None)
    assert desk.startup.desk_view is not None
    profiles = desk.startup.desk_view.profiles
    profile = profiles.open(roster.selected_participant() or _first_id(roster))
    wait_until_it_shows_data(qtbot, profile)
    sync = desk.startup.sync
    assert sync is not None
    review = sync.open_review()
    assert review.isVisible()
    assert desk.startup.opened is not None
    engine_ref = weakref.ref(desk.startup.opened.vault.database.engine)

    lock = desk.startup.lock
    assert lock is not None
    with qtbot.waitSignal(lock.locked, timeout=5000):
        desk.window.lock_action.trigger()

    assert not shiboken6.isValid(profile)  # destroyed at once, with everything it showed
    assert not shiboken6.isValid(roster)  # the pages too: a new desk is built at the unlock
    assert not shiboken6.isValid(review) or not review.isVisible()
    assert desk.startup.sync is None and desk.startup.desk_view is None
    assert_locked_and_clean(qtbot, desk)
    del sync, review, profile, profiles, roster, model  # this test's own references
    assert_engine_freed(qtbot, engine_ref)

    unlock(qtbot, desk)
    assert desk.startup.sync is not None
    assert desk.startup.sync.export_action in desk.window.file_menu.actions()


def rows_shown(desk: Desk) -> int:
    """How many people the desk's roster shows (read afresh: the test keeps no reference)."""
    from views.roster.roster_page import RosterPage

    return next(p for p in desk.window.pages if isinstance(p, RosterPage)).model.rowCount()


def wait_until_it_shows_data(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.waitUntil(lambda: bool(leaks(widget, SECRETS)), timeout=10_000)


def _first_id(roster: Any) -> Any:
    from views.roles import ROW_ROLE

    return roster.model.index(0, 0).data(ROW_ROLE).row.participant_id


def test_unlock_returns_to_the_same_page_cohort_person_and_open_profile(
    qtbot: QtBot, make_desk: MakeDesk, tasks: TaskRunner
) -> None:
    from views.roster.roster_page import RosterPage

    desk = make_desk()
    assert desk.startup.opened is not None
    services = desk.startup.opened.services
    with qtbot.waitSignal(tasks.changed, timeout=10_000):  # a second cohort, first in order
        tasks.submit(
            lambda: services.cohorts.create(
                CohortDraft(name="Anchor Mornings", start_date=dt.date(2026, 3, 1))
            )
        )
    switcher = desk.window.switcher
    assert switcher is not None
    qtbot.waitUntil(lambda: switcher.count() == 2, timeout=10_000)
    assert switcher.current_cohort is not None
    assert switcher.current_cohort.id == desk.cohort_id  # still Harbor: the bus kept it
    desk.window.show_page("roster")
    roster = next(p for p in desk.window.pages if isinstance(p, RosterPage))
    qtbot.waitUntil(lambda: roster.model.rowCount() == 2, timeout=10_000)
    ben = next(e.participant_id for e in roster.model.entries if e.row.display_name == "Ben Okafor")
    roster.select_participant(ben)
    with qtbot.waitSignal(roster.participant_opened, timeout=5000):
        roster.open_selected()  # Enter: Ben's profile opens beside the desk
    assert desk.startup.desk_view is not None
    assert desk.startup.desk_view.profiles.open_ids == (ben,)

    lock = desk.startup.lock
    assert lock is not None
    with qtbot.waitSignal(lock.locked, timeout=5000):
        desk.window.lock_action.trigger()
    assert_locked_and_clean(qtbot, desk)
    unlock(qtbot, desk)

    window = desk.window
    page = window.current_page
    assert isinstance(page, RosterPage) and page is not roster  # a new page, the same place
    new_switcher = window.switcher
    assert new_switcher is not None and new_switcher is not switcher
    qtbot.waitUntil(lambda: new_switcher.loaded, timeout=10_000)
    assert new_switcher.current_cohort is not None
    assert new_switcher.current_cohort.id == desk.cohort_id
    qtbot.waitUntil(lambda: page.selected_participant() == ben, timeout=10_000)
    assert desk.startup.desk_view is not None
    [profile] = desk.startup.desk_view.profiles.windows.values()
    assert profile.participant_id == ben
    qtbot.waitUntil(lambda: profile.windowTitle().startswith("Ben Okafor"), timeout=10_000)

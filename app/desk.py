"""The desk over one open vault: its pages and windows, built once, destroyed whole at a lock.

Part of the composition root (with app/bootstrap.py): the only place that picks, from the
vault's ``Services``, what each page and window uses. A lock calls ``Desk.tear_down()``,
which remembers where the user was (a ``Place``: ids only), stores what was typed, and
destroys every page, the cohort switcher, the profile windows and the live windows at
once; the unlock builds a new ``Desk`` over the new vault's services at that place. No page
or window implements anything for the lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shiboken6

from app.settings import Settings
from app.tasks import TaskRunner
from views.attendance.attendance_page import AttendancePage
from views.checkins.checkins_page import CheckInsPage
from views.goals.goals_page import GoalsPage
from views.live.launcher import LiveLauncher, LivePlace
from views.profile.profile_window import ProfileWindow
from views.profile.profile_windows import ProfileWindows
from views.roster.roster_page import RosterPage
from views.roster.roster_services import RosterServices
from views.shell.cohort_switcher import CohortSwitcher
from views.shell.desk_page import DeskPage, PagePlace
from views.shell.main_window import MainWindow

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.container import Services


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was when the vault locked: ids and plain UI state, never data."""

    page_key: str = ""
    cohort_id: uuid.UUID | None = None
    pages: Mapping[str, PagePlace] = field(default_factory=dict)
    profiles: tuple[uuid.UUID, ...] = ()  # the profile windows open, in the order opened
    live: LivePlace = field(default_factory=LivePlace)


def roster_services(services: Services) -> RosterServices:
    return RosterServices(
        cohorts=services.cohorts,
        participants=services.participants,
        enrollments=services.enrollments,
        progress=services.progress,
        context=services.context,
    )


def build_pages(services: Services, tasks: TaskRunner) -> list[DeskPage]:
    """The desk's four pages, each over the services it uses and no others."""
    s = services
    return [
        RosterPage(roster_services(s), tasks),
        CheckInsPage(s.checkin_log, s.checkins, s.sessions, s.enrollments, tasks),
        GoalsPage(s.goal_board, s.goals, s.sessions, tasks, now=s.context.now),
        AttendancePage(s.attendance, s.attendance_summary, s.sessions, tasks, now=s.context.now),
    ]


class Desk:
    """The pages, the cohort switcher, the profile windows and the live windows over
    ``services``, installed in ``window`` and taken to ``place`` (where a lock left them).

    ``tear_down()`` destroys all of it and returns where the user was; afterwards this
    object holds nothing of the vault.
    """

    def __init__(
        self,
        window: MainWindow,
        services: Services,
        tasks: TaskRunner,
        settings: Settings,
        place: Place | None = None,
    ) -> None:
        self.window = window
        place = place or Place()
        self.switcher = CohortSwitcher(services.cohorts, tasks, settings)
        self.pages = build_pages(services, tasks)
        for page in self.pages:
            if page.key in place.pages:
                page.go_to(place.pages[page.key])
        self.profiles = ProfileWindows(
            lambda person: ProfileWindow(
                services.profiles, services.participants, tasks, person, window
            ),
            window,
        )
        for page in self.pages:
            if isinstance(page, RosterPage):
                page.participant_opened.connect(self.profiles.open)
        window.install_desk(self.switcher, self.pages, place.page_key)
        self.launcher = LiveLauncher(services, tasks, window)
        self.switcher.cohort_selected.connect(self.launcher.set_cohort)
        window.add_session_actions(self.launcher.actions)
        self._resume = place.live
        self.switcher.cohort_selected.connect(self._on_first_cohort)
        self.switcher.reload(select=place.cohort_id)
        for person in place.profiles:
            self.profiles.open(person)
        if place.profiles:
            window.activateWindow()  # the desk in front, the profiles beside it

    def _on_first_cohort(self, _cohort: CohortRow | None) -> None:
        """The cohort is selected: the live windows open again where they were."""
        self.switcher.cohort_selected.disconnect(self._on_first_cohort)
        live, self._resume = self._resume, LivePlace()
        self.launcher.resume(live)

    def place(self) -> Place:
        page_key, cohort_id = self.window.place()
        return Place(
            page_key,
            cohort_id,
            {page.key: page.place() for page in self.pages},
            self.profiles.open_ids,
        )

    def tear_down(self) -> Place:
        """Remember the place, store what was typed, destroy every page and window now.

        Called on the GUI thread after the task runner is drained and before the vault
        closes: the typed notes and round drafts are written here, synchronously.
        """
        place = self.place()
        live = self.launcher.close_now()
        self.profiles.destroy_all()
        self.window.remove_desk()
        shiboken6.delete(self.launcher)  # its actions leave the toolbar and the menus
        shiboken6.delete(self.profiles)
        self.pages = []
        return Place(place.page_key, place.cohort_id, place.pages, place.profiles, live)

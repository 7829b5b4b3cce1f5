"""Each desk page over a test's services, picked as the composition root picks them."""

from __future__ import annotations

from typing import Any

from app.desk import roster_services
from app.services.container import Services
from app.tasks import TaskRunner
from views.attendance.attendance_page import AttendancePage
from views.checkins.checkins_page import CheckInsPage
from views.goals.goals_page import GoalsPage
from views.profile.profile_window import ProfileWindow
from views.roster.roster_page import RosterPage
from views.shell.desk_page import DeskPage


def roster_page(services: Services, tasks: TaskRunner, **options: Any) -> RosterPage:
    return RosterPage(roster_services(services), tasks, **options)


def checkins_page(services: Services, tasks: TaskRunner) -> CheckInsPage:
    s = services
    return CheckInsPage(s.checkin_log, s.checkins, s.sessions, s.enrollments, tasks)


def goals_page(services: Services, tasks: TaskRunner) -> GoalsPage:
    s = services
    return GoalsPage(s.goal_board, s.goals, s.sessions, tasks, now=s.context.now)


def attendance_page(services: Services, tasks: TaskRunner) -> AttendancePage:
    s = services
    return AttendancePage(s.attendance, s.attendance_summary, s.sessions, tasks, now=s.context.now)


def all_pages(services: Services, tasks: TaskRunner) -> list[DeskPage]:
    """The four pages in the window's order (what app.desk.build_pages builds)."""
    return [
        roster_page(services, tasks),
        checkins_page(services, tasks),
        goals_page(services, tasks),
        attendance_page(services, tasks),
    ]


def profile_window(services: Services, tasks: TaskRunner, person: Any) -> ProfileWindow:
    return ProfileWindow(services.profiles, services.participants, tasks, person)

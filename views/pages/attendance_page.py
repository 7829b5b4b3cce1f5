"""Attendance: marking sessions and hours against the IOP minimum (issue 3 fills it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from views.pages.page import DeskPage, minimum_hours, schedule_text, sessions_phrase

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow


class AttendancePage(DeskPage):
    """Attendance of the selected cohort; says when there is something to mark."""

    key = "attendance"
    title = "Attendance"

    def no_cohort_text(self) -> str:
        return (
            "Attendance is marked per session (present, late, left early, excused or not) "
            "and adds up to weekly hours against the IOP minimum. A cohort and its weekly "
            "schedule come first."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        self.empty_state.show_state(f"Attendance in {cohort.name}", "Counting sessions…")
        self.count_sessions(cohort)

    def show_session_count(self, cohort: CohortRow, count: int) -> None:
        if count == 0:
            self.empty_state.show_state(
                f"No sessions to mark in {cohort.name} yet",
                f"{cohort.name} meets {schedule_text(cohort)} ({cohort.timezone}). Once its "
                "sessions are scheduled, you mark attendance here and see each person’s "
                f"weekly hours against the {minimum_hours(cohort)} minimum.",
            )
        else:
            self.empty_state.show_state(
                f"Attendance in {cohort.name}",
                f"{cohort.name} has {sessions_phrase(count)}, meeting {schedule_text(cohort)}. "
                "The attendance grid and weekly-hours charts come with the next update.",
            )

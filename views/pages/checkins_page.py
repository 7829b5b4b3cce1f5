"""The check-in log: every check-in round (issue 3 fills it; for now, its empty states)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from views.pages.page import DeskPage, sessions_phrase

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow


class CheckInsPage(DeskPage):
    """Check-ins of the selected cohort; says whether there are sessions to check in at."""

    key = "checkins"
    title = "Check-ins"

    def no_cohort_text(self) -> str:
        return (
            "Check-ins are the round at the start of each group: mood, feelings, wins and "
            "challenges. They are recorded in a group’s sessions, so a cohort comes first."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        self.empty_state.show_state(f"Check-ins of {cohort.name}", "Counting sessions…")
        self.count_sessions(cohort)

    def show_session_count(self, cohort: CohortRow, count: int) -> None:
        cravings = " and cravings" if cohort.has_cravings else ""
        if count == 0:
            self.empty_state.show_state(
                f"No check-ins for {cohort.name} yet",
                f"Check-ins happen in sessions, and {cohort.name} has none scheduled yet. "
                f"Once it meets, each round’s moods, feelings{cravings} appear here in "
                "round order.",
            )
        else:
            self.empty_state.show_state(
                f"Check-ins of {cohort.name}",
                f"{cohort.name} has {sessions_phrase(count)}. The check-in log, with each "
                f"person’s mood{cravings} over time, comes with the next update.",
            )

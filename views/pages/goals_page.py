"""The goal tracker: weekly goals and their report-back (issue 3 fills it; now, empty states)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from views.pages.page import DeskPage, sessions_phrase

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow


class GoalsPage(DeskPage):
    """Goals of the selected cohort; says what comes before the first goal."""

    key = "goals"
    title = "Goals"

    def no_cohort_text(self) -> str:
        return (
            "Each week people set a goal tied to something they value and report back at a "
            "later session. Goals live in a group’s sessions, so a cohort comes first."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        self.empty_state.show_state(f"Goals in {cohort.name}", "Counting sessions…")
        self.count_sessions(cohort)

    def show_session_count(self, cohort: CohortRow, count: int) -> None:
        if count == 0:
            self.empty_state.show_state(
                f"No goals in {cohort.name} yet",
                "Goals are set during a session and reviewed at a later one. Once "
                f"{cohort.name} meets, this week’s goals and those due for report-back "
                "appear here.",
            )
        else:
            self.empty_state.show_state(
                f"Goals in {cohort.name}",
                f"{cohort.name} has {sessions_phrase(count)}. The goal board, with this "
                "week’s goals and those due for report-back, comes with the next update.",
            )

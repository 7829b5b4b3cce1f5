"""The roster: the people in the selected cohort (issue 3 fills it; for now, its empty states)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from views.pages.page import DeskPage, minimum_hours

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow


class RosterPage(DeskPage):
    """The cohort's members; shows how many are enrolled until the roster table lands."""

    key = "roster"
    title = "Roster"

    def no_cohort_text(self) -> str:
        return (
            "The roster lists the people in a group with their attendance rate, streak and "
            "weekly hours against the IOP minimum. Start with the group you facilitate."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        count = cohort.active_members
        if count == 0:
            self.empty_state.show_state(
                f"No one is enrolled in {cohort.name} yet",
                "Once people join, each one appears here with attendance, streak, hours this "
                f"week against the {minimum_hours(cohort)} IOP minimum, last mood and open "
                "goals. Enrolling people from this page comes with the next update.",
            )
        else:
            people = "1 person is" if count == 1 else f"{count} people are"
            self.empty_state.show_state(
                f"{people} enrolled in {cohort.name}",
                "Their roster table, with attendance, streaks and hours against the "
                f"{minimum_hours(cohort)} IOP minimum, comes with the next update.",
            )

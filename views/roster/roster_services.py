"""The services the roster feature uses (its page, dialogs and undo commands), and no more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.cohorts import CohortService
    from app.services.context import ServiceContext
    from app.services.enrollments import EnrollmentService
    from app.services.participants import ParticipantService
    from app.services.progress import ProgressService


@dataclass(frozen=True, slots=True)
class RosterServices:
    """Picked from the vault's services by the composition root (app/desk.py).

    The page reads through ``progress`` (one snapshot: the cohort, its members' figures and
    flags); its dialogs and commands read ``cohorts`` (where a transfer may go) and write
    through ``participants`` and ``enrollments``; ``context`` gives them the clock (now, whose
    day in the cohort's zone the dialogs propose).
    """

    cohorts: CohortService
    participants: ParticipantService
    enrollments: EnrollmentService
    progress: ProgressService
    context: ServiceContext

"""The services the roster feature uses (its page, dialogs and undo commands), and no more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.accountability import AccountabilityService
    from app.services.cohorts import CohortService
    from app.services.context import ServiceContext
    from app.services.enrollments import EnrollmentService
    from app.services.participants import ParticipantService
    from app.services.progress import ProgressService


@dataclass(frozen=True, slots=True)
class RosterServices:
    """Picked from the vault's services by the composition root (app/desk.py).

    The page reads through ``cohorts``, ``progress`` and ``accountability`` (the flags); its
    dialogs and commands write through ``participants`` and ``enrollments``; ``context``
    gives them the clock ("today" for dates the dialogs propose).
    """

    cohorts: CohortService
    participants: ParticipantService
    enrollments: EnrollmentService
    progress: ProgressService
    accountability: AccountabilityService
    context: ServiceContext

"""Every service built over one open vault: the single place that wires them together."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.attendance import AttendanceService
from app.services.checkin_log import CheckInLogService
from app.services.checkins import CheckInService
from app.services.cohorts import CohortService
from app.services.context import ServiceContext, current_user
from app.services.enrollments import EnrollmentService
from app.services.goals import GoalService
from app.services.participants import ParticipantService
from app.services.progress import ProgressService
from app.services.sessions import SessionService
from app.sync.clock import HybridLogicalClock
from app.vault.vault import UnlockedVault


@dataclass(frozen=True, slots=True)
class Services:
    context: ServiceContext
    cohorts: CohortService
    participants: ParticipantService
    enrollments: EnrollmentService
    sessions: SessionService
    attendance: AttendanceService
    checkins: CheckInService
    checkin_log: CheckInLogService
    goals: GoalService
    progress: ProgressService

    @classmethod
    def build(cls, context: ServiceContext) -> Services:
        return cls(
            context=context,
            cohorts=CohortService(context),
            participants=ParticipantService(context),
            enrollments=EnrollmentService(context),
            sessions=SessionService(context),
            attendance=AttendanceService(context),
            checkins=CheckInService(context),
            checkin_log=CheckInLogService(context),
            goals=GoalService(context),
            progress=ProgressService(context),
        )

    @classmethod
    def for_vault(cls, vault: UnlockedVault, actor: str | None = None) -> Services:
        clock = HybridLogicalClock(last=vault.highest_version())
        context = ServiceContext(
            database=vault.database,
            clock=clock,
            device_id=vault.device_id,
            actor=actor or current_user(),
        )
        return cls.build(context)

"""Every service built over one open vault: the single place that wires them together."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.accountability.service import AccountabilityService
from app.services.agenda.service import AgendaService
from app.services.attendance.service import AttendanceService
from app.services.attendance.summary import AttendanceSummaryService
from app.services.checkin_log.service import CheckInLogService
from app.services.checkins import CheckInService
from app.services.cohorts import CohortService
from app.services.context import ServiceContext, current_user
from app.services.enrollments import EnrollmentService
from app.services.exchange import ExchangeService
from app.services.exports.disclosure import DisclosureService
from app.services.exports.service import ExportService
from app.services.goals.board import GoalBoardService
from app.services.goals.service import GoalService
from app.services.participants import ParticipantService
from app.services.partners import PartnerService
from app.services.profile import ProfileService
from app.services.program_settings import ProgramSettingsService
from app.services.progress import ProgressService
from app.services.round.entries import RoundEntryService
from app.services.round.service import RoundService
from app.services.search import SearchService
from app.services.sessions import SessionService
from app.services.surveys.service import SurveyService
from app.services.sync_review import SyncReviewService
from app.services.values import ValueService
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
    attendance_summary: AttendanceSummaryService
    checkins: CheckInService
    checkin_log: CheckInLogService
    goals: GoalService
    progress: ProgressService
    values: ValueService
    partners: PartnerService
    program_settings: ProgramSettingsService
    accountability: AccountabilityService
    agenda: AgendaService
    rounds: RoundService
    round_entries: RoundEntryService
    exchange: ExchangeService
    sync_review: SyncReviewService
    profiles: ProfileService
    goal_board: GoalBoardService
    search: SearchService
    surveys: SurveyService
    exports: ExportService
    disclosures: DisclosureService

    @classmethod
    def build(cls, context: ServiceContext) -> Services:
        return cls(
            context=context,
            cohorts=CohortService(context),
            participants=ParticipantService(context),
            enrollments=EnrollmentService(context),
            sessions=SessionService(context),
            attendance=AttendanceService(context),
            attendance_summary=AttendanceSummaryService(context),
            checkins=CheckInService(context),
            checkin_log=CheckInLogService(context),
            goals=GoalService(context),
            progress=ProgressService(context),
            values=ValueService(context),
            partners=PartnerService(context),
            program_settings=ProgramSettingsService(context),
            accountability=AccountabilityService(context),
            agenda=AgendaService(context),
            rounds=RoundService(context),
            round_entries=RoundEntryService(context),
            exchange=ExchangeService(context),
            sync_review=SyncReviewService(context),
            profiles=ProfileService(context),
            goal_board=GoalBoardService(context),
            search=SearchService(context),
            surveys=SurveyService(context),
            exports=ExportService(context),
            disclosures=DisclosureService(context),
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

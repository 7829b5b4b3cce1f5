"""Circlekeeper's typed SQLAlchemy entities: the rows the vault holds, and nothing else."""

from models.accountability_pair import AccountabilityPair, ContactMethod, PartnerContact
from models.attendance import Attendance, AttendanceStatus
from models.audit_event import AuditAction, AuditEvent
from models.base import Base, SyncColumns
from models.checkin import CheckIn, ShareScope
from models.cohort import AgeGroup, Cohort, CohortStatus, CohortType, LevelOfCare, Track
from models.device import DeviceInfo
from models.device_key import DeviceKey
from models.disclosure import Disclosure
from models.enrollment import Enrollment, EnrollmentStatus
from models.goal import Goal, GoalReview, GoalStatus, ReviewOutcome, ValueDomain
from models.group_session import GroupSession, SessionStatus
from models.participant import Participant
from models.round_draft import RoundDraft
from models.round_state import RoundKind, RoundOrder, RoundState, RoundTurn, TurnStatus
from models.survey_response import SurveyResponse
from models.sync_state import ClockState, FieldHistory, RowClock, SyncConflict, SyncLog
from models.trusted_peer import TrustedPeer
from models.value import Value, ValueSource

__all__ = [
    "AccountabilityPair",
    "AgeGroup",
    "Attendance",
    "AttendanceStatus",
    "AuditAction",
    "AuditEvent",
    "Base",
    "CheckIn",
    "ClockState",
    "Cohort",
    "CohortStatus",
    "CohortType",
    "ContactMethod",
    "DeviceInfo",
    "DeviceKey",
    "Disclosure",
    "Enrollment",
    "EnrollmentStatus",
    "FieldHistory",
    "Goal",
    "GoalReview",
    "GoalStatus",
    "GroupSession",
    "LevelOfCare",
    "Participant",
    "PartnerContact",
    "ReviewOutcome",
    "RoundDraft",
    "RoundKind",
    "RoundOrder",
    "RoundState",
    "RoundTurn",
    "RowClock",
    "SessionStatus",
    "ShareScope",
    "SurveyResponse",
    "SyncColumns",
    "SyncConflict",
    "SyncLog",
    "Track",
    "TrustedPeer",
    "TurnStatus",
    "Value",
    "ValueDomain",
    "ValueSource",
]

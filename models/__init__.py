"""Circlekeeper's typed SQLAlchemy entities: the rows the vault holds, and nothing else."""

from models.accountability_pair import AccountabilityPair, ContactMethod, PartnerContact
from models.attendance import Attendance, AttendanceStatus
from models.audit_event import AuditAction, AuditEvent
from models.base import Base, SyncColumns
from models.checkin import CheckIn, ShareScope
from models.cohort import AgeGroup, Cohort, CohortStatus, CohortType, LevelOfCare, Track
from models.device import DeviceInfo
from models.enrollment import Enrollment, EnrollmentStatus
from models.goal import Goal, GoalReview, GoalStatus, ReviewOutcome, ValueDomain
from models.group_session import GroupSession, SessionStatus
from models.participant import Participant
from models.round_state import RoundKind, RoundOrder, RoundState, RoundTurn, TurnStatus
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
    "Cohort",
    "CohortStatus",
    "CohortType",
    "ContactMethod",
    "DeviceInfo",
    "Enrollment",
    "EnrollmentStatus",
    "Goal",
    "GoalReview",
    "GoalStatus",
    "GroupSession",
    "LevelOfCare",
    "Participant",
    "PartnerContact",
    "ReviewOutcome",
    "RoundKind",
    "RoundOrder",
    "RoundState",
    "RoundTurn",
    "SessionStatus",
    "ShareScope",
    "SyncColumns",
    "Track",
    "TurnStatus",
    "Value",
    "ValueDomain",
    "ValueSource",
]

"""Hand-made cohort histories for the engine's tests, written through the real services."""

from __future__ import annotations

import datetime as dt

from app.services.checkins import CheckInDraft, CheckInRow
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.participants import ParticipantDraft, ParticipantRow
from app.services.round.view import RoundView
from app.services.sessions import SessionRow
from models import AttendanceStatus, CohortType, ShareScope, Track
from tests.conftest import FakeNow


class World:
    """One cohort meeting on ``days`` at ``at`` in ``timezone``, and helpers to fill it."""

    def __init__(
        self,
        services: Services,
        now: FakeNow,
        *,
        name: str = "Evening Group",
        timezone: str = "America/Chicago",
        track: Track = Track.SUBSTANCE_USE,
        days: tuple[int, ...] = (1, 3, 5),
        at: dt.time = dt.time(18, 0),
        minutes: int = 180,
        start: dt.date = dt.date(2026, 1, 5),
        cohort_type: CohortType = CohortType.ROLLING,
        end: dt.date | None = None,
    ) -> None:
        self.services = services
        self.now = now
        self.start = start
        self.cohort: CohortRow = services.cohorts.create(
            CohortDraft(
                name=name,
                track=track,
                timezone=timezone,
                meeting_days=days,
                start_time=at,
                planned_minutes=minutes,
                start_date=start,
                end_date=end,
                cohort_type=cohort_type,
            )
        )

    def person(
        self,
        name: str,
        *,
        joined: dt.date | None = None,
        recovery: dt.date | None = None,
        pronouns: str = "",
    ) -> ParticipantRow:
        row = self.services.participants.create(
            ParticipantDraft(display_name=name, pronouns=pronouns, recovery_start=recovery)
        )
        self.services.enrollments.enroll(row.id, self.cohort.id, start_date=joined or self.start)
        return row

    def weeks(self, weeks: int, first: dt.date | None = None) -> list[SessionRow]:
        return self.services.sessions.schedule_weeks(self.cohort.id, first or self.start, weeks)

    def mark(
        self,
        session: SessionRow,
        person: ParticipantRow,
        status: AttendanceStatus,
        minutes: int | None = None,
    ) -> None:
        self.services.attendance.mark(session.id, person.id, status, minutes=minutes)

    def present(self, sessions: list[SessionRow], *people: ParticipantRow) -> None:
        for session in sessions:
            for person in people:
                self.services.attendance.mark(session.id, person.id, AttendanceStatus.PRESENT)

    def check_in(
        self,
        session: SessionRow,
        person: ParticipantRow,
        mood: int | None = None,
        *,
        craving: int | None = None,
        words: str = "",
        scope: ShareScope = ShareScope.GROUP,
        challenges: str = "",
    ) -> None:
        self.services.checkins.record(
            session.id,
            person.id,
            CheckInDraft(
                mood=mood,
                emotion_words=words,
                craving=craving,
                share_scope=scope,
                challenges=challenges,
            ),
        )


def round_snapshot(view: RoundView, entries: list[CheckInRow]) -> dict[str, object]:
    """A round and its check-ins as plain JSON values, to compare across processes."""
    return {
        "round": {
            "id": str(view.id),
            "kind": view.kind.value,
            "order_method": view.order_method.value,
            "seed": view.seed,
            "current": str(view.current_participant_id),
            "current_started_at": str(view.current_started_at),
            "soft_limit_seconds": view.soft_limit_seconds,
            "finished_at": str(view.finished_at),
            "turns": [
                [
                    str(t.participant_id),
                    t.display_name,
                    t.position,
                    t.status.value,
                    t.seconds_spoken,
                ]
                for t in view.turns
            ],
        },
        "entries": sorted(
            [
                str(c.participant_id),
                c.mood,
                c.emotion_words,
                c.accomplishments,
                c.challenges,
                c.craving,
                c.share_scope.value,
            ]
            for c in entries
        ),
    }

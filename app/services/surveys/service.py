"""Recording survey responses and reading them back; each call is one transaction.

Surveys are clinician-only data: nothing here may reach the presenter view (the group's
screen), a prompt the group can see, or a presenter-safe export. Views for the group take
their data from ``app.services.presenter``, never from this module.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.figures.today import cohort_today
from app.services.lookup import live
from app.services.surveys.definitions import Instrument, InstrumentLibrary
from app.services.surveys.instruments import instrument_library
from app.services.surveys.scoring import Answers, score
from models import Cohort, Enrollment, Participant, SurveyResponse


@dataclass(frozen=True, slots=True)
class SurveyResponseRow:
    """A stored response as it was scored when recorded (never rescored on reading)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    enrollment_id: uuid.UUID
    cohort_id: uuid.UUID
    instrument: str
    instrument_version: str
    answered_on: dt.date
    entered_by: str
    entered_at: dt.datetime
    sex: str | None
    answers: Mapping[str, int | None]
    total: int | None
    band: str | None
    subscales: Mapping[str, int]
    alerts: tuple[str, ...]


def to_row(response: SurveyResponse, cohort_id: uuid.UUID) -> SurveyResponseRow:
    return SurveyResponseRow(
        id=response.id,
        participant_id=response.participant_id,
        enrollment_id=response.enrollment_id,
        cohort_id=cohort_id,
        instrument=response.instrument,
        instrument_version=response.instrument_version,
        answered_on=response.answered_on,
        entered_by=response.entered_by,
        entered_at=response.entered_at,
        sex=response.sex,
        answers=MappingProxyType(json.loads(response.answers)),
        total=response.total,
        band=response.band,
        subscales=MappingProxyType(json.loads(response.subscales)),
        alerts=tuple(json.loads(response.alerts)),
    )


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class SurveyService:
    """Records one response per call, checked against its instrument's definition file."""

    def __init__(self, context: ServiceContext, library: InstrumentLibrary | None = None) -> None:
        self._context = context
        # Loaded (and every file checked) when the services are built: a broken file stops
        # the start with a sentence naming it, not the first survey entered.
        self.library = library or instrument_library()

    def instrument(self, instrument_id: str) -> Instrument:
        found = self.library.get(instrument_id)
        if found is None:
            known = ", ".join(i.name for i in self.library.instruments)
            raise InvalidInput(
                "instrument", f"There is no instrument called {instrument_id!r} (known: {known})."
            )
        return found

    def record(
        self,
        participant_id: uuid.UUID,
        cohort_id: uuid.UUID,
        instrument_id: str,
        answers: Answers,
        *,
        answered_on: dt.date | None = None,
        sex: str | None = None,
    ) -> SurveyResponseRow:
        """Score ``answers`` and store them with the stay in ``cohort_id`` they belong to.

        ``answered_on`` (default: today in the cohort's time zone) may not be in the future
        nor before the person joined the cohort. Nothing is written when anything is refused.
        """
        instrument = self.instrument(instrument_id)
        scored = score(instrument, answers, sex)
        with self._context.database.write() as db:
            participant = live(db, Participant, participant_id, "participant")
            cohort = live(db, Cohort, cohort_id, "cohort")
            now = self._context.now()
            today = cohort_today(cohort.timezone, now)
            day = answered_on or today
            if day > today:
                raise InvalidInput(
                    "answered_on",
                    f"A survey cannot be dated in the future ({day}; today is {today} "
                    f"in {cohort.name}).",
                )
            enrollment = _stay_on(db, participant, cohort, day)
            response = SurveyResponse(
                participant_id=participant_id,
                enrollment_id=enrollment.id,
                instrument=instrument.id,
                instrument_version=instrument.version,
                answered_on=day,
                entered_by=self._context.actor,
                entered_at=now,
                # Kept only where it changed the scoring: the least identifying data.
                sex=scored.sex if instrument.depends_on_sex else None,
                answers=_compact(dict(scored.answers)),
                total=scored.total,
                band=scored.band,
                subscales=_compact(dict(scored.subscales)),
                alerts=_compact([a.id for a in scored.alerts]),
            )
            db.add(response)
            db.flush()
            return to_row(response, cohort.id)

    def get(self, response_id: uuid.UUID) -> SurveyResponseRow:
        with self._context.database.read() as db:
            response = live(db, SurveyResponse, response_id, "survey response")
            return to_row(response, _cohort_of(db, response))

    def history(self, participant_id: uuid.UUID, instrument_id: str) -> list[SurveyResponseRow]:
        """A person's responses to one instrument, oldest first."""
        instrument = self.instrument(instrument_id)
        return self._responses(participant_id, instrument.id)

    def for_participant(self, participant_id: uuid.UUID) -> dict[str, list[SurveyResponseRow]]:
        """A person's responses by instrument id, each list oldest first."""
        grouped: dict[str, list[SurveyResponseRow]] = {}
        for row in self._responses(participant_id, None):
            grouped.setdefault(row.instrument, []).append(row)
        return grouped

    def remove(self, response_id: uuid.UUID) -> None:
        """Tombstone a response entered in error (audited; kept in the field history)."""
        with self._context.database.write() as db:
            live(db, SurveyResponse, response_id, "survey response").deleted = True

    def _responses(
        self, participant_id: uuid.UUID, instrument: str | None
    ) -> list[SurveyResponseRow]:
        with self._context.database.read() as db:
            live(db, Participant, participant_id, "participant")
            query = (
                select(SurveyResponse, Enrollment.cohort_id)
                .join(Enrollment, Enrollment.id == SurveyResponse.enrollment_id)
                .where(
                    SurveyResponse.participant_id == participant_id,
                    SurveyResponse.deleted.is_(False),
                )
                .order_by(SurveyResponse.answered_on, SurveyResponse.entered_at, SurveyResponse.id)
            )
            if instrument is not None:
                query = query.where(SurveyResponse.instrument == instrument)
            return [to_row(response, cohort_id) for response, cohort_id in db.execute(query)]


def _stay_on(db: Session, participant: Participant, cohort: Cohort, day: dt.date) -> Enrollment:
    """The person's latest stay in the cohort that had begun by ``day``."""
    stays = list(
        db.scalars(
            select(Enrollment)
            .where(
                Enrollment.participant_id == participant.id,
                Enrollment.cohort_id == cohort.id,
                Enrollment.deleted.is_(False),
            )
            .order_by(Enrollment.start_date.desc(), Enrollment.id)
        )
    )
    if not stays:
        raise InvalidInput(
            "participant", f"{participant.display_name} is not enrolled in {cohort.name}."
        )
    begun = next((s for s in stays if s.start_date <= day), None)
    if begun is None:
        first = stays[-1].start_date
        raise InvalidInput(
            "answered_on",
            f"A survey cannot be dated before {participant.display_name} joined "
            f"{cohort.name} on {first} ({day} was given).",
        )
    return begun


def _cohort_of(db: Session, response: SurveyResponse) -> uuid.UUID:
    enrollment = db.get(Enrollment, response.enrollment_id)
    if enrollment is None:
        raise NotFound("The survey response's enrollment")
    return enrollment.cohort_id

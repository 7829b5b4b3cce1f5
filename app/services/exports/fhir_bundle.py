"""One participant's records as a FHIR R4 (4.0.1) collection Bundle, as plain JSON.

Entries, all ``urn:uuid:`` full URLs referring to one another: the Patient (the alias as an
``anonymous`` name and nothing else: no identifier, birth date, gender or contact), an
Encounter for each session they attended, and for each survey a QuestionnaireResponse
followed by an Observation per score, the instrument's Questionnaire before its first
response (``fhir_surveys``). A Bundle that holds Part 2
records carries the 42 CFR Part 2 security labels on the Bundle and on every resource (so
that they stay with each resource a receiver files), and the Patient, its first entry,
carries Statement 1 of the §2.32 notice and the consent it was disclosed under as its
narrative.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.services.errors import ServiceError
from app.services.exports.disclosure import DisclosureRequest
from app.services.exports.fhir_surveys import (
    UCUM,
    questionnaire,
    questionnaire_response,
    reference,
    score_observations,
)
from app.services.exports.notice import Part2Notice
from app.services.ids import attendance_id
from app.services.profile import MarkRow
from app.services.surveys.definitions import InstrumentLibrary
from app.services.surveys.service import SurveyResponseRow

JSON = dict[str, Any]
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
NO_REDISCLOSURE = "no redisclosure without consent directive"
PART2_LABELS = (
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {"system": ACT_CODE, "code": "NORDSCLCD", "display": NO_REDISCLOSURE},
)
VIRTUAL = {"system": ACT_CODE, "code": "VR", "display": "virtual"}


@dataclass(frozen=True, slots=True)
class Disclosed:
    """The notice and the request a Part 2 Bundle is written with, and when."""

    notice: Part2Notice
    request: DisclosureRequest
    on: dt.date


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What an Encounter says of the session itself."""

    level_of_care: str  # "IOP", "PHP"
    zone: dt.tzinfo


def patient(participant_id: uuid.UUID, alias: str, disclosed: Disclosed | None) -> JSON:
    resource: JSON = {
        "resourceType": "Patient",
        "id": str(participant_id),
        "name": [{"use": "anonymous", "text": alias}],
    }
    if disclosed is not None:
        resource["text"] = {"status": "additional", "div": notice_narrative(disclosed)}
    return resource


def notice_narrative(disclosed: Disclosed) -> str:
    notice, request = disclosed.notice, disclosed.request
    paragraphs = [
        f"<p><b>{_text(notice.title)}</b></p>",
        *(f"<p>{_text(paragraph)}</p>" for paragraph in notice.statement_1),
        f"<p>Disclosed on {disclosed.on.isoformat()} to {_text(request.recipient)} under "
        f"this consent: {_text(request.consent)}</p>",
        f"<p>{_text(notice.citation)}: {_text(notice.url)}</p>",
    ]
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{"".join(paragraphs)}</div>'


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def encounter(participant_id: uuid.UUID, mark: MarkRow, session: SessionFacts) -> JSON:
    """The session as this person's encounter: its scheduled span, their minutes attended."""
    start = mark.at.astimezone(session.zone)
    end = start + dt.timedelta(minutes=mark.planned_minutes)
    return {
        "resourceType": "Encounter",
        "id": str(attendance_id(mark.session_id, participant_id)),
        "status": "finished",
        "class": VIRTUAL,
        "type": [{"text": f"{session.level_of_care} group session"}],
        "subject": reference(participant_id),
        "period": {
            "start": start.isoformat(timespec="seconds"),
            "end": end.isoformat(timespec="seconds"),
        },
        "length": {"value": mark.minutes, "unit": "min", "system": UCUM, "code": "min"},
    }


def bundle(
    *,
    bundle_id: uuid.UUID,
    at: dt.datetime,
    participant_id: uuid.UUID,
    alias: str,
    marks: Sequence[MarkRow],
    sessions: Mapping[uuid.UUID, SessionFacts],
    responses: Sequence[SurveyResponseRow],
    zones: Mapping[uuid.UUID, dt.tzinfo],  # cohort -> zone, for the survey times
    library: InstrumentLibrary,
    disclosed: Disclosed | None,
) -> JSON:
    resources = [patient(participant_id, alias, disclosed)]
    resources += [
        encounter(participant_id, mark, sessions[mark.session_id])
        for mark in marks
        if mark.status.attended
    ]
    described: set[str] = set()
    for response in responses:
        instrument = library.get(response.instrument)
        if instrument is None or instrument.version != response.instrument_version:
            raise ServiceError(
                f"The {response.instrument} response of {response.answered_on} follows version "
                f"{response.instrument_version} of its definition, which this installation "
                "does not have; nothing was written."
            )
        if instrument.id not in described:  # each instrument's Questionnaire, once
            described.add(instrument.id)
            resources.append(questionnaire(instrument))
        resources.append(questionnaire_response(response, instrument, participant_id))
        resources += score_observations(
            response, instrument, participant_id, zones.get(response.cohort_id, dt.UTC)
        )
    document: JSON = {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "type": "collection",
        "timestamp": at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    if disclosed is not None:
        document["meta"] = {"security": [dict(label) for label in PART2_LABELS]}
        for resource in resources:
            meta = resource.setdefault("meta", {})
            meta["security"] = [dict(label) for label in PART2_LABELS]
    document["entry"] = [
        {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources
    ]
    return document

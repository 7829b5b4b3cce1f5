"""A stored survey response as FHIR R4: a QuestionnaireResponse and an Observation per score.

R4's QuestionnaireResponse items have no ``code``: the LOINC item codes travel, as US Core's
examples do, in the link ids (``/44250-9``) and on the items of a Questionnaire built from
the definition file, which the Bundle carries and the response names. Each answer is the
option's LOINC answer code where the definition file has one (a local code otherwise) with
the option's score as the ``ordinalValue`` extension, so that a receiver can recompute every
total from the items. Each score (total, subscale, or a screener's result level) becomes
an Observation on the US Core Observation Screening Assessment profile, ``derivedFrom``
its QuestionnaireResponse. Scores are those stored when the response was recorded, never
recomputed here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from app.services.surveys.definitions import Instrument, Item, instrument_key
from app.services.surveys.service import SurveyResponseRow

JSON = dict[str, Any]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY_CATEGORY = {
    "coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]
}
# Canonical URL checked in HL7/US-Core (input/resources/StructureDefinition-us-core-
# observation-screening-assessment.json; its examples pin |8.0.0, built on FHIR 4.0.1).
SCREENING_ASSESSMENT = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)
# Our own codes, where LOINC has none in the definition files (BAM-IOP, some answers).
LOCAL = "urn:circlekeeper:"


def local_system(*parts: str) -> str:
    return LOCAL + ":".join(parts)


def reference(resource_id: uuid.UUID) -> JSON:
    """A reference to another entry of the same Bundle (entries are ``urn:uuid:`` full URLs)."""
    return {"reference": f"urn:uuid:{resource_id}"}


def observation_id(response_id: uuid.UUID, score: str) -> uuid.UUID:
    """The same score of the same response gets the same id in every export."""
    return uuid.uuid5(response_id, f"observation:{score}")


def questionnaire_url(instrument: Instrument) -> str:
    """The canonical of the definition file the answers follow (a name, not an address)."""
    return local_system("questionnaire", instrument.id)


def questionnaire_id(instrument: Instrument) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{questionnaire_url(instrument)}|{instrument.version}")


def link_id(item: Item) -> str:
    """``/44250-9`` for an item LOINC codes (the LHC-Forms and US Core convention), else its id."""
    return f"/{item.loinc}" if item.loinc else item.id


def _option(instrument: Instrument, item: Item, value: int) -> JSON:
    option = item.scale.option(value)
    if option is None:  # the stored response was checked against this definition
        raise ValueError(f"{instrument.id} item {item.id} has no option {value}")
    coding: JSON = (
        {"system": LOINC, "code": option.loinc, "display": option.label}
        if option.loinc
        else {
            "system": local_system("answer", instrument.id, item.scale.id),
            "code": str(option.value),
            "display": option.label,
        }
    )
    if option.score is not None:
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
    return coding


def questionnaire(instrument: Instrument) -> JSON:
    """The instrument as its definition file describes it: items with their LOINC codes and
    options with their LOINC answer codes and scores (``ordinalValue``)."""
    items = []
    for item in instrument.items:
        entry: JSON = {"linkId": link_id(item)}
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc, "display": item.text}]
        entry.update(
            text=item.text,
            type="choice",
            required=not item.optional and item.id not in instrument.skippable,
            answerOption=[
                {"valueCoding": _option(instrument, item, o.value)} for o in item.scale.options
            ],
        )
        items.append(entry)
    resource: JSON = {
        "resourceType": "Questionnaire",
        "id": str(questionnaire_id(instrument)),
        "url": questionnaire_url(instrument),
        "version": instrument.version,
        "name": instrument_key(instrument.id).upper(),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
    }
    panel = instrument.loinc.get("panel")
    if panel:
        resource["code"] = [{"system": LOINC, "code": panel, "display": instrument.title}]
    resource["copyright"] = instrument.copyright
    resource["item"] = items
    return resource


def questionnaire_response(
    response: SurveyResponseRow, instrument: Instrument, patient: uuid.UUID
) -> JSON:
    items = []
    for item in instrument.items:
        value = response.answers.get(item.id)
        if value is None:  # left blank or not asked: no answer to send
            continue
        items.append(
            {
                "linkId": link_id(item),
                "text": item.text,
                "answer": [{"valueCoding": _option(instrument, item, value)}],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.id),
        "questionnaire": f"{questionnaire_url(instrument)}|{instrument.version}",
        "status": "completed",
        "subject": reference(patient),
        "authored": response.answered_on.isoformat(),
        "source": reference(patient),
        "item": items,
    }


def _code(instrument: Instrument, key: str, title: str) -> JSON:
    loinc = instrument.loinc.get(key)
    coding = (
        {"system": LOINC, "code": loinc, "display": title}
        if loinc
        else {"system": local_system("score", instrument.id), "code": key, "display": title}
    )
    return {"coding": [coding], "text": title}


def score_observations(
    response: SurveyResponseRow,
    instrument: Instrument,
    patient: uuid.UUID,
    zone: dt.tzinfo,
) -> list[JSON]:
    """One Observation per stored score: the total, each subscale, or the result level."""
    scores: list[tuple[str, str, JSON]] = []
    band = instrument.band_labels.get(response.band or "")
    if response.total is not None:
        scores.append(("total", f"{instrument.name} total score", _quantity(response.total)))
    for subscale in instrument.subscales:
        points = response.subscales.get(subscale.id)
        if points is not None:
            title = f"{instrument.name} {subscale.title}"
            scores.append((subscale.id, title, _quantity(points)))
    if response.total is None and band is not None:  # a screener scored by rules (C-SSRS)
        concept = {
            "coding": [
                {
                    "system": local_system("band", instrument.id),
                    "code": response.band,
                    "display": band,
                }
            ],
            "text": band,
        }
        scores.append(("result", f"{instrument.name} result", {"valueCodeableConcept": concept}))
    observations = []
    for key, title, value in scores:
        observation: JSON = {
            "resourceType": "Observation",
            "id": str(observation_id(response.id, key)),
            "meta": {"profile": [SCREENING_ASSESSMENT]},
            "status": "final",
            "category": [SURVEY_CATEGORY],
            "code": _code(instrument, key, title),
            "subject": reference(patient),
            "effectiveDateTime": response.answered_on.isoformat(),
            "issued": response.entered_at.astimezone(zone).isoformat(timespec="seconds"),
            **value,
            "derivedFrom": [reference(response.id)],
        }
        if key == "total" and band is not None:
            observation["interpretation"] = [{"text": band}]
        observations.append(observation)
    return observations


def _quantity(value: int) -> JSON:
    return {"valueQuantity": {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}}

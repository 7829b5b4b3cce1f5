"""FHIR R4 Bundles from a real vault, validated by fhirclient's FHIR 4.0.1 models; every total
recomputed from the items in the Bundle; the alias only; Part 2 labels and notice."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.fhirabstractbase import FHIRValidationError

from app.services.container import Services
from app.services.exports.disclosure import DisclosureRequest
from app.services.exports.fhir_surveys import ORDINAL_VALUE, SCREENING_ASSESSMENT
from app.services.exports.notice import part2_notice
from app.services.surveys.scoring import score
from tests.unit.export_world import ExportWorld, build

TO_LEE = DisclosureRequest("Dr. Lee", "signed 2026-02-01: IOP records for care coordination")
JSON = dict[str, Any]


@pytest.fixture
def world(services: Services) -> ExportWorld:
    return build(services)


def bundle_of(world: ExportWorld, who: str) -> JSON:
    person = getattr(world, who)
    needs = who != "ben"  # Ben was never in a substance-use cohort
    built = world.services.exports.fhir_bundle(person.id, TO_LEE if needs else None)
    document = json.loads(json.dumps(built.document))  # as a receiver reads it
    assert isinstance(document, dict)
    return document


def resources(bundle: JSON, kind: str | None = None) -> list[JSON]:
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference":
                yield str(inner)
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


@pytest.mark.parametrize("who", ["ana", "ben", "cal"])
def test_every_bundle_validates_against_the_fhir_4_0_1_models(world: ExportWorld, who: str) -> None:
    bundle = bundle_of(world, who)
    Bundle(bundle, strict=True)  # raises FHIRValidationError on any structural fault
    assert bundle["type"] == "collection"
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert all(
        entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}" for entry in bundle["entry"]
    )
    assert set(references(bundle)) <= full_urls  # every reference resolves inside the Bundle


def test_the_validator_is_not_a_rubber_stamp(world: ExportWorld) -> None:
    bundle = bundle_of(world, "ana")
    broken = copy.deepcopy(bundle)
    response = resources(broken, "QuestionnaireResponse")[0]
    response["item"][0]["code"] = [{"code": "44250-9"}]  # R4 response items have no code
    with pytest.raises(FHIRValidationError, match="Superfluous entry"):
        Bundle(broken, strict=True)
    missing = copy.deepcopy(bundle)
    del resources(missing, "Observation")[0]["status"]
    with pytest.raises(FHIRValidationError, match="Non-optional"):
        Bundle(missing, strict=True)


def test_the_patient_is_the_alias_and_nothing_else(world: ExportWorld) -> None:
    for who, alias in (("ana", "Ana Ruiz"), ("ben", "Benoît")):
        bundle = bundle_of(world, who)
        [patient] = resources(bundle, "Patient")
        assert bundle["entry"][0]["resource"] is not None and patient["id"] == str(
            getattr(world, who).id
        )
        assert patient["name"] == [{"use": "anonymous", "text": alias}]
        assert set(patient) <= {"resourceType", "id", "name", "meta", "text"}
        text = json.dumps(bundle)
        for field in ("identifier", "birthDate", "gender", "telecom", "address", "pronoun"):
            assert f'"{field}"' not in text


def test_every_total_is_recomputed_from_the_items_in_the_bundle(world: ExportWorld) -> None:
    library = world.services.surveys.library
    checked: list[tuple[str, str]] = []
    for who in ("ana", "ben", "cal"):
        bundle = bundle_of(world, who)
        by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
        questionnaires = {
            f"{q['url']}|{q['version']}": q for q in resources(bundle, "Questionnaire")
        }
        for observation in resources(bundle, "Observation"):
            assert observation["meta"]["profile"] == [SCREENING_ASSESSMENT]
            assert observation["category"][0]["coding"][0]["code"] == "survey"
            [derived] = observation["derivedFrom"]
            response = by_url[derived["reference"]]
            assert response["resourceType"] == "QuestionnaireResponse"
            questionnaire = questionnaires[response["questionnaire"]]
            instrument = library.get(questionnaire["url"].rsplit(":", 1)[1])
            assert instrument is not None
            link = {item.id: (f"/{item.loinc}" if item.loinc else item.id)
                    for item in instrument.items}  # fmt: skip
            points = {
                item["linkId"]: answer["valueCoding"]
                for item in response["item"]
                for answer in item["answer"]
            }

            def ordinal(coding: JSON) -> int:
                [extension] = [x for x in coding.get("extension", []) if x["url"] == ORDINAL_VALUE]
                return int(extension["valueDecimal"])

            key = observation["code"]["coding"][0]["code"]
            if key == instrument.loinc.get("total"):
                members = [i.id for i in instrument.scored_items]
            elif key in {s.id for s in instrument.subscales}:
                members = list(next(s for s in instrument.subscales if s.id == key).items)
            else:  # a result level: rescore the decoded answers with the definition file
                decoded = {}
                for item in instrument.items:
                    coding = points.get(link[item.id])
                    if coding is not None:
                        options = item.scale.options
                        decoded[item.id] = next(
                            o.value for o in options
                            if (o.loinc or str(o.value)) == coding["code"]
                        )  # fmt: skip
                band = score(instrument, decoded).band_label
                assert observation["valueCodeableConcept"]["text"] == band
                checked.append((instrument.id, key))
                continue
            total = sum(ordinal(points[link[m]]) for m in members if link[m] in points)
            assert observation["valueQuantity"] == {
                "value": total, "unit": "{score}", "system": "http://unitsofmeasure.org",
                "code": "{score}",
            }, (instrument.id, key)  # fmt: skip
            checked.append((instrument.id, key))
    assert sorted(checked) == sorted(
        [("phq-9", "44261-6"), ("phq-9", "44261-6"), ("c-ssrs-screen", "93374-7"),
         ("bam-iop", "use"), ("bam-iop", "risk"), ("bam-iop", "protective"),
         ("gad-7", "70274-6"), ("audit-c", "75626-2")]
    )  # fmt: skip


def test_phq9_is_coded_with_loinc_items_and_answers(world: ExportWorld) -> None:
    bundle = bundle_of(world, "ana")
    [questionnaire] = [q for q in resources(bundle, "Questionnaire") if q["name"] == "PHQ9"]
    assert questionnaire["code"][0] == {
        "system": "http://loinc.org", "code": "44249-1",
        "display": "Patient Health Questionnaire-9 (PHQ-9)",
    }  # fmt: skip
    codes = [item["code"][0]["code"] for item in questionnaire["item"]]
    assert codes == ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2",
                     "44252-5", "44253-3", "44260-8", "69722-7"]  # fmt: skip
    [response] = [
        r for r in resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"] == f"{questionnaire['url']}|1"
    ]  # fmt: skip
    assert [i["linkId"] for i in response["item"]] == [f"/{c}" for c in codes]
    first = response["item"][0]["answer"][0]["valueCoding"]
    assert (first["system"], first["code"], first["display"]) == (
        "http://loinc.org", "LA6569-3", "Several days",
    )  # fmt: skip
    [total] = [o for o in resources(bundle, "Observation")
               if o["code"]["coding"][0]["code"] == "44261-6"]  # fmt: skip
    assert (total["valueQuantity"]["value"], total["interpretation"]) == (
        12,
        [{"text": "Moderate"}],
    )
    assert total["effectiveDateTime"] == "2026-02-16" and total["issued"].endswith("-06:00")
    assert response["authored"] == "2026-02-16" and response["status"] == "completed"


def test_an_encounter_for_each_session_attended(world: ExportWorld) -> None:
    encounters = resources(bundle_of(world, "ana"), "Encounter")
    # Present on the 16th, absent (unexcused) on the 18th, left early on the 23rd.
    assert [(e["period"]["start"], e["length"]["value"]) for e in encounters] == [
        ("2026-02-16T18:00:00-06:00", 180),
        ("2026-02-23T18:00:00-06:00", 95),
    ]
    assert {(e["status"], e["class"]["code"], e["type"][0]["text"]) for e in encounters} == {
        ("finished", "VR", "IOP group session")
    }
    assert encounters[0]["period"]["end"] == "2026-02-16T21:00:00-06:00"
    cal = resources(bundle_of(world, "cal"), "Encounter")
    assert len(cal) == 2 + 3  # late and present in Evening Recovery; three Daybreak sessions
    assert "2025-08-04T09:30:00-04:00" in {e["period"]["start"] for e in cal}


def test_a_part2_bundle_is_labelled_throughout_and_opens_with_the_notice(
    world: ExportWorld,
) -> None:
    notice = part2_notice()
    bundle = bundle_of(world, "cal")
    labels = {(c["system"].rsplit("/", 1)[1], c["code"]) for c in bundle["meta"]["security"]}
    assert labels == {("v3-Confidentiality", "R"), ("v3-ActCode", "42CFRPart2"),
                      ("v3-ActCode", "NORDSCLCD")}  # fmt: skip
    for resource in resources(bundle):
        assert resource["meta"]["security"] == bundle["meta"]["security"], resource["id"]
    first = bundle["entry"][0]["resource"]
    assert first["resourceType"] == "Patient" and first["text"]["status"] == "additional"
    narrative = first["text"]["div"]
    assert narrative.startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    for paragraph in notice.statement_1:
        assert f"<p>{paragraph}</p>" in narrative  # verbatim, in order
    assert narrative.index(notice.statement_1[0]) < narrative.index(notice.statement_1[4])
    assert "to Dr. Lee under this consent: signed 2026-02-01" in narrative
    plain = bundle_of(world, "ben")
    assert "meta" not in plain and "security" not in json.dumps(plain)
    assert "text" not in resources(plain, "Patient")[0]


def test_write_fhir_writes_the_bundle_a_receiver_reads(world: ExportWorld, tmp_path: Path) -> None:
    out = tmp_path / "ben.json"
    report = world.services.exports.write_fhir(world.ben.id, out)
    written = json.loads(out.read_text(encoding="utf-8"))
    Bundle(written, strict=True)
    assert report.records == len(written["entry"]) and report.concerned == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert report.warning.startswith("ben.json is not encrypted")

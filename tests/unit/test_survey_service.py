"""Survey responses in a real encrypted vault: recording, refusals, reading, bundles, migration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from app.database import migrate
from app.services.cohorts import CohortDraft, CohortRow
from app.services.container import Services
from app.services.errors import InvalidInput
from app.services.participants import ParticipantDraft, ParticipantRow
from app.sync.schema import spec_by_name
from app.vault.vault import UnlockedVault
from models import AuditAction, AuditEvent, FieldHistory, SurveyResponse
from tests.conftest import FakeNow
from tests.unit.test_sync_support import Machine, machines

__all__ = ["machines"]

PHQ9_12 = dict(zip([str(n) for n in range(1, 10)], [1, 1, 2, 2, 1, 1, 2, 1, 1], strict=True))
JOINED = dt.date(2026, 2, 20)


@dataclass
class World:
    services: Services
    cohort: CohortRow
    ana: ParticipantRow


@pytest.fixture
def world(services: Services) -> World:
    # `now` is Monday 2026-03-02 17:00 UTC: 11:00 in Chicago, the same date.
    cohort = services.cohorts.create(CohortDraft(name="Tuesday", timezone="America/Chicago"))
    ana = services.participants.create(ParticipantDraft(display_name="Ana R."))
    services.enrollments.enroll(ana.id, cohort.id, start_date=JOINED)
    return World(services, cohort, ana)


def count(vault: UnlockedVault) -> int:
    with vault.database.read() as db:
        return int(db.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def test_a_response_is_stored_item_by_item_with_its_scores(world: World) -> None:
    surveys = world.services.surveys
    row = surveys.record(
        world.ana.id, world.cohort.id, "PHQ-9", PHQ9_12, answered_on=dt.date(2026, 2, 27)
    )
    again = surveys.get(row.id)
    assert again == row
    # 1+1+2+2+1+1+2+1+1 = 12: moderate, and item 9 at 1 raises the safety alert
    assert (row.instrument, row.instrument_version, row.total, row.band) == (
        "phq-9",
        "1",
        12,
        "moderate",
    )
    assert row.alerts == ("item-9",)
    assert dict(row.answers) == {**PHQ9_12, "10": None}
    assert list(row.answers) == [str(n) for n in range(1, 11)]  # the instrument's order
    assert (row.cohort_id, row.answered_on, row.entered_by) == (
        world.cohort.id,
        dt.date(2026, 2, 27),
        "tester",
    )
    [stay] = world.services.enrollments.for_participant(world.ana.id)
    assert row.enrollment_id == stay.id


def test_subscales_and_sex_are_kept(world: World) -> None:
    surveys = world.services.surveys
    bam = surveys.instrument("bam-iop")
    answers: dict[str, int | None] = dict.fromkeys(bam.item_ids, 0)
    answers.update({"5": None, **dict.fromkeys(["7A", "7B", "7C", "7D", "7E", "7F", "7G"])})
    answers.update({"4": 2, "5": 1, "9": 3})  # Use 2+1+0 = 3; Protective 3
    row = surveys.record(world.ana.id, world.cohort.id, "bam-iop", answers)
    assert dict(row.subscales) == {"use": 3, "risk": 0, "protective": 3}
    assert (row.total, row.band, row.alerts) == (None, None, ("use", "protective"))
    audit = surveys.record(
        world.ana.id, world.cohort.id, "audit-c", {"1": 1, "2": 1, "3": 1}, sex="M"
    )
    assert (audit.sex, audit.total, audit.band) == ("M", 3, "negative")  # 3 < 4 for men
    phq = surveys.record(world.ana.id, world.cohort.id, "phq-9", PHQ9_12, sex="F")
    assert phq.sex is None  # the PHQ-9 does not depend on it, so it is not kept


def test_history_is_per_instrument_and_oldest_first(world: World, now: FakeNow) -> None:
    surveys, ana, cohort = world.services.surveys, world.ana, world.cohort
    late = surveys.record(ana.id, cohort.id, "phq-9", PHQ9_12, answered_on=dt.date(2026, 3, 1))
    early = surveys.record(
        ana.id, cohort.id, "phq-9", dict.fromkeys(PHQ9_12, 0), answered_on=dt.date(2026, 2, 21)
    )
    gad = surveys.record(ana.id, cohort.id, "gad-7", dict.fromkeys("1234567", 1))
    assert [r.id for r in surveys.history(ana.id, "phq9")] == [early.id, late.id]
    grouped = surveys.for_participant(ana.id)
    assert {k: [r.id for r in v] for k, v in grouped.items()} == {
        "phq-9": [early.id, late.id],
        "gad-7": [gad.id],
    }
    surveys.remove(early.id)
    assert [r.id for r in surveys.history(ana.id, "phq-9")] == [late.id]


@pytest.mark.parametrize(
    ("instrument", "answers", "options", "sentence"),
    [
        ("phq-9", PHQ9_12, {"answered_on": dt.date(2026, 3, 3)},
         "A survey cannot be dated in the future (2026-03-03; today is 2026-03-02 in Tuesday)."),
        ("phq-9", PHQ9_12, {"answered_on": dt.date(2026, 2, 19)},
         "A survey cannot be dated before Ana R. joined Tuesday on 2026-02-20 (2026-02-19 was "
         "given)."),
        ("phq-9", {**PHQ9_12, "9": 4}, {}, "Item 9 of PHQ-9 takes 0 to 3; 4 was given."),
        ("phq-11", PHQ9_12, {}, "There is no instrument called 'phq-11'"),
        ("audit-c", dict.fromkeys("123", 0), {"sex": "X"}, "Sex must be F, M, or left unrecorded."),
    ],
)  # fmt: skip
def test_refusals_are_one_sentence_and_write_nothing(
    world: World,
    vault: UnlockedVault,
    instrument: str,
    answers: dict[str, int],
    options: dict[str, object],
    sentence: str,
) -> None:
    with vault.database.read() as db:
        events = db.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(InvalidInput) as refused:
        world.services.surveys.record(
            world.ana.id,
            world.cohort.id,
            instrument,
            answers,
            **options,  # type: ignore[arg-type]
        )
    assert str(refused.value).startswith(sentence)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)
    assert count(vault) == 0
    with vault.database.read() as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_only_members_of_the_cohort_can_answer(world: World, vault: UnlockedVault) -> None:
    other = world.services.cohorts.create(CohortDraft(name="Thursday", timezone="UTC"))
    with pytest.raises(InvalidInput, match=r"^Ana R\. is not enrolled in Thursday\.$"):
        world.services.surveys.record(world.ana.id, other.id, "phq-9", PHQ9_12)
    assert count(vault) == 0


def test_recording_is_audited_and_stamped_for_sync(world: World, vault: UnlockedVault) -> None:
    row = world.services.surveys.record(world.ana.id, world.cohort.id, "phq-9", PHQ9_12)
    with vault.database.read() as db:
        stored = db.get(SurveyResponse, row.id)
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.entity_id == row.id)))
    assert stored is not None and stored.version > 0 and stored.origin == vault.device_id
    assert [(e.action, e.entity, e.actor) for e in events] == [
        (AuditAction.CREATE, "survey_response", "tester")
    ]
    world.services.surveys.remove(row.id)  # a tombstone: audited, the old value kept
    with vault.database.read() as db:
        actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == row.id)))
        kept = db.scalars(
            select(FieldHistory.value).where(
                FieldHistory.row_id == row.id.hex, FieldHistory.field == "deleted"
            )
        ).all()
    assert actions == [AuditAction.CREATE, AuditAction.DELETE] and kept == ["0"]
    spec = spec_by_name()["survey_response"]
    assert ("enrollment_id", "enrollment") in spec.parents
    assert not spec.free_text  # answers merge as values, never as text conflicts


def test_a_response_travels_in_a_bundle_intact(machines: list[Machine]) -> None:
    a, b, c = machines
    services = a.services
    cohort = services.cohorts.create(CohortDraft(name="Tuesday", timezone="UTC"))
    ana = services.participants.create(ParticipantDraft(display_name="Ana"))
    services.enrollments.enroll(ana.id, cohort.id, start_date=dt.date(2020, 1, 6))
    day = dt.date(2020, 1, 13)
    sent = [
        services.surveys.record(ana.id, cohort.id, "phq-9", {**PHQ9_12, "10": 2}, answered_on=day),
        services.surveys.record(
            ana.id, cohort.id, "c-ssrs-screen", {"1": 1, "2": 0, "6": 1, "6a": 0}, answered_on=day
        ),
    ]
    b.import_(a.export(b))
    arrived = b.services.surveys.for_participant(ana.id)
    assert [r for rows in arrived.values() for r in rows] == sent
    assert arrived["c-ssrs-screen"][0].band == "moderate"
    assert dict(arrived["c-ssrs-screen"][0].answers) == {
        "1": 1, "2": 0, "3": None, "4": None, "5": None, "6": 1, "6a": 0,
    }  # fmt: skip
    assert a.digest() == b.digest()
    # A bundle of one cohort carries its members' responses too.
    c.import_(a.export(c, cohorts=("Tuesday",)))
    assert c.services.surveys.for_participant(ana.id) == arrived


def test_migration_0009_goes_down_and_up(vault: UnlockedVault) -> None:
    engine = vault.database.engine
    config = migrate._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with engine.connect() as connection:
        assert "survey_response" not in inspect(connection).get_table_names()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        indexes = {i["name"] for i in inspect(connection).get_indexes("survey_response")}
    assert indexes == {
        "ix_survey_response_participant",
        "ix_survey_response_enrollment",
        "ix_survey_response_version",
    }
    assert migrate.current_revision(engine) == migrate.head_revision()

"""The roster, the agenda and the live card agree, for every current member, on every figure.

Small demo programs of several seeds, read at several instants: midday, just after local
midnight, and around the spring daylight-saving change (8 March 2026 in the United States,
with a week boundary the night after). The three are service-level snapshots (the views only
display them), so they are compared here: hours this week, streak, flags and goals due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.demo import generate_demo
from app.services.container import Services
from app.services.context import ServiceContext
from app.sync.clock import HybridLogicalClock
from app.vault.vault import UnlockedVault, VaultPaths, create_vault
from models import CohortStatus, EnrollmentStatus
from tests.conftest import CHEAP_KDF, PASSPHRASE, FakeNow

DEMO_TODAY = dt.date(2026, 3, 6)  # a Friday; the demo is written as of the end of that day
SEEDS = (3, 11, 29)
NEW_YORK, LOS_ANGELES = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")
INSTANTS = (
    dt.datetime(2026, 3, 7, 12, 30, tzinfo=NEW_YORK),  # Saturday midday
    dt.datetime(2026, 3, 8, 0, 5, tzinfo=LOS_ANGELES),  # just after midnight, the DST day
    dt.datetime(2026, 3, 8, 3, 10, tzinfo=NEW_YORK),  # just after the change (EDT)
    dt.datetime(2026, 3, 9, 0, 5, tzinfo=NEW_YORK),  # just after midnight: a new week, in EDT
    dt.datetime(2026, 3, 9, 18, 45, tzinfo=LOS_ANGELES),  # Monday, a group in progress
)


@pytest.fixture(scope="module", params=SEEDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[UnlockedVault, Services, FakeNow]]:
    folder: Path = tmp_path_factory.mktemp(f"truth-{request.param}") / "vault"
    vault = create_vault(VaultPaths(folder), PASSPHRASE, kdf=CHEAP_KDF).vault
    generate_demo(vault, cohorts=4, participants=70, weeks=6, seed=request.param, today=DEMO_TODAY)
    clock = FakeNow(INSTANTS[0])
    context = ServiceContext(
        database=vault.database,
        clock=HybridLogicalClock(last=vault.highest_version()),
        device_id=vault.device_id,
        actor="tester",
        now=clock,
    )
    yield vault, Services.build(context), clock
    vault.close()


def flag_lines(flags: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(f.kind.value, f.reason) for f in flags]  # type: ignore[attr-defined]


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.isoformat())
def test_roster_agenda_and_live_card_agree(
    demo: tuple[UnlockedVault, Services, FakeNow], instant: dt.datetime
) -> None:
    _vault, services, clock = demo
    clock.value = instant.astimezone(dt.UTC)
    compared = flagged = due = 0
    for cohort in services.cohorts.list():
        if cohort.status is not CohortStatus.ACTIVE:
            continue
        roster = services.progress.roster(cohort.id)
        agenda = services.agenda.for_cohort(cohort.id)
        assert roster.today == instant.astimezone(ZoneInfo(cohort.timezone)).date()
        assert agenda.session is not None, f"{cohort.name} has no session in progress or next"
        evaluation = services.accountability.evaluate(agenda.session.id)
        cards = {card.participant_id: card for card in evaluation.cards}
        rows = {row.participant_id: row for row in roster.rows}
        assert set(cards) == {m.participant_id for m in agenda.members}
        check_ins = {c.participant_id: c.flags for c in agenda.check_ins}
        goal_lines: dict[object, list[object]] = {}
        for line in agenda.goals_due:
            goal_lines.setdefault(line.participant_id, []).append(line.goal_id)
        for member in agenda.members:
            row, card, figures = (
                rows[member.participant_id],
                cards[member.participant_id],
                member.figures,
            )
            assert row.status is EnrollmentStatus.ACTIVE
            assert card.figures is not None
            where = f"{member.display_name} in {cohort.name} at {instant.isoformat()}"
            # Hours this week and the streak.
            assert row.minutes_this_week == figures.minutes_this_week, where
            assert card.figures.minutes_this_week == figures.minutes_this_week, where
            assert row.current_streak == figures.streak == card.figures.streak, where
            # Flags, with their reasons: the roster's column, the agenda's list, the card's.
            shown = flag_lines(row.flags)
            assert shown == flag_lines(check_ins.get(member.participant_id, ())), where
            assert shown == flag_lines(card.flags) == flag_lines(figures.flags), where
            # Goals due: the roster's count, the agenda's lines, the card's report-back rows.
            ids = [g.goal_id for g in card.goals_due]
            assert ids == goal_lines.get(member.participant_id, []), where
            assert ids == [g.goal_id for g in figures.goals_due], where
            assert row.goals_due == len(ids), where
            compared += 1
            flagged += bool(shown)
            due += len(ids)
    assert compared > 10 and flagged > 0 and due > 0  # the comparison is not vacuous

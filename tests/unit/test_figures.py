"""One definition of each figure: completion, goals due, sessions that count, and "today".

Each test here failed on the code before ``app.services.figures``: the screens disagreed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from app.demo import generate_demo
from app.services.agenda.markdown import render
from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.context import ServiceContext
from app.services.figures.goals import Completion, completion
from app.services.participants import ParticipantDraft
from app.services.round.commit import CheckInCommit, ReportBack
from app.vault.vault import VaultPaths, create_vault
from models import AttendanceStatus, ReviewOutcome
from tests.conftest import CHEAP_KDF, PASSPHRASE, FakeNow
from tests.unit.engine_world import World

CHICAGO = ZoneInfo("America/Chicago")


def test_completion_counts_partly_as_half_and_reads_in_words() -> None:
    five = completion([ReviewOutcome.DONE] * 3 + [ReviewOutcome.PARTLY, ReviewOutcome.NOT_DONE])
    assert five == Completion(done=3, partly=1, not_done=1)
    assert five.text == "3 done, 1 partly, of 5" and five.rate == 0.7
    assert Completion().rate is None and Completion().text == "none reported back yet"


def test_the_goal_board_and_the_profile_agree_on_a_persons_completion(
    services: Services,
) -> None:
    # Before: 75 % on the board (partly as ½) and 50 % on the profile (partly as not done).
    world = World(services, FakeNow(services.context.now()), timezone="UTC")
    ana = world.person("Ana R.")
    monday, wednesday = world.weeks(1)[:2]
    walk = services.goals.set_goal(ana.id, monday.id, "Walk daily", "health")
    sleep = services.goals.set_goal(ana.id, monday.id, "Sleep by 11", "health")
    services.goals.review(walk.id, wednesday.id, ReviewOutcome.DONE)
    services.goals.review(sleep.id, wednesday.id, ReviewOutcome.PARTLY)
    board = services.goal_board.board(world.cohort.id, wednesday.id)
    [row] = [r for r in board.by_participant if r.participant_id == ana.id]
    profile = services.profiles.load(ana.id)
    [health] = profile.domains
    assert row.rate == profile.completion.rate == health.completion_rate == 0.75
    assert profile.completion.text == "1 done, 1 partly, of 2"


def test_the_roster_and_the_agenda_flag_the_same_people(services: Services, now: FakeNow) -> None:
    # Before: the roster read as of the end of today, the agenda as of the next session's
    # start, which was this morning's; Ana missed it, and only the roster said so.
    world = World(services, now, days=(1, 3, 5), at=dt.time(9, 0), start=dt.date(2026, 2, 23))
    ana, ben = world.person("Ana R."), world.person("Ben T.")
    sessions = world.weeks(2)  # 23 Feb to 6 Mar
    now.value = dt.datetime(2026, 3, 2, 14, 0, tzinfo=CHICAGO)  # Monday afternoon
    world.present(sessions[:3], ana, ben)
    world.mark(sessions[3], ana, AttendanceStatus.UNEXCUSED)  # this morning's group
    world.present(sessions[3:4], ben)

    roster = {r.display_name: r for r in services.progress.roster(world.cohort.id).rows}
    agenda = services.agenda.for_cohort(world.cohort.id)
    assert agenda.session is not None and agenda.session.id == sessions[4].id  # Wednesday's
    flagged = {c.display_name: [f.reason for f in c.flags] for c in agenda.check_ins}
    assert flagged == {"Ana R.": [f.reason for f in roster["Ana R."].flags]}
    kinds = [f.kind.value for f in roster["Ana R."].flags]
    assert kinds == ["absent last session", "hours below minimum"]
    assert roster["Ben T."].flags == ()
    assert "Nobody is flagged" not in render(agenda)


def test_a_session_counts_once_it_is_over(services: Services, now: FakeNow) -> None:
    world = World(services, now, days=(1, 3, 5), at=dt.time(18, 0), start=dt.date(2026, 3, 2))
    ana = world.person("Ana R.")
    monday, wednesday, _friday = world.weeks(1)
    now.value = dt.datetime(2026, 3, 2, 22, 0, tzinfo=CHICAGO)
    world.present([monday], ana)
    goal = services.goals.set_goal(ana.id, monday.id, "Call my sponsor", "recovery")

    # Wednesday's group in progress: Ana not marked yet, and reporting back on her goal.
    now.value = dt.datetime(2026, 3, 4, 18, 30, tzinfo=CHICAGO)
    view = services.rounds.start(wednesday.id)
    during = services.progress.roster(world.cohort.id).rows[0]
    assert (during.current_streak, during.flags, during.goals_due) == (1, (), 1)
    report = CheckInCommit(CheckInDraft(mood=6), (ReportBack(goal.id, ReviewOutcome.DONE),))
    services.rounds.commit_and_advance(view.id, ana.id, report)
    card = services.accountability.evaluate(wednesday.id).card(ana.id)
    assert [g.goal_id for g in card.goals_due] == [goal.id]  # still this session's report-back
    assert services.progress.roster(world.cohort.id).rows[0].goals_due == 1

    # Once it is over it counts: attended, and the goal reported back is no longer due.
    now.value = dt.datetime(2026, 3, 4, 21, 1, tzinfo=CHICAGO)
    after = services.progress.roster(world.cohort.id).rows[0]
    assert (after.current_streak, after.minutes_this_week, after.goals_due) == (2, 360, 0)


def test_today_is_the_cohorts_local_day(services: Services, now: FakeNow) -> None:
    now.value = dt.datetime(2026, 3, 3, 3, 0, tzinfo=dt.UTC)  # Monday evening in Chicago
    chicago = services.cohorts.create(CohortDraft(name="Chicago", timezone="America/Chicago"))
    tokyo = services.cohorts.create(CohortDraft(name="Tokyo", timezone="Asia/Tokyo"))
    assert (chicago.start_date, tokyo.start_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    ana = services.participants.create(ParticipantDraft("Ana R."))
    here = services.enrollments.enroll(ana.id, chicago.id).enrollment
    there = services.enrollments.enroll(ana.id, tokyo.id).enrollment
    assert (here.start_date, there.start_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert services.progress.roster(chicago.id).today == dt.date(2026, 3, 2)
    assert services.profiles.load(ana.id).today == dt.date(2026, 3, 3)  # her latest stay
    assert not hasattr(ServiceContext, "today")  # no UTC "today" left to reach for


def test_search_dates_a_goal_by_its_cohorts_day(services: Services, now: FakeNow) -> None:
    world = World(services, now, days=(7,), at=dt.time(22, 0), start=dt.date(2026, 2, 23))
    ana = world.person("Ana R.")
    [sunday] = world.weeks(1)  # Sunday 1 March, 22:00 in Chicago: Monday 04:00 UTC
    goal = services.goals.set_goal(ana.id, sunday.id, "Walk after dinner", "health")
    [hit] = services.search.search("Walk after").hits
    [shown] = services.goal_board.board(world.cohort.id, sunday.id).this_week
    assert hit.record_id == goal.id == shown.id
    assert hit.day == shown.set_on == dt.date(2026, 3, 1)


def test_the_demo_writes_nothing_after_its_now(tmp_path: Path) -> None:
    vault = create_vault(VaultPaths(tmp_path / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
    instant = dt.datetime(2026, 3, 4, 19, 30, tzinfo=dt.UTC)  # 14:30 in New York, 11:30 in LA
    try:
        generate_demo(vault, cohorts=4, participants=60, weeks=3, seed=5, now=instant)
        with vault.database.read() as db:
            held = db.execute(
                text(
                    "SELECT scheduled_start, planned_minutes FROM group_session "
                    "WHERE status = 'held'"
                )
            ).all()
            stamps = db.execute(
                text(
                    "SELECT max(recorded_at) FROM checkin UNION ALL "
                    "SELECT max(reviewed_at) FROM goal_review UNION ALL "
                    "SELECT max(created_at) FROM goal UNION ALL "
                    "SELECT max(s.scheduled_start) FROM attendance a "
                    "JOIN group_session s ON s.id = a.session_id"
                )
            ).scalars()
            latest_day = db.execute(
                text(
                    "SELECT max(start_date) FROM enrollment UNION ALL "
                    "SELECT max(start_date) FROM accountability_pair UNION ALL "
                    "SELECT max(contact_date) FROM partner_contact"
                )
            ).scalars()
            last_held = max(
                dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
                + dt.timedelta(minutes=minutes)
                for start, minutes in held
            )
            assert last_held <= instant
            assert all(
                dt.datetime.fromisoformat(s).replace(tzinfo=dt.UTC) <= instant for s in stamps
            )
            # 11:30 on 4 March is the earliest local now among the demo's zones.
            assert all(dt.date.fromisoformat(d) <= dt.date(2026, 3, 4) for d in latest_day)
            assert last_held > instant - dt.timedelta(days=1)  # it did run up to its now
    finally:
        vault.close()

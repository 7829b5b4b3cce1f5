"""``generate_demo``: a deterministic synthetic program written into an empty vault in bulk."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.demo import phrases
from app.demo.activity import CohortActivity
from app.demo.cohorts import holidays, plan_cohorts
from app.demo.partners import partner_rows, value_rows
from app.demo.rows import (
    ConnectionSink,
    Row,
    RowSink,
    bulk_load,
    day,
    random_uid,
    stamp,
)
from app.demo.stays import (
    People,
    Stay,
    assign_people,
    late_enrollments,
    link_step_downs,
    seat_stays,
)
from app.services import changes
from app.services.changes import EVERYTHING
from app.services.context import current_user
from app.services.errors import InvalidInput, ServiceError
from app.services.figures.today import local_date, local_day_start
from app.services.ids import NAMESPACE
from app.sync.clock import pack
from app.vault.vault import UnlockedVault
from models import AuditAction, Cohort, Participant

Progress = Callable[[float], None]
LIMITS = {"cohorts": (1, 500), "participants": (1, 200_000), "weeks": (1, 1040)}
NO_SHOW_SHARE = 0.03  # referrals who never start
PLANNING_SHARE = 0.03  # of the progress bar
DEMO_ZONES = tuple(ZoneInfo(zone) for zone, _weight in phrases.TIMEZONES)
TICK = dt.timedelta(microseconds=1)


class DemoRefused(ServiceError):
    """The vault already holds a program; the demo only fills an empty vault."""

    def __init__(self) -> None:
        super().__init__(
            "This vault already holds cohorts or participants; a demo program can only fill "
            "an empty vault."
        )


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """Rows written per table, and how long generating and writing them took."""

    cohorts: int
    participants: int
    enrollments: int
    sessions: int
    attendance: int
    checkins: int
    goals: int
    goal_reviews: int
    audit_events: int
    values: int
    partner_pairs: int
    partner_contacts: int
    seconds: float

    @property
    def counts(self) -> dict[str, int]:
        """Rows by table name, as ``check`` counts them."""
        return {
            "cohort": self.cohorts,
            "participant": self.participants,
            "enrollment": self.enrollments,
            "group_session": self.sessions,
            "attendance": self.attendance,
            "checkin": self.checkins,
            "goal": self.goals,
            "goal_review": self.goal_reviews,
            "audit_event": self.audit_events,
            "value": self.values,
            "accountability_pair": self.partner_pairs,
            "partner_contact": self.partner_contacts,
        }


def earliest_today(now: dt.datetime) -> dt.date:
    """The earliest local date at ``now`` among the demo's time zones: the demo's last day,
    so that no date it writes is after any of its cohorts' local today."""
    return min(local_date(now, zone) for zone in DEMO_ZONES)


def end_of(today: dt.date) -> dt.datetime:
    """The last instant at which ``today`` is still the date in every demo time zone."""
    return max(local_day_start(today + dt.timedelta(days=1), zone) for zone in DEMO_ZONES) - TICK


@dataclass(frozen=True, slots=True)
class DemoShape:
    """What to generate. Equal shapes give equal rows, ids and versions.

    ``now`` is the instant the demo is written at: it writes nothing after it (a session is
    held, with its records, only once it is over by then). By default it is the end of
    ``today`` in every cohort's zone, so that a fixed ``today`` gives fixed data.
    """

    cohorts: int
    participants: int
    weeks: int
    seed: int
    today: dt.date
    actor: str
    now: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(name, f"The number of {name} must be between {low} and {high}.")

    @property
    def cutoff(self) -> dt.datetime:
        """The instant nothing is written after (aware, UTC)."""
        return (self.now or end_of(self.today)).astimezone(dt.UTC)

    @property
    def first_day(self) -> dt.date:
        """The Monday that opens the program; its last week is the one holding ``today``."""
        return self.today - dt.timedelta(days=self.today.weekday(), weeks=self.weeks - 1)

    @property
    def horizon(self) -> dt.date:
        """Sessions are scheduled through the end of next week, so one is always coming up."""
        return self.today + dt.timedelta(days=13 - self.today.weekday())

    @property
    def origin(self) -> str:
        """The demo's rows carry one origin of their own, so equal seeds give equal digests."""
        return str(uuid.uuid5(NAMESPACE, f"demo/{self.seed}"))

    @property
    def written_at(self) -> dt.datetime:
        """When the demo is notionally written (midnight UTC opening ``today``); versions
        start here, so a fixed ``today`` gives fixed versions."""
        return dt.datetime.combine(self.today, dt.time(), tzinfo=dt.UTC)

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"circlekeeper-demo/{self.seed}/{purpose}")  # noqa: S311


def generate_demo(
    vault: UnlockedVault,
    *,
    cohorts: int,
    participants: int,
    weeks: int,
    seed: int = 7,
    today: dt.date | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Fill the empty ``vault`` with a synthetic program ending on ``today``, written as of
    ``now`` (default: the real now, and its date in the cohorts' zones; with ``today``
    alone, the end of that day): nothing is written after the cohorts' local now.

    Everything is written in one transaction: an interrupted run leaves the vault empty.
    Raises ``DemoRefused`` if the vault holds cohorts or participants, ``InvalidInput`` for
    counts out of range.
    """
    if today is None:
        now = now or dt.datetime.now(dt.UTC)
        today = earliest_today(now)
    elif now is not None and earliest_today(now) < today:
        raise InvalidInput("now", "The demo's last day cannot be after its now.")
    shape = DemoShape(cohorts, participants, weeks, seed, today, actor or current_user(), now)
    report = progress or (lambda _fraction: None)
    began = time.perf_counter()
    report(0.0)
    with vault.database.write() as session:
        if session.scalar(select(Cohort.id).limit(1)) is not None or (
            session.scalar(select(Participant.id).limit(1)) is not None
        ):
            raise DemoRefused()
        connection = session.connection()
        sink = ConnectionSink(connection)
        with bulk_load(connection):
            build_rows(shape, sink, lambda fraction: report(fraction * 0.85))
        report(0.95)  # the indexes are built; the commit (and its checkpoint) remains
    changes.committed(EVERYTHING)  # rows written past the ORM: every screen reloads
    report(1.0)
    counts = sink.counts
    return DemoSummary(
        cohorts=counts["cohort"],
        participants=counts["participant"],
        enrollments=counts["enrollment"],
        sessions=counts["group_session"],
        attendance=counts["attendance"],
        checkins=counts["checkin"],
        goals=counts["goal"],
        goal_reviews=counts["goal_review"],
        audit_events=counts["audit_event"],
        values=counts["value"],
        partner_pairs=counts["accountability_pair"],
        partner_contacts=counts["partner_contact"],
        seconds=time.perf_counter() - began,
    )


def build_rows(shape: DemoShape, sink: RowSink, progress: Progress | None = None) -> None:
    """Every row of the demo program, table batch by table batch, parents first, into ``sink``."""
    report = progress or (lambda _fraction: None)
    versions = itertools.count(pack(int(shape.written_at.timestamp() * 1000)))
    next_version = versions.__next__
    origin = shape.origin
    plan_rng = shape.rng("plan")
    plans = plan_cohorts(shape.cohorts, plan_rng, shape.first_day, shape.today, shape.horizon)
    stays: list[Stay] = []
    for plan in plans:
        stays.extend(seat_stays(plan, shape.rng(f"seats/{plan.index}"), shape.today))
    link_step_downs(stays, plan_rng)
    people = People()
    budget = shape.participants - round(shape.participants * NO_SHOW_SHARE)
    kept = assign_people(stays, budget, plan_rng, people)
    kept += late_enrollments(plans, kept, people, shape.participants, plan_rng, shape.today)
    person_ids = [random_uid(plan_rng.getrandbits(128)) for _ in people.keys]
    report(PLANNING_SHARE / 2)

    sink.write("cohort", [p.row(next_version(), origin) for p in plans])
    sink.write("participant", _participant_rows(people, person_ids, shape, origin, next_version))
    sink.write("value", value_rows(people, person_ids, shape.rng("values"), origin, next_version))
    sink.write("enrollment", _enrollment_rows(kept, person_ids, plan_rng, origin, next_version))
    report(PLANNING_SHARE)

    texts = [(hex_id, str(uuid.UUID(hex=hex_id)).encode()) for hex_id in person_ids]
    by_cohort: dict[int, list[Stay]] = {}
    for stay in kept:
        by_cohort.setdefault(stay.cohort.index, []).append(stay)
    closed = holidays(shape.first_day, shape.horizon)
    total_days = sum(len(p.days) for p in plans) or 1
    done_days = 0
    for plan in plans:
        activity = CohortActivity(
            plan, shape.rng(f"cohort/{plan.index}"), shape.today, closed, origin, next_version,
            shape.cutoff,
        )  # fmt: skip
        rows = activity.run(by_cohort.get(plan.index, []), texts)
        sink.write("group_session", rows.sessions)
        sink.write("attendance", rows.attendance)
        sink.write("checkin", rows.checkins)
        sink.write("goal", rows.goals)
        sink.write("goal_review", rows.reviews)
        partners = partner_rows(
            plan, by_cohort.get(plan.index, []), person_ids, shape.rng(f"partners/{plan.index}"),
            shape.today, origin, next_version,
        )  # fmt: skip
        sink.write("accountability_pair", partners.pairs)
        sink.write("partner_contact", partners.contacts)
        done_days += len(plan.days)
        report(PLANNING_SHARE + (1 - 2 * PLANNING_SHARE) * done_days / total_days)

    sink.write(
        "audit_event",
        [
            (random_uid(plan_rng.getrandbits(128)), next_version(), origin, 0,
             stamp(shape.written_at), shape.actor[:80], AuditAction.CREATE.value, "", None,
             "demo program generated")
        ],
    )  # fmt: skip


def _participant_rows(
    people: People,
    ids: list[str],
    shape: DemoShape,
    origin: str,
    next_version: Callable[[], int],
) -> list[Row]:
    rng = shape.rng("people")
    labels = [p for p, _, _ in phrases.PRONOUNS]
    weights = [w for _, w, _ in phrases.PRONOUNS]
    names = {p: bank for p, _, bank in phrases.PRONOUNS}
    taken: set[str] = set()
    rows = []
    for index, stays in enumerate(people.stays):
        pronouns = rng.choices(labels, weights)[0]
        first = rng.choice(names[pronouns])
        # As groups do: a last initial, or two letters of it when the initial is taken.
        for attempt in range(8):
            initial = rng.choice(phrases.LAST_INITIALS)
            if attempt >= 3:
                initial += rng.choice(phrases.SECOND_LETTERS)
            name = f"{first} {initial}."
            if name not in taken:
                break
        taken.add(name)
        recovery = None
        last = stays[-1]
        if last.cohort.track.has_cravings and rng.random() < 0.85:
            recovery = min(shape.today, last.start - dt.timedelta(days=rng.randint(0, 90)))
        notes = rng.choice(phrases.CLINICIAN_NOTES) if rng.random() < 0.2 else ""
        rows.append((ids[index], next_version(), origin, 0, name, pronouns, day(recovery), notes))
    return rows


def _enrollment_rows(
    stays: list[Stay],
    person_ids: list[str],
    rng: random.Random,
    origin: str,
    next_version: Callable[[], int],
) -> list[Row]:
    return [
        (random_uid(rng.getrandbits(128)), next_version(), origin, 0, person_ids[s.person],
         s.cohort.id, day(s.start), day(s.end), s.status.value, s.reason, s.note[:200])
        for s in sorted(stays, key=lambda s: (s.start, s.cohort.index, s.person))
    ]  # fmt: skip

"""A cohort's sessions as they happened: attendance, check-ins, weekly goals and report-backs."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.demo import phrases
from app.demo.cohorts import CohortPlan
from app.demo.rows import PairIds, Row, random_uid, stamp
from app.demo.stays import Stay
from app.services.attendance.service import default_minutes
from models import (
    AgeGroup,
    AttendanceStatus,
    EnrollmentStatus,
    GoalStatus,
    ReviewOutcome,
    SessionStatus,
    ShareScope,
    Track,
)

MINUTE = dt.timedelta(minutes=1)
CANCEL_CHANCE = 0.01  # besides holidays: a facilitator out sick, a platform outage
NOT_RECORDED_CHANCE = 0.004
GROUP = ShareScope.GROUP.value
CLINICIAN = ShareScope.CLINICIAN.value
PRESENT, LATE, LEFT_EARLY, EXCUSED, UNEXCUSED, UNMARKED = (
    s.value for s in AttendanceStatus
)  # fmt: skip
DONE, PARTLY, NOT_DONE = (o.value for o in ReviewOutcome)
DOMAIN_WEIGHTS = {
    "cravings": {"recovery": 5, "health": 2, "family": 2, "work or school": 2,
                 "relationships": 2, "creativity": 1, "spirituality": 1, "community": 1},
    "mood": {"health": 3, "relationships": 3, "family": 2, "work or school": 2,
             "creativity": 2, "spirituality": 1, "community": 1, "recovery": 1},
    "adolescent": {"work or school": 4, "family": 2, "relationships": 2, "health": 2,
                   "creativity": 2, "community": 1},
}  # fmt: skip


def _capitalized(bank: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p[0].upper() + p[1:] for p in bank)


def pick(random_: Callable[[], float], bank: Sequence[str], count: int, joiner: str) -> str:
    """``count`` different phrases of ``bank`` joined by ``joiner``.

    ``random.sample`` costs several times more (argument checks on every call), which shows
    at a million check-ins.
    """
    if count == 0:
        return ""
    size = len(bank)
    first = int(random_() * size)
    if count == 1:
        return bank[first]
    chosen = [first]
    while len(chosen) < count:
        index = int(random_() * size)
        if index not in chosen:
            chosen.append(index)
    return joiner.join([bank[i] for i in chosen])


@dataclass(slots=True)
class OpenGoal:
    id: str
    session_id: str
    text: str
    domain: str
    created_at: str
    carried_from: str | None


@dataclass(slots=True)
class Member:
    """A person in the group during one stay, with what they are still carrying."""

    stay: Stay
    person_id: str
    person_text: bytes
    goals: list[OpenGoal] = field(default_factory=list)
    goal_week: int = -1
    seen: int = 0


@dataclass(slots=True)
class Banks:
    """The phrases one cohort draws from, chosen once for its track and age group."""

    topics: tuple[str, ...]
    accomplishments: tuple[str, ...]
    challenges: tuple[str, ...]
    private: tuple[str, ...]
    domains: tuple[str, ...]
    domain_weights: tuple[int, ...]
    goals: dict[str, tuple[str, ...]]

    @classmethod
    def for_cohort(cls, cohort: CohortPlan) -> Banks:
        angle = "cravings" if cohort.track.has_cravings else "mood"
        extra = [angle] if cohort.track is not Track.DUAL_DIAGNOSIS else ["cravings", "mood"]
        if cohort.age_group is AgeGroup.ADOLESCENT:
            extra.append("adolescent")
        topic_key = "mental_health" if angle == "mood" else "substance_use"
        weights = DOMAIN_WEIGHTS["adolescent" if "adolescent" in extra else angle]
        goals = dict(phrases.GOALS)
        if cohort.age_group is AgeGroup.ADOLESCENT:
            goals["work or school"] = phrases.SCHOOL_GOALS
        return cls(
            topics=phrases.TOPICS["common"] + phrases.TOPICS[topic_key],
            accomplishments=_capitalized(
                sum((phrases.ACCOMPLISHMENTS[k] for k in ["common", *extra]), ())
            ),
            challenges=_capitalized(sum((phrases.CHALLENGES[k] for k in ["common", *extra]), ())),
            private=_capitalized(phrases.CLINICIAN_ONLY_CHALLENGES[angle]),
            domains=tuple(weights),
            domain_weights=tuple(weights.values()),
            goals=goals,
        )


@dataclass(slots=True)
class CohortRows:
    sessions: list[Row] = field(default_factory=list)
    attendance: list[Row] = field(default_factory=list)
    checkins: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)


def mood_and_craving(
    member: Member, week: float, rng: random.Random, cravings: bool
) -> tuple[int, int | None]:
    """Where this person's course puts them this week, with a week's worth of noise."""
    course = member.stay.course
    kind = course.kind
    if kind == "thriving":
        base = min(9.0, course.mood0 + course.slope * week)
        urge = course.craving0 - 0.55 * week
    elif kind == "steady":
        base = course.mood0
        urge = course.craving0 - 0.15 * week
    elif kind == "slipping":
        base = course.mood0 + 0.25 * min(week, course.turn) - 0.7 * max(0.0, week - course.turn)
        urge = course.craving0 - 0.3 * min(week, course.turn) + 0.8 * max(0.0, week - course.turn)
    else:  # rollercoaster
        swing = 2.2 * math.sin(1.2 * week + course.slope)
        base = course.mood0 + 1.0 + swing
        urge = course.craving0 - 0.2 * week - 0.8 * swing
    noise = rng.gauss(0.0, 1.0)
    mood = min(10, max(0, round(base + noise)))
    if not cravings:
        return mood, None
    return mood, min(10, max(0, round(urge - 0.5 * noise + rng.gauss(0.0, 0.9))))


class CohortActivity:
    """Runs one cohort's calendar and produces its rows; all randomness comes from ``rng``."""

    def __init__(
        self,
        cohort: CohortPlan,
        rng: random.Random,
        today: dt.date,
        holidays: frozenset[dt.date],
        origin: str,
        next_version: Callable[[], int],
        cutoff: dt.datetime,
    ) -> None:
        self.cohort = cohort
        self.rng = rng
        self.today = today
        self.cutoff = cutoff.astimezone(dt.UTC).replace(tzinfo=None)  # naive UTC, as ``start``
        self.holidays = holidays
        self.origin = origin
        self.version = next_version
        self.banks = Banks.for_cohort(cohort)
        self.rows = CohortRows()

    def run(self, stays: list[Stay], person_ids: list[tuple[str, bytes]]) -> CohortRows:
        cohort, rng, rows = self.cohort, self.rng, self.rows
        queue = sorted((s for s in stays if s.attends), key=lambda s: s.start)
        position = 0
        members: list[Member] = []
        for day in cohort.days:
            local = dt.datetime.combine(day, cohort.start_time, tzinfo=cohort.zone)
            start = local.astimezone(dt.UTC).replace(tzinfo=None)  # naive UTC: see rows.stamp
            session_id = random_uid(rng.getrandbits(128))
            topic = rng.choice(self.banks.topics)
            status = SessionStatus.HELD
            # Nothing after the demo's now: a session still to come or not over is scheduled.
            if day > self.today or start + cohort.planned_minutes * MINUTE > self.cutoff:
                status = SessionStatus.SCHEDULED
            elif day in self.holidays or rng.random() < CANCEL_CHANCE:
                status = SessionStatus.CANCELLED
            elif rng.random() < NOT_RECORDED_CHANCE:
                status = SessionStatus.NOT_RECORDED
            leader = None
            if status is SessionStatus.HELD:
                while position < len(queue) and queue[position].start <= day:
                    stay = queue[position]
                    members.append(Member(stay, *person_ids[stay.person]))
                    position += 1
                still = []
                for member in members:
                    if member.stay.last >= day:
                        still.append(member)
                    else:
                        self._close_goals(member)
                members = still
                leader = self._held(day, start, session_id, members)
            rows.sessions.append(
                (session_id, self.version(), self.origin, 0, cohort.id, stamp(start),
                 cohort.planned_minutes, status.value, topic, rng.choice(cohort.facilitators),
                 leader)
            )  # fmt: skip
        for member in members:
            self._close_goals(member)
        return rows

    def _held(
        self, day: dt.date, start: dt.datetime, session_id: str, members: list[Member]
    ) -> str | None:
        """Attendance, check-ins and goals for one held session; returns a peer leader's id."""
        rng, rows, cohort = self.rng, self.rows, self.cohort
        random_ = rng.random
        planned = cohort.planned_minutes
        cravings = cohort.track.has_cravings
        attendance_ids = PairIds("attendance", session_id)
        checkin_ids = PairIds("checkin", session_id)
        origin, version = self.origin, self.version
        veterans = []
        for member in members:
            stay = member.stay
            course = stay.course
            week = (day - stay.start).days / 7.0
            chance = course.attend
            if course.kind == "slipping" and week > course.turn:
                chance -= 0.07 * (week - course.turn)
            leaving = stay.end is not None and stay.status is not EnrollmentStatus.GRADUATED
            if leaving and (stay.last - day).days < 14:
                chance -= 0.3  # attendance thins out before someone drops out
            attended = member.seen == 0 or random_() < chance
            member.seen += 1
            note = ""
            arrived = left = None
            if attended:
                roll = random_()
                status = PRESENT if roll < 0.86 else LATE if roll < 0.95 else LEFT_EARLY
                if status == PRESENT:
                    minutes = planned
                elif status == LATE:
                    arrived = 5 * (1 + int(random_() * 9))
                    minutes = planned - arrived
                else:
                    left = minutes = planned - 15 * (1 + int(random_() * 6))
                if status != PRESENT and random_() < 0.3:
                    note = rng.choice(phrases.ATTENDANCE_NOTES[status])
            elif random_() < 0.003:
                status, minutes = UNMARKED, 0
            else:
                excused = 0.65 if course.kind in ("thriving", "steady") else 0.35
                status = EXCUSED if random_() < excused else UNEXCUSED
                minutes = default_minutes(AttendanceStatus(status), planned)
                if random_() < (0.7 if status == EXCUSED else 0.3):
                    note = rng.choice(phrases.ATTENDANCE_NOTES[status])
            rows.attendance.append(
                (attendance_ids.for_participant(member.person_text), version(), origin, 0,
                 session_id, member.person_id, status, minutes, note, arrived, left)
            )  # fmt: skip
            if not attended:
                continue
            if week >= 5:
                veterans.append(member.person_id)
            mood, craving = mood_and_craving(member, week, rng, cravings)
            if status != LATE or random_() < 0.85:  # late arrivals may miss the round
                late_by = planned - minutes if status == LATE else 0
                at = start + (late_by + 5 + int(random_() * 36)) * MINUTE
                rows.checkins.append(
                    self._checkin(checkin_ids, member, session_id, at, mood, craving)
                )
            monday = day.toordinal() - day.weekday()
            if member.goal_week != monday:
                member.goal_week = monday
                self._goals(day, start, session_id, member, week, mood)
        if len(veterans) >= 4 and random_() < 0.12:
            return rng.choice(veterans)
        return None

    def _checkin(
        self,
        ids: PairIds,
        member: Member,
        session_id: str,
        at: dt.datetime,
        mood: int,
        craving: int | None,
    ) -> Row:
        rng, banks = self.rng, self.banks
        random_ = rng.random
        feelings: tuple[str, ...]
        gains: tuple[int, ...]
        troubles: tuple[int, ...]
        if mood <= 3:
            feelings, gains, troubles = phrases.EMOTIONS_LOW, (0, 0, 1), (1, 1, 2)
        elif mood <= 6:
            feelings, gains, troubles = phrases.EMOTIONS_MID, (0, 1, 1, 2), (0, 1, 1, 2)
        else:
            feelings, gains, troubles = phrases.EMOTIONS_HIGH, (1, 1, 2), (0, 0, 1)
        roll = random_()
        words = pick(random_, feelings, 1 if roll < 0.4 else 2 if roll < 0.85 else 3, ", ")
        gained = gains[int(random_() * len(gains))]
        accomplishments = pick(random_, banks.accomplishments, gained, "; ")
        challenges = pick(random_, banks.challenges, troubles[int(random_() * len(troubles))], "; ")
        scope = GROUP
        risky = mood <= 2 or (craving is not None and craving >= 8)
        if (risky and random_() < 0.25) or random_() < 0.012:
            scope = CLINICIAN
            if random_() < 0.6:
                challenges = rng.choice(banks.private)
        rated = None if random_() < 0.015 else mood
        return (
            ids.for_participant(member.person_text), self.version(), self.origin, 0, session_id,
            member.person_id, stamp(at), rated, words, accomplishments, challenges, craving,
            scope,
        )  # fmt: skip

    def _goals(
        self,
        day: dt.date,
        start: dt.datetime,
        session_id: str,
        member: Member,
        week: float,
        mood: int,
    ) -> None:
        """The week's report-back on open goals, then the goals for the coming week."""
        rng, rows, stay = self.rng, self.rows, member.stay
        course = stay.course
        done_chance = {"thriving": 0.6, "steady": 0.45, "rollercoaster": 0.4}.get(
            course.kind, 0.15 if week > course.turn else 0.3
        )
        done_chance += 0.03 * (mood - 5)
        carried: list[OpenGoal] = []
        reviewed_at = stamp(start + rng.randint(20, 60) * MINUTE)
        for goal in member.goals:
            roll = rng.random()
            outcome = (
                DONE if roll < done_chance else PARTLY if roll < done_chance + 0.3 else NOT_DONE
            )
            barrier = ""
            if outcome != DONE and rng.random() < 0.75:
                barrier = rng.choice(phrases.BARRIERS)
            status = outcome
            if outcome != DONE and rng.random() < 0.3:
                status = GoalStatus.CARRIED_FORWARD.value
                carried.append(OpenGoal("", session_id, goal.text, goal.domain, "", goal.id))
            self._emit_goal(member, goal, status)
            rows.reviews.append(
                (random_uid(rng.getrandbits(128)), self.version(), self.origin, 0, goal.id,
                 session_id, outcome, barrier, reviewed_at)
            )  # fmt: skip
        member.goals = []
        if day >= stay.last and stay.status is EnrollmentStatus.GRADUATED:
            return  # the graduation session sets no goal for a week that will not come
        created_at = stamp(start + (self.cohort.planned_minutes - 15) * MINUTE)
        if not carried:
            for _ in range(2 if rng.random() < 0.15 else 1):
                carried.append(self._new_goal(session_id))
        for goal in carried:
            goal.id = random_uid(rng.getrandbits(128))
            goal.created_at = created_at
            member.goals.append(goal)

    def _new_goal(self, session_id: str) -> OpenGoal:
        rng, banks = self.rng, self.banks
        if rng.random() < 0.04:
            domain, text = rng.choice(list(phrases.OWN_VALUE_WORDS.items()))
        else:
            domain = rng.choices(banks.domains, banks.domain_weights)[0]
            text = rng.choice(banks.goals[domain])
        return OpenGoal("", session_id, text, domain, "", None)

    def _emit_goal(self, member: Member, goal: OpenGoal, status: str) -> None:
        self.rows.goals.append(
            (goal.id, self.version(), self.origin, 0, member.person_id, goal.session_id,
             goal.text, goal.domain, status, goal.created_at, goal.carried_from)
        )  # fmt: skip

    def _close_goals(self, member: Member) -> None:
        """Goals still open when the stay is over (or at the demo's end, if still active)."""
        open_ = member.stay.status is EnrollmentStatus.ACTIVE
        status = GoalStatus.OPEN.value if open_ else GoalStatus.DROPPED.value
        for goal in member.goals:
            self._emit_goal(member, goal, status)
        member.goals = []

"""The four CSV layouts (check-ins, attendance, goals, surveys), read through the screens' services.

Each layout is fixed: the columns below, in this order, documented in ``docs/exports.md``.
Every table opens with the two disclosure columns, filled on the rows of participants whose
records are 42 CFR Part 2 records (a stay in a substance-use or dual-diagnosis cohort) and
empty on the others: a program that reads the file sees the notice on every row it keeps,
however the rows are filtered or split. Nothing here computes a figure: minutes, statuses,
outcomes and scores are what the attendance grid, the check-in log, the goals, the profile
and the survey services return.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.services.attendance.service import AttendanceRow, AttendanceService
from app.services.checkin_log.service import CheckInLogQuery, CheckInLogService, LogSort
from app.services.cohorts import CohortRow
from app.services.enrollments import EnrollmentService
from app.services.exports.cells import Cell, moment, render
from app.services.exports.disclosure import DisclosureRequest, is_part2
from app.services.exports.notice import Part2Notice
from app.services.goals.service import GoalService
from app.services.participants import ParticipantService
from app.services.profile import ProfileService
from app.services.sessions import SessionRow, SessionService
from app.services.surveys.service import SurveyService

PAGE = 5000
GRID_WEEKS = 26  # the attendance grid's widest window


class CsvKind(enum.StrEnum):
    CHECKINS = "checkins"
    ATTENDANCE = "attendance"
    GOALS = "goals"
    SURVEYS = "surveys"

    @property
    def label(self) -> str:
        return {"checkins": "Check-ins"}.get(self.value, self.value.capitalize())


NOTICE_COLUMNS = ("disclosure_notice", "disclosure_consent")
COLUMNS: dict[CsvKind, tuple[str, ...]] = {
    CsvKind.CHECKINS: (
        "session_start", "cohort", "participant", "participant_id", "session_id",
        "checkin_id", "mood", "craving", "emotion_words", "accomplishments", "challenges",
        "share_scope",
    ),
    CsvKind.ATTENDANCE: (
        "session_start", "session_end", "cohort", "participant", "participant_id",
        "session_id", "session_status", "planned_minutes", "status", "attended",
        "minutes_attended", "arrived_minute", "left_minute", "note",
    ),
    CsvKind.GOALS: (
        "set_in_session_start", "cohort", "participant", "participant_id", "goal_id",
        "set_in_session_id", "text", "value_domain", "status", "carried_from_id",
        "report_backs", "last_outcome", "last_report_back_session_start", "last_barrier_note",
    ),
    CsvKind.SURVEYS: (
        "answered_on", "entered_at", "cohort", "participant", "participant_id", "response_id",
        "instrument", "instrument_version", "total", "band", "band_label", "subscales",
        "alerts", "answers",
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TableRow:
    """One record's cells (the layout's columns, without the disclosure columns)."""

    participant_id: uuid.UUID
    part2: bool  # from a stay in a substance-use or dual-diagnosis cohort
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class CsvTable:
    kind: CsvKind
    scope: str  # the cohort's name, or "every cohort"
    rows: tuple[TableRow, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return NOTICE_COLUMNS + COLUMNS[self.kind]

    @property
    def participants(self) -> int:
        return len({row.participant_id for row in self.rows})

    def concerned(self) -> dict[uuid.UUID, int]:
        """Participants with any Part 2 row, and how many of their rows the table holds."""
        counts = Counter(row.participant_id for row in self.rows)
        return {pid: counts[pid] for pid in {r.participant_id for r in self.rows if r.part2}}

    def render(self, notice: Part2Notice, request: DisclosureRequest | None, on: dt.date) -> bytes:
        concerned = self.concerned()
        if concerned and request is None:
            raise ValueError("a table with Part 2 rows needs its disclosure request")
        marked: tuple[Cell, Cell] = ("", "")
        if request is not None:
            marked = (notice.statement_2, consent_statement(request, on))
        return render(
            self.header,
            ((*(marked if row.participant_id in concerned else ("", "")), *row.cells)
             for row in self.rows),
        )  # fmt: skip


def consent_statement(request: DisclosureRequest, on: dt.date) -> str:
    """The §2.32(b) explanation of the consent that goes with each disclosed row."""
    disclosed = f"Disclosed on {on.isoformat()} to {request.recipient}"
    return f"{disclosed} under this consent: {request.consent}"


class CsvReader:
    """Builds each layout's rows for some cohorts, one service read at a time."""

    def __init__(
        self,
        checkin_log: CheckInLogService,
        attendance: AttendanceService,
        sessions: SessionService,
        enrollments: EnrollmentService,
        participants: ParticipantService,
        goals: GoalService,
        profiles: ProfileService,
        surveys: SurveyService,
    ) -> None:
        self._checkin_log = checkin_log
        self._attendance = attendance
        self._sessions = sessions
        self._enrollments = enrollments
        self._participants = participants
        self._goals = goals
        self._profiles = profiles
        self._surveys = surveys

    def rows(self, kind: CsvKind, cohorts: list[CohortRow]) -> tuple[TableRow, ...]:
        read = {
            CsvKind.CHECKINS: self._checkins,
            CsvKind.ATTENDANCE: self._attendance_rows,
            CsvKind.GOALS: self._goal_rows,
            CsvKind.SURVEYS: self._survey_rows,
        }[kind]
        return tuple(row for cohort in cohorts for row in read(cohort))

    def _checkins(self, cohort: CohortRow) -> Iterator[TableRow]:
        query = CheckInLogQuery(cohort_id=cohort.id, sort=LogSort.SESSION_START, descending=False)
        page = self._checkin_log.page(query, limit=PAGE)
        while True:
            for row in page.rows:
                yield TableRow(
                    row.participant_id,
                    is_part2(cohort.track),
                    (
                        row.session_start.isoformat(timespec="seconds"),  # in the cohort's zone
                        row.cohort_name, row.participant_name, str(row.participant_id),
                        str(row.session_id), str(row.id), row.mood,
                        row.craving if row.has_cravings else None, row.emotion_words,
                        row.accomplishments, row.challenges, row.share_scope.value,
                    ),
                )  # fmt: skip
            if page.cursor is None:
                return
            page = self._checkin_log.page(query, after=page.cursor, limit=PAGE)

    def _attendance_rows(self, cohort: CohortRow) -> Iterator[TableRow]:
        zone = ZoneInfo(cohort.timezone)
        sessions, marks, names = self._attendance_history(cohort)
        for session in sessions:
            start = session.scheduled_start
            end = start + dt.timedelta(minutes=session.planned_minutes)
            for mark in sorted(
                marks.get(session.id, []), key=lambda m: (names[m.participant_id], m.participant_id)
            ):
                yield TableRow(
                    mark.participant_id,
                    is_part2(cohort.track),
                    (
                        moment(start, zone), moment(end, zone), cohort.name,
                        names[mark.participant_id], str(mark.participant_id), str(session.id),
                        session.status.value, session.planned_minutes, mark.status.value,
                        "yes" if mark.status.attended else "no", mark.minutes_attended,
                        mark.arrived_minute, mark.left_minute, mark.note,
                    ),
                )  # fmt: skip

    def _attendance_history(
        self, cohort: CohortRow
    ) -> tuple[list[SessionRow], dict[uuid.UUID, list[AttendanceRow]], dict[uuid.UUID, str]]:
        """Every session and mark, read from the attendance grid in its widest windows."""
        every = self._sessions.for_cohort(cohort.id)
        sessions: dict[uuid.UUID, SessionRow] = {}
        marks: dict[uuid.UUID, list[AttendanceRow]] = {}
        names: dict[uuid.UUID, str] = {}
        if not every:
            return [], marks, names
        first, ending = every[0].local_date, every[-1].local_date
        while True:
            grid = self._attendance.grid(cohort.id, weeks=GRID_WEEKS, ending=ending)
            names.update((m.participant_id, m.display_name) for m in grid.members)
            for session in grid.sessions:
                sessions[session.id] = session
            for (session_id, _participant), mark in grid.marks.items():
                marks.setdefault(session_id, []).append(mark)
            if grid.first_day <= first:
                break
            ending = grid.first_day - dt.timedelta(days=1)
        for participant_id in {m.participant_id for found in marks.values() for m in found}:
            if participant_id not in names:  # marked, though no longer enrolled in the window
                names[participant_id] = self._participants.get(participant_id).display_name
        ordered = sorted(sessions.values(), key=lambda s: (s.scheduled_start, s.id))
        return ordered, marks, names

    def _members(self, cohort: CohortRow) -> list[tuple[uuid.UUID, str]]:
        seen: dict[uuid.UUID, str] = {}
        for stay in self._enrollments.for_cohort(cohort.id, include_ended=True):
            seen.setdefault(stay.participant_id, stay.participant_name)
        return sorted(seen.items(), key=lambda item: (item[1], item[0]))

    def _goal_rows(self, cohort: CohortRow) -> Iterator[TableRow]:
        zone = ZoneInfo(cohort.timezone)
        starts = {s.id: s.scheduled_start for s in self._sessions.for_cohort(cohort.id)}
        for participant_id, name in self._members(cohort):
            entries = {g.id: g for g in self._profiles.load(participant_id).goals}
            goals = [g for g in self._goals.for_participant(participant_id)
                     if g.set_in_session_id in starts]  # fmt: skip
            for goal in sorted(goals, key=lambda g: (g.set_on, g.id)):
                entry = entries.get(goal.id)
                reviews = entry.reviews if entry is not None else ()
                last = reviews[-1] if reviews else None
                yield TableRow(
                    participant_id,
                    is_part2(cohort.track),
                    (
                        moment(starts[goal.set_in_session_id], zone), cohort.name, name,
                        str(participant_id), str(goal.id), str(goal.set_in_session_id),
                        goal.text, goal.value_domain, goal.status.value,
                        str(goal.carried_from_id) if goal.carried_from_id else None,
                        len(reviews), last.outcome.value if last else None,
                        moment(last.at, zone) if last else None, goal.last_barrier_note,
                    ),
                )  # fmt: skip

    def _survey_rows(self, cohort: CohortRow) -> Iterator[TableRow]:
        zone = ZoneInfo(cohort.timezone)
        library = self._surveys.library
        for participant_id, name in self._members(cohort):
            responses = [
                response
                for found in self._surveys.for_participant(participant_id).values()
                for response in found
                if response.cohort_id == cohort.id
            ]
            for response in sorted(responses, key=lambda r: (r.answered_on, r.entered_at, r.id)):
                instrument = library.get(response.instrument)
                labels = instrument.band_labels if instrument is not None else {}
                yield TableRow(
                    participant_id,
                    is_part2(cohort.track),
                    (
                        response.answered_on.isoformat(), moment(response.entered_at, zone),
                        cohort.name, name, str(participant_id), str(response.id),
                        response.instrument, response.instrument_version, response.total,
                        response.band, labels.get(response.band or ""),
                        _json(dict(response.subscales)), _json(list(response.alerts)),
                        _json(dict(response.answers)),
                    ),
                )  # fmt: skip


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

"""The side form that records or edits one check-in, with each refusal shown beside its field."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from app.services.changes import Changes
from app.services.checkin_log.service import CheckInLogRow, CheckInLogService
from app.services.checkins import CheckInDraft, CheckInRow, CheckInService
from app.services.enrollments import EnrollmentRow, EnrollmentService
from app.services.errors import InvalidInput
from app.services.sessions import SessionRow, SessionService
from app.tasks import TaskRunner
from models import SessionStatus
from views.checkins.checkin_form_fields import CheckInFields
from views.checkins.checkin_log_filters import index_of
from views.errors import user_message


@dataclass(frozen=True, slots=True)
class FormCohort:
    """What the form needs to know about the cohort whose check-ins it records."""

    id: uuid.UUID
    name: str
    has_cravings: bool
    timezone: str

    @classmethod
    def of_row(cls, row: CheckInLogRow) -> FormCohort:
        zone = getattr(row.session_start.tzinfo, "key", "UTC")
        return cls(row.cohort_id, row.cohort_name, row.has_cravings, zone)


@dataclass(frozen=True, slots=True)
class Saved:
    """A check-in the form stored, with what it replaced (None: it was new)."""

    row: CheckInRow
    draft: CheckInDraft
    previous: CheckInDraft | None


@dataclass(frozen=True, slots=True)
class _Roster:
    cohort: FormCohort
    sessions: list[SessionRow]
    members: list[EnrollmentRow]


def session_label(session: SessionRow, zone_start: dt.datetime) -> str:
    topic = f" · {session.topic}" if session.topic else ""
    state = "" if session.status is SessionStatus.HELD else f" ({session.status.value})"
    return f"{zone_start:%a} {zone_start.day} {zone_start:%b %Y}, {zone_start:%H:%M}{topic}{state}"


class CheckInForm(CheckInFields):
    """Records a check-in for a session and person of one cohort, or edits an existing one.

    ``set_cohort(cohort)`` loads the cohort's sessions and members (through the task runner);
    ``edit(row)`` fills the form from a log row. Choosing a person who already checked in
    at the chosen session loads what they said (saving then edits it). ``saved(Saved)`` is
    emitted after the service stored the check-in; a refusal (``InvalidInput``) is shown
    beside the field it names, that field gets the focus, and nothing is stored.
    ``follow_changes(changes)`` keeps the lists of sessions and people and the marks of who
    has checked in true to the vault, without touching what is being typed.
    """

    saved = Signal(object)

    def __init__(
        self,
        checkins: CheckInService,
        log: CheckInLogService,
        sessions: SessionService,
        enrollments: EnrollmentService,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("checkinForm")
        self._checkins, self._log = checkins, log
        self._sessions_service, self._enrollments = sessions, enrollments
        self._tasks = tasks
        self.cohort: FormCohort | None = None
        self._sessions: list[SessionRow] = []
        self._members: list[EnrollmentRow] = []
        self._existing: dict[uuid.UUID, CheckInRow] = {}  # at the chosen session, by person
        self._editing: CheckInDraft | None = None
        self._pending_edit: CheckInLogRow | None = None
        self._loading = False
        self.save_button.clicked.connect(self.submit)
        self.new_button.clicked.connect(self.start_new)
        self.session.currentIndexChanged.connect(self._on_session_changed)
        self.participant.currentIndexChanged.connect(self._on_participant_changed)

    # -- the cohort, its sessions and people ---------------------------------------------------

    def set_cohort(self, cohort: FormCohort | None) -> None:
        if cohort == self.cohort and cohort is not None:
            return
        self.cohort = cohort
        self._clear_messages()
        self._sessions, self._members, self._existing = [], [], {}
        self.session.clear()
        self.participant.clear()
        self._show_cravings(cohort is not None and cohort.has_cravings)
        if cohort is None:  # nobody's words stay behind
            self._pending_edit = None
            self._clear_fields()
            self.sparkline.set_moods(())
            self.note.setText("Choose a cohort to record its check-ins.")
            self._set_enabled(False)
            return
        self.note.setText(f"Loading {cohort.name}’s sessions…")
        self._set_enabled(False)
        self._loading = True
        self._load_roster(cohort, self._on_roster)

    def _load_roster(self, cohort: FormCohort, then: Callable[[_Roster], None]) -> None:
        sessions, enrollments = self._sessions_service, self._enrollments

        def load() -> _Roster:
            found = sessions.for_cohort(cohort.id)
            members = enrollments.for_cohort(cohort.id, include_ended=True)
            return _Roster(cohort, found, members)

        self._tasks.submit(
            load, on_success=then, on_failure=self._on_failed,
            key=f"checkin-form-roster-{id(self)}", owner=self, name="check-in form roster",
        )  # fmt: skip

    def follow_changes(self, changes: Changes) -> None:
        """Another window changed the vault: the lists and marks follow; the fields stay."""
        cohort = self.cohort
        if cohort is None or self._loading or not changes.touches_cohort(cohort.id):
            return
        if changes.touches("group_session", "enrollment", "participant", "cohort"):
            self._load_roster(cohort, self._on_roster_changed)
        elif changes.touches("checkin"):
            self._refresh_marks()

    def _on_roster_changed(self, roster: _Roster) -> None:
        """New lists of sessions and people, with the same session and person chosen."""
        if roster.cohort != self.cohort:
            return
        session = self.current_session
        if session is None or session.id not in {s.id for s in roster.sessions}:
            self.session.blockSignals(True)
            self.session.clear()
            self.session.blockSignals(False)
            self._on_roster(roster)  # what was chosen is gone: choose afresh
            return
        zone = ZoneInfo(roster.cohort.timezone)
        self._sessions = sorted(roster.sessions, key=lambda s: s.scheduled_start, reverse=True)
        self._members = roster.members
        self.session.blockSignals(True)
        self.session.clear()
        for row in self._sessions:
            self.session.addItem(session_label(row, row.scheduled_start.astimezone(zone)), row.id)
        self.session.setCurrentIndex(index_of(self.session, session.id))
        self.session.blockSignals(False)
        self._fill_people(self.current_session)  # the same person stays chosen
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        """Read again who has checked in at the chosen session (the marks beside names)."""
        session = self.current_session
        if session is None:
            return
        checkins = self._checkins
        self._tasks.submit(
            lambda: (session.id, checkins.for_session(session.id)),
            on_success=self._show_marks, on_failure=self._on_failed,
            key=f"checkin-form-session-{id(self)}", owner=self, name="check-ins of a session",
        )  # fmt: skip

    def _on_roster(self, roster: _Roster) -> None:
        if roster.cohort != self.cohort:
            return
        self._loading = False
        now = dt.datetime.now(dt.UTC)
        self._sessions = sorted(roster.sessions, key=lambda s: s.scheduled_start, reverse=True)
        self._members = roster.members
        zone = ZoneInfo(roster.cohort.timezone)
        self.session.blockSignals(True)
        for session in self._sessions:
            local = session.scheduled_start.astimezone(zone)
            self.session.addItem(session_label(session, local), session.id)
        # Today's session (in the cohort's zone), else the last one begun, else the next.
        today = now.astimezone(zone).date()
        todays = [i for i, s in enumerate(self._sessions) if s.local_date == today]
        begun = [i for i, s in enumerate(self._sessions) if s.scheduled_start <= now]
        chosen = (todays or begun or [len(self._sessions) - 1])[-1 if todays else 0]
        if self._pending_edit is not None:
            found = index_of(self.session, self._pending_edit.session_id)
            chosen = found if found >= 0 else chosen
        self.session.setCurrentIndex(chosen)
        self.session.blockSignals(False)
        if not self._sessions:
            self.note.setText(
                f"{roster.cohort.name} has no sessions yet. Check-ins are recorded in a "
                "session, so schedule its sessions first."
            )
            return
        self.note.setText(f"Check-ins of {roster.cohort.name}.")
        self._set_enabled(True)
        self._on_session_changed()

    def _on_session_changed(self, _index: int = -1) -> None:
        session = self.current_session
        self._existing = {}
        self._fill_people(session)
        if session is None:
            return
        checkins = self._checkins
        self._tasks.submit(
            lambda: (session.id, checkins.for_session(session.id)),
            on_success=self._on_session_checkins, on_failure=self._on_failed,
            key=f"checkin-form-session-{id(self)}", owner=self, name="check-ins of a session",
        )  # fmt: skip

    def _fill_people(self, session: SessionRow | None) -> None:
        wanted = self._pending_edit.participant_id if self._pending_edit else self.current_person
        self.participant.blockSignals(True)
        self.participant.clear()
        if session is not None:
            day = session.local_date
            present = [
                m for m in self._members
                if m.start_date <= day and (m.end_date is None or m.end_date >= day)
            ]  # fmt: skip
            seen: set[uuid.UUID] = set()
            for member in sorted(present, key=lambda m: m.participant_name.casefold()):
                if member.participant_id not in seen:
                    seen.add(member.participant_id)
                    self.participant.addItem(member.participant_name, member.participant_id)
        self.participant.setPlaceholderText("Nobody enrolled that day")
        found = index_of(self.participant, wanted)
        self.participant.setCurrentIndex(
            found if found >= 0 else min(0, self.participant.count() - 1)
        )
        self.participant.blockSignals(False)

    def _show_marks(self, found: tuple[uuid.UUID, list[CheckInRow]]) -> bool:
        """A ✓ beside each person who has checked in; False if another session is chosen."""
        session_id, rows = found
        if self.current_session is None or self.current_session.id != session_id:
            return False
        self._existing = {row.participant_id: row for row in rows}
        for i in range(self.participant.count()):
            person = self.participant.itemData(i)
            done = person in self._existing
            name = self.participant.itemText(i).removesuffix(" ✓")
            self.participant.setItemText(i, f"{name} ✓" if done else name)
        return True

    def _on_session_checkins(self, found: tuple[uuid.UUID, list[CheckInRow]]) -> None:
        if not self._show_marks(found):
            return
        if self._pending_edit is None and self._editing is None:
            self._choose_next_person()  # a new check-in: the first who has not checked in
        self._on_participant_changed()

    def _choose_next_person(self) -> None:
        """The first person, in list order, with no check-in at the chosen session yet."""
        if self.current_person not in self._existing:
            return
        waiting = [
            i for i in range(self.participant.count())
            if self.participant.itemData(i) not in self._existing
        ]  # fmt: skip
        if waiting:
            self.participant.blockSignals(True)
            self.participant.setCurrentIndex(waiting[0])
            self.participant.blockSignals(False)

    def _on_participant_changed(self, _index: int = -1) -> None:
        person = self.current_person
        pending, self._pending_edit = self._pending_edit, None
        existing = self._existing.get(person) if person is not None else None
        if pending is not None and pending.participant_id == person:
            self._load(pending.draft(), pending.participant_name)
        elif existing is not None:
            self._load(_draft(existing), existing.participant_name)
        elif self._editing is not None:
            self._clear_fields()
        self._refresh_trend(person)

    def _refresh_trend(self, person: uuid.UUID | None) -> None:
        if person is None:
            self.sparkline.set_moods(())
            return
        log = self._log
        self._tasks.submit(
            lambda: (person, log.trends([person]).get(person)),
            on_success=self._on_trend, key=f"checkin-form-trend-{id(self)}", owner=self,
            name="a person's mood trend",
        )  # fmt: skip

    def _on_trend(self, found: tuple[uuid.UUID, object]) -> None:
        person, trend = found
        if person == self.current_person:
            moods = getattr(trend, "moods", ())
            self.sparkline.set_moods(moods[-12:])

    @property
    def current_session(self) -> SessionRow | None:
        index = self.session.currentIndex()
        return self._sessions[index] if 0 <= index < len(self._sessions) else None

    @property
    def current_person(self) -> uuid.UUID | None:
        value = self.participant.currentData()
        return value if isinstance(value, uuid.UUID) else None

    # -- filling and reading --------------------------------------------------------------

    def edit(self, row: CheckInLogRow) -> None:
        """Fill the form with ``row`` (loading its cohort first when it is another one)."""
        self._pending_edit = row
        cohort = FormCohort.of_row(row)
        if cohort.id != (self.cohort.id if self.cohort else None):
            self.set_cohort(cohort)  # the edit is applied once the roster is in
            return
        if self._loading:
            return  # the roster on its way applies it
        index = index_of(self.session, row.session_id)
        if index >= 0 and index != self.session.currentIndex():
            self.session.setCurrentIndex(index)  # loads people, then applies the edit
        else:
            self._fill_people(self.current_session)
            self._on_participant_changed()
        self.mood.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load(self, draft: CheckInDraft, name: str) -> None:
        self._editing = draft
        self.load(draft, name)

    def start_new(self) -> None:
        """Empty fields for the next person who has not checked in (same session)."""
        self._clear_fields()
        previous = self.current_person
        self._choose_next_person()
        if self.current_person != previous:
            self._refresh_trend(self.current_person)
        self.mood.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_fields(self) -> None:
        self._editing = None
        self.clear_fields()

    # -- saving ---------------------------------------------------------------------------

    def submit(self) -> None:
        self._clear_messages()
        session, person = self.current_session, self.current_person
        if session is None:
            self._refuse("session", "Choose the session this check-in belongs to.")
            return
        if person is None:
            self._refuse("participant", "Choose who is checking in.")
            return
        draft = self.draft()
        existing = self._existing.get(person)
        previous = _draft(existing) if existing is not None else None
        self.save_button.setEnabled(False)
        checkins = self._checkins
        self._tasks.submit(
            lambda: checkins.record(session.id, person, draft),
            on_success=lambda row: self._on_saved(Saved(row, draft, previous)),
            on_failure=self._on_refused, owner=self, name="save check-in",
        )  # fmt: skip

    def _on_saved(self, saved: Saved) -> None:
        self.save_button.setEnabled(True)
        row = saved.row
        self._existing[row.participant_id] = row
        index = index_of(self.participant, row.participant_id)
        if index >= 0:
            name = self.participant.itemText(index).removesuffix(" ✓")
            self.participant.setItemText(index, f"{name} ✓")
        self._load(saved.draft, row.participant_name)
        self._refresh_trend(row.participant_id)
        self.saved.emit(saved)

    def _on_refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, InvalidInput) and error.field in self.messages:
            self._refuse(error.field, error.message)
        else:
            self.general_message.show_message(user_message(error))

    def _on_failed(self, error: Exception) -> None:
        self.general_message.show_message(user_message(error))

    def refresh_session(self) -> None:
        """Read who has checked in at the chosen session again (after an undo)."""
        self._on_session_changed()


def _draft(row: CheckInRow) -> CheckInDraft:
    return CheckInDraft(
        mood=row.mood,
        emotion_words=row.emotion_words,
        accomplishments=row.accomplishments,
        challenges=row.challenges,
        craving=row.craving,
        share_scope=row.share_scope,
    )

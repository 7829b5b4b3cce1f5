"""The side form that records or edits one check-in, with each refusal shown beside its field."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.checkin_log import CheckInLogRow
from app.services.checkins import CheckInDraft, CheckInRow
from app.services.container import Services
from app.services.enrollments import EnrollmentRow
from app.services.errors import InvalidInput
from app.services.sessions import SessionRow
from app.tasks import TaskRunner
from models import SessionStatus, ShareScope
from views.checkin_log_filters import index_of
from views.checkin_sparkline import MoodSparkline
from views.errors import user_message
from views.field_message import FieldMessage
from views.heading import heading_label, note_label

NOT_GIVEN = -1  # the spin boxes' "not given" value, shown as its special text
SCOPES = (("Shared with the group", ShareScope.GROUP), ("Clinician only", ShareScope.CLINICIAN))
FIELDS = (
    "session", "participant", "mood", "emotion_words", "accomplishments", "challenges",
    "craving", "share_scope",
)  # fmt: skip


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


class CheckInForm(QWidget):
    """Records a check-in for a session and person of one cohort, or edits an existing one.

    ``set_cohort(cohort)`` loads the cohort's sessions and members (through the task runner);
    ``edit(row)`` fills the form from a log row. Choosing a person who already checked in
    at the chosen session loads what they said (saving then edits it). ``saved(Saved)`` is
    emitted after the service stored the check-in; a refusal (``InvalidInput``) is shown
    beside the field it names, that field gets the focus, and nothing is stored.
    """

    saved = Signal(object)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("checkinForm")
        self._services = services
        self._tasks = tasks
        self.cohort: FormCohort | None = None
        self._sessions: list[SessionRow] = []
        self._members: list[EnrollmentRow] = []
        self._existing: dict[uuid.UUID, CheckInRow] = {}  # at the chosen session, by person
        self._editing: CheckInDraft | None = None
        self._pending_edit: CheckInLogRow | None = None
        self._loading = False
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}

        self.heading = heading_label("Record a check-in", self, scale=1.15)
        self.note = note_label("Choose a cohort to record its check-ins.", self)
        self.session = QComboBox(self)
        self.participant = QComboBox(self)
        for combo in (self.session, self.participant):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.mood = self._score_box("Mood")
        self.sparkline = MoodSparkline(self)
        self.sparkline.setAccessibleName("Recent moods")
        self.emotion_words = QLineEdit(self)
        self.emotion_words.setMaxLength(200)
        self.emotion_words.setPlaceholderText("e.g. tired, hopeful")
        self.accomplishments = QPlainTextEdit(self)
        self.challenges = QPlainTextEdit(self)
        for box in (self.accomplishments, self.challenges):
            box.setTabChangesFocus(True)  # Tab moves on, as in every other field
            box.setMaximumHeight(72)
        self.craving = self._score_box("Craving")
        self.share_scope = QComboBox(self)
        for label, scope in SCOPES:
            self.share_scope.addItem(label, scope)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._row(form, "&Session:", "session", self.session, "Session")
        self._row(form, "&Person:", "participant", self.participant, "Participant")
        mood_row = QWidget(self)
        mood_layout = QHBoxLayout(mood_row)
        mood_layout.setContentsMargins(0, 0, 0, 0)
        mood_layout.addWidget(self.mood)
        mood_layout.addWidget(self.sparkline, 1)
        self._row(form, "&Mood (0–10):", "mood", mood_row, "Mood, 0 to 10", focus=self.mood)
        self._row(form, "&Feelings:", "emotion_words", self.emotion_words, "Emotion words")
        self._row(form, "&Wins:", "accomplishments", self.accomplishments, "Accomplishments")
        self._row(form, "C&hallenges:", "challenges", self.challenges, "Challenges")
        self.craving_label = self._row(
            form, "C&raving (0–10):", "craving", self.craving, "Craving, 0 to 10"
        )
        self._row(form, "Shared &with:", "share_scope", self.share_scope, "Shared with")

        self.general_message = FieldMessage(None, self)
        self.save_button = QPushButton("&Save check-in", self)
        self.save_button.setAccessibleName("Save check-in")
        self.save_button.setToolTip("Save this check-in (Ctrl+S)")
        self.new_button = QPushButton("&New", self)
        self.new_button.setAccessibleName("New check-in")
        self.new_button.setToolTip("Clear the form for another person")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.save_button.clicked.connect(self.submit)
        self.new_button.clicked.connect(self.start_new)
        self.session.currentIndexChanged.connect(self._on_session_changed)
        self.participant.currentIndexChanged.connect(self._on_participant_changed)
        self._set_enabled(False)

    # -- building --------------------------------------------------------------------------

    def _score_box(self, name: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(NOT_GIVEN, 10)
        box.setSpecialValueText("Not given")
        box.setValue(NOT_GIVEN)
        box.setMinimumWidth(112)
        box.setObjectName(name.lower())
        return box

    def _row(
        self,
        form: QFormLayout,
        text: str,
        key: str,
        field: QWidget,
        name: str,
        *,
        focus: QWidget | None = None,
    ) -> QLabel:
        target = focus or field
        label = QLabel(text, self)
        label.setBuddy(target)
        target.setAccessibleName(name)
        message = FieldMessage(target, self)
        message.setObjectName(f"{key}Message")
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(field)
        cell_layout.addWidget(message)
        form.addRow(label, cell)
        self.fields[key] = target
        self.messages[key] = message
        self._cells = getattr(self, "_cells", {})
        self._cells[key] = cell
        return label

    def focus_chain(self) -> list[QWidget]:
        """The form's controls in the order the eye reads them (for the page's tab order)."""
        return [
            self.session, self.participant, self.mood, self.emotion_words, self.accomplishments,
            self.challenges, self.craving, self.share_scope, self.new_button, self.save_button,
        ]  # fmt: skip

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
        if cohort is None:
            self.note.setText("Choose a cohort to record its check-ins.")
            self._set_enabled(False)
            return
        self.note.setText(f"Loading {cohort.name}’s sessions…")
        self._set_enabled(False)
        self._loading = True
        services = self._services

        def load() -> _Roster:
            sessions = services.sessions.for_cohort(cohort.id)
            members = services.enrollments.for_cohort(cohort.id, include_ended=True)
            return _Roster(cohort, sessions, members)

        self._tasks.submit(
            load, on_success=self._on_roster, on_failure=self._on_failed,
            key=f"checkin-form-roster-{id(self)}", owner=self, name="check-in form roster",
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
        # The session under way or most recently begun; else the first to come.
        begun = [i for i, s in enumerate(self._sessions) if s.scheduled_start <= now]
        chosen = begun[0] if begun else len(self._sessions) - 1
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
        checkins = self._services.checkins
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

    def _on_session_checkins(self, found: tuple[uuid.UUID, list[CheckInRow]]) -> None:
        session_id, rows = found
        if self.current_session is None or self.current_session.id != session_id:
            return
        self._existing = {row.participant_id: row for row in rows}
        for i in range(self.participant.count()):
            person = self.participant.itemData(i)
            done = person in self._existing
            name = self.participant.itemText(i).removesuffix(" ✓")
            self.participant.setItemText(i, f"{name} ✓" if done else name)
        self._on_participant_changed()

    def _on_participant_changed(self, _index: int = -1) -> None:
        person = self.current_person
        pending, self._pending_edit = self._pending_edit, None
        existing = self._existing.get(person) if person is not None else None
        if pending is not None and pending.participant_id == person:
            self._load(pending.draft(), pending.participant_name)
        elif existing is not None:
            self._load(_draft(existing), existing.participant_name)
        elif self._editing is not None:
            self.start_new()
        self._refresh_trend(person)

    def _refresh_trend(self, person: uuid.UUID | None) -> None:
        if person is None:
            self.sparkline.set_moods(())
            return
        log = self._services.checkin_log
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
        self._clear_messages()
        self._editing = draft
        self.heading.setText(f"Edit {name}’s check-in")
        self.mood.setValue(NOT_GIVEN if draft.mood is None else draft.mood)
        self.emotion_words.setText(draft.emotion_words)
        self.accomplishments.setPlainText(draft.accomplishments)
        self.challenges.setPlainText(draft.challenges)
        self.craving.setValue(NOT_GIVEN if draft.craving is None else draft.craving)
        self.share_scope.setCurrentIndex(self.share_scope.findData(draft.share_scope))

    def start_new(self) -> None:
        """Empty fields for another person's check-in (the session stays chosen)."""
        self._clear_messages()
        self._editing = None
        self.heading.setText("Record a check-in")
        self.mood.setValue(NOT_GIVEN)
        self.emotion_words.clear()
        self.accomplishments.clear()
        self.challenges.clear()
        self.craving.setValue(NOT_GIVEN)
        self.share_scope.setCurrentIndex(0)

    def draft(self) -> CheckInDraft:
        mood, craving = self.mood.value(), self.craving.value()
        return CheckInDraft(
            mood=None if mood == NOT_GIVEN else mood,
            emotion_words=self.emotion_words.text(),
            accomplishments=self.accomplishments.toPlainText(),
            challenges=self.challenges.toPlainText(),
            craving=None if craving == NOT_GIVEN or not self.craving.isVisible() else craving,
            share_scope=self.share_scope.currentData(),
        )

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
        checkins = self._services.checkins
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

    def _refuse(self, field: str, message: str) -> None:
        self.messages[field].show_message(message)
        self.fields[field].setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_failed(self, error: Exception) -> None:
        self.general_message.show_message(user_message(error))

    def _clear_messages(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.general_message.clear_message()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self.focus_chain():
            widget.setEnabled(enabled)
        self.sparkline.setEnabled(enabled)

    def _show_cravings(self, shown: bool) -> None:
        self.craving_label.setVisible(shown)
        self._cells["craving"].setVisible(shown)

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

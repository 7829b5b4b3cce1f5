"""The profile window: every section, changes when data does, clinician-only content kept apart."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.checkins import CheckInDraft
from app.services.cohorts import CohortDraft
from app.services.container import Services
from app.services.participants import ParticipantDraft
from app.tasks import TaskRunner
from models import AttendanceStatus, EnrollmentStatus, ReviewOutcome, ShareScope, Track
from tests.gui.conftest import unnamed_controls
from tests.gui.desk_pages import profile_window
from views.profile.profile_models import CLINICIAN_ONLY, TimelineColumn
from views.profile.profile_window import ProfileWindow

NOTES = "NOTES-MARKER: safety plan reviewed with prescriber"
PRIVATE = "PRIVATE-MARKER: a lapse on Saturday"
REASON = "REASON-MARKER"
WAIT = 10_000


@dataclass
class Person:
    id: uuid.UUID
    session_ids: list[uuid.UUID]


def make_person(services: Services, *, track: Track = Track.DUAL_DIAGNOSIS) -> Person:
    s = services
    cohort = s.cohorts.create(CohortDraft(name=f"Evening {track.value}", track=track))
    person = s.participants.create(ParticipantDraft("Ana R.", "she/her", dt.date(2025, 12, 1)))
    s.participants.set_clinician_notes(person.id, NOTES)
    s.enrollments.enroll(person.id, cohort.id, start_date=dt.date(2026, 2, 2))
    sessions = s.sessions.schedule_weeks(cohort.id, dt.date(2026, 2, 2), 2)
    craving = track.has_cravings
    for number, session in enumerate(sessions[:4]):
        status = AttendanceStatus.UNEXCUSED if number == 2 else AttendanceStatus.PRESENT
        s.attendance.mark(session.id, person.id, status)
        if status.attended:
            draft = CheckInDraft(mood=4 + number, craving=(6 - number) if craving else None)
            s.checkins.record(session.id, person.id, draft)
    s.checkins.record(
        sessions[4].id,
        person.id,
        CheckInDraft(mood=3, challenges=PRIVATE, share_scope=ShareScope.CLINICIAN),
    )
    walk = s.goals.set_goal(person.id, sessions[0].id, "Walk twice", "health")
    s.goals.set_goal(person.id, sessions[0].id, "Call my sister", "family")
    s.goals.review(walk.id, sessions[1].id, ReviewOutcome.DONE, barrier_note="")
    return Person(person.id, [x.id for x in sessions])


@pytest.fixture
def person(services: Services) -> Person:
    return make_person(services)


def open_window(
    qtbot: QtBot, services: Services, tasks: TaskRunner, person_id: uuid.UUID
) -> ProfileWindow:
    window = profile_window(services, tasks, person_id)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.show()
    return window


def texts_under(root: QWidget, skip: QWidget | None = None) -> list[str]:
    """Every piece of text a widget tree shows or announces, item views' cells included."""
    found = [
        root.windowTitle(),
        root.toolTip(),
        root.accessibleName(),
        root.accessibleDescription(),
    ]
    for widget in root.findChildren(QWidget):
        if skip is not None and (widget is skip or skip.isAncestorOf(widget)):
            continue
        found += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            found.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            found.append(widget.toPlainText())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found += cells(widget.model())
    return found


def cells(model: QAbstractItemModel) -> list[str]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    return [
        str(model.index(row, column).data(role))
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        for role in roles
    ]


def test_every_section_shows(
    qtbot: QtBot, services: Services, tasks: TaskRunner, person: Person, qtmodeltester: object
) -> None:
    window = open_window(qtbot, services, tasks, person.id)
    assert window.windowTitle() == "Ana R. — profile — Circlekeeper"
    assert window.name.text() == "Ana R.  (she/her)"
    assert "Active in Evening dual_diagnosis since 2 Feb 2026" in window.details.text()
    assert "In recovery since 1 Dec 2025" in window.details.text()
    assert "Attended 3 of 4 sessions" in window.details.text()
    assert window.mood.has_content and window.mood.with_craving
    assert "craving dashed" in window.mood_panel.note.text()
    assert window.heat_map.has_content and len(window.heat_map.days) == 4
    assert {d.domain: d.done for d in window.domains.rows} == {"health": 1, "family": 0}
    timeline = window.timeline
    assert timeline.rowCount() == len(window.profile.timeline) > 10  # type: ignore[union-attr]
    private = [r for r in range(timeline.rowCount()) if timeline.rows[r].clinician_only]
    assert len(private) == 1
    marked = timeline.index(private[0], TimelineColumn.SHARED)
    assert marked.data() == CLINICIAN_ONLY
    assert marked.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert window.clinician.notes.toPlainText() == NOTES
    assert "1 check-in was shared with clinicians only" in window.clinician.private_checkins.text()
    assert unnamed_controls(window) == []
    for model in (window.timeline, window.timeline_proxy, window.domains):
        qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_profile_changes_when_the_data_does(
    qtbot: QtBot, services: Services, tasks: TaskRunner, person: Person
) -> None:
    window = open_window(qtbot, services, tasks, person.id)
    before = window.timeline.rowCount()
    moods = len(window.mood.points)
    services.checkins.record(person.session_ids[5], person.id, CheckInDraft(mood=9, craving=1))
    services.goals.set_goal(person.id, person.session_ids[5], "Paint", "creativity")
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        QTest.keySequence(window, "F5")  # Refresh; coming back to the window does the same
    assert window.timeline.rowCount() == before + 2
    assert len(window.mood.points) == moods + 1
    assert "creativity" in [d.domain for d in window.domains.rows]


def test_clinician_only_content_never_reaches_a_group_visible_widget(
    qtbot: QtBot, services: Services, tasks: TaskRunner, person: Person
) -> None:
    stay = services.enrollments.for_participant(person.id)[0]
    services.enrollments.end(stay.id, EnrollmentStatus.DISCHARGED, reason=REASON)
    window = open_window(qtbot, services, tasks, person.id)
    panel = window.clinician
    shared = "\n".join(texts_under(window, skip=panel))
    assert "NOTES-MARKER" not in shared
    assert REASON not in shared
    # The same walk does find them in the clinician panel (so the check can fail).
    apart = "\n".join(texts_under(panel))
    assert "NOTES-MARKER" in apart and REASON in apart
    # A clinician-only check-in is in the timeline only with its mark; hiding removes it.
    assert PRIVATE in shared
    window.hide_button.click()
    assert not panel.isVisibleTo(window)
    visible = [t for t in cells(window.timeline_proxy) if PRIVATE in t or t == CLINICIAN_ONLY]
    assert visible == []
    window.hide_button.click()
    assert panel.isVisibleTo(window)


def test_clinician_notes_are_saved_and_unsaved_ones_are_kept_on_close(
    qtbot: QtBot, services: Services, tasks: TaskRunner, person: Person
) -> None:
    window = open_window(qtbot, services, tasks, person.id)
    notes = window.clinician.notes
    assert not window.clinician.save_button.isEnabled()
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    QTest.keyClicks(notes, " Next review in May.")
    assert window.clinician.state.text() == "Unsaved changes"
    with qtbot.waitSignal(window.clinician.saved, timeout=WAIT):
        window.clinician.save_button.click()
    assert services.participants.clinician_notes(person.id) == f"{NOTES} Next review in May."
    QTest.keyClicks(notes, " Call on Friday.")
    with qtbot.waitSignal(window.closed, timeout=WAIT):
        window.close()  # waits for the save, then closes
    assert services.participants.clinician_notes(person.id).endswith("Call on Friday.")


def test_no_craving_line_for_a_mental_health_group_and_honest_empty_charts(
    qtbot: QtBot, services: Services, tasks: TaskRunner
) -> None:
    person = make_person(services, track=Track.MENTAL_HEALTH)
    window = open_window(qtbot, services, tasks, person.id)
    assert window.mood.has_content and not window.mood.with_craving
    newcomer = services.participants.create(ParticipantDraft("Bo"))
    empty = open_window(qtbot, services, tasks, newcomer.id)
    assert not empty.mood.has_content and not empty.heat_map.has_content
    assert empty.details.text() == "Not enrolled in any cohort."
    assert empty.domains.rowCount() == 0

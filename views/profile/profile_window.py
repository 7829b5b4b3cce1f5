"""A participant's profile in a window of its own: timeline, charts, goals, clinician-only notes."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import ROUND_PROGRESS, Changes
from app.services.profile import ParticipantProfile
from app.services.profile_timeline import ProfileEvent, TimelineKind
from app.tasks import TaskRunner
from views.charts.calendar_heat_map import CalendarHeatMapChart
from views.charts.chart import warm_up
from views.charts.chart_panel import ChartPanel
from views.errors import user_message
from views.heading import heading_label, note_label
from views.profile.profile_charts import MoodChart, attendance_days
from views.profile.profile_clinician_panel import ClinicianPanel
from views.profile.profile_models import (
    CLINICIAN_ONLY,
    DomainTableModel,
    GroupSafeTimeline,
    TimelineColumn,
    TimelineTableModel,
)
from views.roster.roster_table_model import STATUS_TEXT, short_date
from views.tables import place_of, return_to

if TYPE_CHECKING:
    from app.services.participants import ParticipantService
    from app.services.profile import ProfileService

TITLE_SUFFIX = "profile — Circlekeeper"


def stay_text(profile: ParticipantProfile) -> str:
    stay = profile.current_stay
    if stay is None:
        return "Not enrolled in any cohort."
    status = STATUS_TEXT[stay.status]
    if stay.end_date is None:
        where = f"{status} in {stay.cohort_name} since {short_date(stay.start_date)}"
    else:
        span = f"{short_date(stay.start_date)} – {short_date(stay.end_date)}"
        where = f"{status} from {stay.cohort_name} ({span})"
    earlier = len(profile.stays) - 1
    return where + (f" · {earlier} earlier stay{'s' if earlier != 1 else ''}" if earlier else "")


def goals_text(profile: ParticipantProfile) -> str:
    """Goal completion over every goal reported back on: "Goals: 3 done, 1 partly, of 5 (70 %)"."""
    done = profile.completion
    if done.rate is None:
        return ""
    return f"Goals: {done.text} ({round(done.rate * 100)} %)"


def recovery_text(profile: ParticipantProfile, today: dt.date) -> str:
    if profile.recovery_start is None:
        return ""
    days = (today - profile.recovery_start).days
    return f"In recovery since {short_date(profile.recovery_start)} ({days:,} days)"


log = logging.getLogger(__name__)


class ProfileWindow(QWidget):
    """One participant's profile; loads through the task runner and again on ``reload()``.

    What the group shared (charts, goals, the timeline) fills the left and the top right;
    clinician-only notes sit in their own tinted panel, and clinician-only check-ins are
    tinted and labelled in the timeline. "Hide clinician-only" (Ctrl+Shift+H) takes both
    off the screen, e.g. while sharing it. ``loaded`` is emitted after each load is shown;
    ``closed(participant_id)`` when the window closes (unsaved notes are saved first). It
    reloads whenever a change announced on the change bus concerns the person (or a cohort
    they stayed in), wherever it was made, keeping the timeline where it was.
    """

    loaded = Signal()
    closed = Signal(object)  # the participant's id

    def __init__(
        self,
        profiles: ProfileService,
        participants: ParticipantService,
        tasks: TaskRunner,
        participant_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("profileWindow")
        self.setWindowTitle(f"Loading… — {TITLE_SUFFIX}")
        self.setAccessibleName("Participant profile")
        self._profiles = profiles
        self._tasks = tasks
        self.participant_id = participant_id
        self.profile: ParticipantProfile | None = None
        self._closing = False

        self.name = heading_label("Loading…", self, scale=1.5)
        self.name.setObjectName("profileName")
        self.details = note_label("", self)
        self.details.setObjectName("profileDetails")
        self.hide_button = QPushButton("&Hide clinician-only", self)
        self.hide_button.setCheckable(True)
        self.hide_button.setAccessibleName("Hide clinician-only content")
        self.hide_button.setToolTip(
            "Hide notes and clinician-only check-ins, e.g. while screen sharing (Ctrl+Shift+H)"
        )
        self.hide_button.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.hide_button.toggled.connect(self.set_hide_clinician_only)
        self.close_button = QPushButton("&Close", self)
        self.close_button.setAccessibleName("Close profile")
        self.close_button.clicked.connect(self.close)

        self.mood = MoodChart(self)
        self.mood_panel = ChartPanel(
            "Mood and craving", self.mood, self, note="At each check-in, 0 to 10"
        )
        self.heat_map = CalendarHeatMapChart(
            "Attendance", self, empty_text="No session", compact=True
        )
        self.heat_map.setMinimumHeight(130)
        self.heat_panel = ChartPanel(
            "Attendance", self.heat_map, self, note="Share of each session attended"
        )
        self.heat_panel.setMaximumHeight(250)  # square cells: more height would stay empty
        self.domains = DomainTableModel(self)
        self.domain_view = self._table(self.domains, "Goals by value")
        self.domain_view.setMinimumHeight(120)
        compact = self.domain_view.fontMetrics().height() + 8  # a short table: every value shows
        self.domain_view.verticalHeader().setDefaultSectionSize(compact)
        self.domain_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.timeline = TimelineTableModel(self)
        self.timeline_proxy = GroupSafeTimeline(self)
        self.timeline_proxy.setSourceModel(self.timeline)
        self.timeline_view = self._table(self.timeline_proxy, "Timeline")
        # Wrapped to two lines at most (the whole text is in each tooltip). Fixed sizes:
        # sizing hundreds of wrapped rows to their contents took longer than the rest of
        # opening a profile together.
        self.timeline_view.setWordWrap(True)
        lines = self.timeline_view.fontMetrics().lineSpacing()
        self.timeline_view.verticalHeader().setDefaultSectionSize(2 * lines + 8)
        header = self.timeline_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TimelineColumn.DETAIL, QHeaderView.ResizeMode.Stretch)
        text_width = self.timeline_view.fontMetrics().horizontalAdvance
        header.resizeSection(TimelineColumn.WHEN, text_width("Wed 30 Sep 2026, 18:00") + 16)
        header.resizeSection(TimelineColumn.WHAT, 220)
        header.resizeSection(TimelineColumn.SHARED, text_width(CLINICIAN_ONLY) + 16)
        self.clinician = ClinicianPanel(participants, tasks, self)
        self.clinician.saved.connect(self._on_notes_saved)
        self.clinician.save_failed.connect(self._on_notes_refused)

        self._charts_timer = QTimer(self)  # a child: it dies with the window, never fires after
        self._charts_timer.setSingleShot(True)
        self._charts_timer.setInterval(0)
        self._charts_timer.timeout.connect(self.show_charts)
        self._lay_out()
        for keys, slot in ((QKeySequence.StandardKey.Refresh, self.reload),
                           (QKeySequence.StandardKey.Close, self.close),
                           (QKeySequence(Qt.Key.Key_Escape), self.close)):  # fmt: skip
            QShortcut(keys, self).activated.connect(slot)
        self.resize(1180, 760)
        tasks.changed.connect(self._on_vault_changed)
        self.reload()

    def _table(self, model: object, name: str) -> QTableView:
        view = QTableView(self)
        view.setModel(model)  # type: ignore[arg-type]
        view.setObjectName(name.lower().replace(" ", "-"))
        view.setAccessibleName(name)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setHighlightSections(False)
        return view

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name)
        titles.addWidget(self.details)
        header.addLayout(titles, 1)
        header.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.mood_panel, 3)
        left_layout.addWidget(self.heat_panel, 3)
        left_layout.addWidget(heading_label("Goals by value", left, scale=1.1))
        left_layout.addWidget(self.domain_view, 3)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(heading_label("Timeline", right, scale=1.1))
        right_layout.addWidget(self.timeline_view, 3)
        right_layout.addWidget(self.clinician, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([520, 640])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)
        order: list[QWidget] = [self.hide_button, self.close_button, self.mood_panel.save_button]
        order += [self.heat_panel.save_button, self.domain_view, self.timeline_view]
        order += [self.clinician.notes, self.clinician.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- loading --------------------------------------------------------------------------

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        if changes.only(ROUND_PROGRESS):
            return
        stays = {stay.cohort_id for stay in self.profile.stays} if self.profile else set()
        cohort_wide = changes.touches("cohort", "group_session") and any(
            changes.touches_cohort(cohort) for cohort in stays
        )  # a session cancelled or a cohort renamed shows in the timeline
        if changes.touches_participant(self.participant_id) or cohort_wide:
            self.reload()

    def reload(self) -> None:
        profiles, person = self._profiles, self.participant_id

        def load() -> ParticipantProfile:
            warm_up()  # matplotlib's first import, here on the worker, never on the GUI thread
            return profiles.load(person)

        self._tasks.submit(
            load,
            on_success=self.show_profile,
            on_failure=self._on_failed,
            key=f"profile-{person}",
            owner=self,
            name="load profile",
        )

    def show_profile(self, profile: ParticipantProfile) -> None:
        """Fill the text parts now and draw the charts at the next turn of the event loop, so
        that the words are on screen first; ``loaded`` follows the charts."""
        self.profile = profile
        pronouns = f"  ({profile.pronouns})" if profile.pronouns else ""
        self.name.setText(f"{profile.display_name}{pronouns}")
        lines = [
            stay_text(profile),
            profile.attendance.text,
            goals_text(profile),
            recovery_text(profile, profile.today),
        ]
        self.details.setText(" · ".join(line for line in lines if line))
        self.domains.set_rows(profile.domains)
        where = place_of(self.timeline_view, _event_key)
        self.timeline.set_rows(profile.timeline)
        return_to(self.timeline_view, where, _event_key)
        names = {s.enrollment_id: s.cohort_name for s in profile.stays}
        self.clinician.show_profile(profile, names)
        self._charts_timer.start()

    def show_charts(self) -> None:
        profile = self.profile
        if profile is None:
            return
        self.mood.set_checkins(profile.checkins, with_craving=profile.tracks_cravings)
        self.mood_panel.set_note(
            "At each check-in, 0 to 10; craving dashed"
            if self.mood.with_craving
            else "At each check-in, 0 to 10"
        )
        today = profile.today
        stay = profile.current_stay
        if stay is not None and stay.status.is_open:
            until = today
        else:
            until = profile.marks[-1].day if profile.marks else today
        days, first, last = attendance_days(profile.marks, until)
        if days:
            self.heat_map.set_days(days, first=first, last=last)
        else:
            self.heat_map.show_message("No attendance recorded yet.")
        # The title last: it tells the world (and the end-to-end test) the profile is shown.
        self.setWindowTitle(f"{profile.display_name} — {TITLE_SUFFIX}")
        self.loaded.emit()

    def _on_failed(self, error: Exception) -> None:
        self.name.setText("This profile could not be loaded")
        self.details.setText(user_message(error))

    # -- clinician-only -------------------------------------------------------------------

    def set_hide_clinician_only(self, hide: bool) -> None:
        self.clinician.setVisible(not hide)
        self.timeline_proxy.set_hide_clinician_only(hide)
        self.hide_button.setText("S&how clinician-only" if hide else "&Hide clinician-only")
        if self.hide_button.isChecked() != hide:
            self.hide_button.setChecked(hide)

    def _on_notes_saved(self) -> None:
        if self._closing:
            self.close()

    def _on_notes_refused(self, _message: str) -> None:
        self._closing = False  # the panel says why; the window stays open with the notes

    # -- Qt -------------------------------------------------------------------------------

    def save_notes_now(self) -> None:
        """Store unsaved notes at once, on this thread: the vault is about to lock.

        Called after the task runner is drained and before the vault closes (the window is
        destroyed next); a refusal is logged, never shown over the lock.
        """
        try:
            self.clinician.save_now()
        except Exception:
            log.warning("unsaved clinician notes could not be stored at lock", exc_info=True)
        self.clinician.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.clinician.dirty and not self._closing:
            self._closing = True
            event.ignore()  # close once the notes are stored; stay open if they are refused
            self.clinician.save()
            return
        self._tasks.submit(lambda: None, key=f"profile-{self.participant_id}")  # drop late loads
        self.clinician.clear()
        self.closed.emit(self.participant_id)
        super().closeEvent(event)


def _event_key(event: ProfileEvent) -> tuple[TimelineKind, uuid.UUID]:
    """A timeline row's identity across reloads: the kind of record and its id."""
    return (event.kind, event.record_id)

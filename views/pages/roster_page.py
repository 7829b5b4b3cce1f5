"""The roster: the selected cohort's members, their figures and flags, and the changes to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskRunner
from models import CohortStatus, EnrollmentStatus
from views.empty_state import EmptyState
from views.errors import user_message
from views.field_message import FieldMessage
from views.heading import heading_label, note_label
from views.pages.page import DeskPage, minimum_hours, schedule_text
from views.roster_commands import Work, edit_command, end_command, waitlist_command
from views.roster_flags import FlagSource, flag_source
from views.roster_table_model import (
    ROW_ROLE,
    Column,
    RosterEntry,
    RosterFilterProxy,
    RosterTableModel,
)

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.container import Services
    from app.services.enrollments import EnrollResult
    from app.services.participants import ParticipantRow
    from views.profile_window import ProfileWindow

CURRENT = frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLIST})
SHOW_CHOICES: tuple[tuple[str, frozenset[EnrollmentStatus]], ...] = (
    ("Current members", CURRENT),
    ("Active", frozenset({EnrollmentStatus.ACTIVE})),
    ("Waitlist", frozenset({EnrollmentStatus.WAITLIST})),
    ("Graduated", frozenset({EnrollmentStatus.GRADUATED})),
    ("Discharged", frozenset({EnrollmentStatus.DISCHARGED})),
    ("Withdrew", frozenset({EnrollmentStatus.WITHDREW})),
    ("Everyone, past and present", frozenset(EnrollmentStatus)),
)


@dataclass(frozen=True, slots=True)
class RosterSnapshot:
    cohort: CohortRow
    entries: list[RosterEntry]
    with_ended: bool


class RosterPage(DeskPage):
    """The cohort's members in a sortable, filterable table, with the actions a facilitator takes.

    Every change goes through the task runner and is followed by a reload; ``roster_loaded``
    is emitted after each load is shown. Edits, waitlist ↔ active and ending a stay are on
    ``undo_stack`` (Ctrl+Z / Ctrl+Shift+Z while the page has the focus); someone leaves the
    roster only through a dialog that says so. ``participant_opened(id)`` is emitted when a
    profile opens (Enter or double-click). ``clear()`` forgets everything shown (locking).
    """

    key = "roster"
    title = "Roster"

    participant_opened = Signal(object)
    roster_loaded = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        flags: FlagSource | None = None,
    ) -> None:
        super().__init__(services, tasks, parent)
        self._flags = flags or flag_source(services)
        self._fresh: CohortRow | None = None
        self._with_ended = False
        self._pending = 0
        self.dialog: QDialog | None = None
        self.profiles: dict[uuid.UUID, ProfileWindow] = {}
        self.undo_stack = QUndoStack(self)
        self.model = RosterTableModel(self)
        self.proxy = RosterFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.content = QWidget(self)
        self._build_header()
        self._build_table()
        self._build_actions()
        self._lay_out()
        self._stack.addWidget(self.content)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_view)
        self.undo_stack.indexChanged.connect(self._update_actions)

    # -- building -------------------------------------------------------------------------

    def _build_header(self) -> None:
        self.heading = heading_label("", self.content)
        self.heading.setObjectName("rosterHeading")
        self.summary = note_label("", self.content)
        self.summary.setObjectName("rosterSummary")
        self.capacity_warning = FieldMessage(None, self.content)
        self.capacity_warning.setObjectName("capacityWarning")
        self.notice = QLabel(self.content)
        self.notice.setObjectName("rosterNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = FieldMessage(None, self.content)
        self.error.setObjectName("rosterError")
        self.filter = QLineEdit(self.content)
        self.filter.setAccessibleName("Filter by name or pronouns")
        self.filter.setPlaceholderText("Name or pronouns")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.filter_label = QLabel("Fi&lter:", self.content)
        self.filter_label.setBuddy(self.filter)
        self.show_choice = QComboBox(self.content)
        self.show_choice.setAccessibleName("Show")
        for text, statuses in SHOW_CHOICES:
            self.show_choice.addItem(text, statuses)
        self.show_choice.currentIndexChanged.connect(self._on_show_changed)
        self.show_label = QLabel("&Show:", self.content)
        self.show_label.setBuddy(self.show_choice)

    def _build_table(self) -> None:
        self.inner = QStackedWidget(self.content)
        self.table = QTableView(self.inner)
        self.table.setObjectName("rosterTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.FLAGS, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.activated.connect(self._on_activated)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.members_empty = EmptyState(self.inner)
        self.members_empty.setObjectName("rosterMembersEmpty")
        self.members_empty.action_triggered.connect(self._on_empty_action)
        self.inner.addWidget(self.table)
        self.inner.addWidget(self.members_empty)

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self.content)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build_actions(self) -> None:
        self.add_button = self._button(
            "&Add person…", "Enroll a new person, or someone already in the vault", self.add_person
        )
        self.edit_button = self._button("&Edit…", "Edit name, pronouns, recovery date (F2)", self.edit_selected)
        self.move_button = self._button("&Move…", "Move to another cohort", self.move_selected)
        self.waitlist_button = self._button("Put on &waitlist", "", self.toggle_waitlist)
        self.end_button = self._button(
            "E&nd stay…", "Graduate, discharge or record a withdrawal", self.end_selected
        )
        self.open_button = self._button("&Open profile", "Open their profile (Enter)", self.open_selected)
        self.undo_button = self._button("&Undo", "Nothing to undo", self.undo)
        self.redo_button = self._button("&Redo", "Nothing to redo", self.redo)
        shortcuts: list[tuple[QKeySequence | QKeySequence.StandardKey, Any]] = [
            (QKeySequence(Qt.Key.Key_F2), self.edit_selected),
            (QKeySequence.StandardKey.Undo, self.undo),
            (QKeySequence.StandardKey.Redo, self.redo),
        ]
        for keys, slot in shortcuts:
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        titles.addWidget(self.capacity_warning)
        top.addLayout(titles, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_label)
        filters.addWidget(self.filter, 2)
        filters.addWidget(self.show_label)
        filters.addWidget(self.show_choice, 1)
        filters.addSpacing(12)
        for button in (self.add_button, self.edit_button, self.move_button):
            filters.addWidget(button)
        for button in (self.waitlist_button, self.end_button, self.open_button):
            filters.addWidget(button)
        filters.addSpacing(12)
        filters.addWidget(self.undo_button)
        filters.addWidget(self.redo_button)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.inner, 1)
        order = [self.filter, self.show_choice, self.add_button, self.edit_button]
        order += [self.move_button, self.waitlist_button, self.end_button, self.open_button]
        order += [self.undo_button, self.redo_button, self.table]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- DeskPage -------------------------------------------------------------------------

    def no_cohort_text(self) -> str:
        return (
            "The roster lists the people in a group with their attendance rate, streak and "
            "weekly hours against the IOP minimum. Start with the group you facilitate."
        )

    def show_cohort(self, cohort: CohortRow) -> None:
        if self._fresh is None or self._fresh.id != cohort.id:
            self.undo_stack.clear()  # undoing in a cohort no longer shown would surprise
            self.model.clear()
            self._fresh = cohort
            self._show_header(cohort)
        self._stack.setCurrentWidget(self.content)
        self.reload()

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Load the cohort's members again (and select ``select``, else keep the selection)."""
        cohort = self.cohort
        if cohort is None:
            return
        services, flags = self._services, self._flags
        with_ended = not self.proxy.statuses <= CURRENT
        wanted = select or self.selected_participant()

        def load() -> tuple[RosterSnapshot, uuid.UUID | None]:
            fresh = services.cohorts.get(cohort.id)
            rows = services.progress.roster(cohort.id, include_ended=with_ended)
            try:
                found = flags(cohort.id, services.context.today())
            except Exception:  # the engine's failure must not hide the roster
                found = None
            entries = [
                RosterEntry(row, None if found is None else found.get(row.participant_id, ()))
                for row in rows
            ]
            return RosterSnapshot(fresh, entries, with_ended), wanted

        self._tasks.submit(
            load,
            on_success=self._on_loaded,
            on_failure=self._on_failed,
            key="roster-load",
            owner=self,
            name="load roster",
        )

    def _on_loaded(self, loaded: tuple[RosterSnapshot, uuid.UUID | None]) -> None:
        snapshot, wanted = loaded
        if self.cohort is None or snapshot.cohort.id != self.cohort.id:
            return
        self._fresh = snapshot.cohort
        self._with_ended = snapshot.with_ended
        self.model.set_entries(snapshot.entries)
        self._show_header(snapshot.cohort)
        self.select_participant(wanted)
        self._update_view()
        self.roster_loaded.emit()

    def _on_failed(self, error: Exception) -> None:
        self.error.show_message(f"The roster could not be loaded: {user_message(error)}")

    def clear(self) -> None:
        """Forget every name and figure shown (the window is locking): no data stays behind."""
        self._tasks.submit(lambda: None, key="roster-load", owner=self)  # drops a late load
        for window in list(self.profiles.values()):
            window.close()
        if self.dialog is not None:
            self.dialog.reject()
        self.undo_stack.clear()
        self.model.clear()
        self.filter.clear()
        self.heading.clear()
        self.summary.clear()
        self.notice.clear()
        self.capacity_warning.clear_message()
        self._fresh = None

    # -- showing --------------------------------------------------------------------------

    def _show_header(self, cohort: CohortRow) -> None:
        self.heading.setText(cohort.name)
        waiting = sum(1 for e in self.model.entries if e.row.status is EnrollmentStatus.WAITLIST)
        parts = [f"{cohort.active_members} of {cohort.capacity} seats taken"]
        if waiting:
            parts.append(f"{waiting} on the waitlist")
        parts.append(schedule_text(cohort))
        parts.append(f"{minimum_hours(cohort)} weekly IOP minimum")
        if cohort.status is not CohortStatus.ACTIVE:
            parts.insert(0, f"{cohort.status.value.capitalize()}: takes no one new")
        self.summary.setText(" · ".join(parts))
        over = cohort.active_members - cohort.capacity
        if over > 0:
            self.capacity_warning.show_message(
                f"Over capacity: {cohort.active_members} active members for {cohort.capacity} "
                "seats. Consider the waitlist or moving someone to another cohort."
            )
        else:
            self.capacity_warning.clear_message()
        self.table.setAccessibleName(f"Roster of {cohort.name}")
        self._update_actions()

    @Slot()
    def _update_view(self) -> None:
        if self.proxy.rowCount() > 0:
            self.inner.setCurrentWidget(self.table)
            return
        name = self._fresh.name if self._fresh else "this cohort"
        filtered = bool(self.filter.text().strip()) or self.proxy.statuses != CURRENT
        if filtered:
            self.members_empty.show_state(
                "No one matches",
                "No one on this roster matches the filter and the choice under Show.",
                "Clear the filter",
            )
        else:
            self.members_empty.show_state(
                f"No one is enrolled in {name} yet",
                "Each person appears here with attendance, streak, hours this week against "
                "the IOP minimum, last mood and open goals. People who left are under Show.",
                "Add a person…",
            )
        self.inner.setCurrentWidget(self.members_empty)

    def _on_empty_action(self) -> None:
        if self.members_empty.button.text().startswith("Clear"):
            self.filter.clear()
            self.show_choice.setCurrentIndex(0)
        else:
            self.add_person()

    def _on_show_changed(self, _index: int) -> None:
        statuses: frozenset[EnrollmentStatus] = self.show_choice.currentData()
        self.proxy.set_statuses(statuses)
        if not statuses <= CURRENT and not self._with_ended:
            self.reload()  # the people who left are loaded only when asked for

    @Slot()
    def _update_actions(self, *_args: object) -> None:
        entry = self.selected_entry()
        cohort = self._fresh
        open_cohort = cohort is not None and cohort.status is CohortStatus.ACTIVE
        current = entry is not None and entry.is_current and self._pending == 0
        self.add_button.setEnabled(open_cohort)
        self.edit_button.setEnabled(entry is not None)
        self.open_button.setEnabled(entry is not None)
        self.move_button.setEnabled(current)
        self.end_button.setEnabled(current)
        waiting = entry is not None and entry.row.status is EnrollmentStatus.WAITLIST
        self.waitlist_button.setText("Ac&tivate" if waiting else "Put on &waitlist")
        self.waitlist_button.setAccessibleName("Activate" if waiting else "Put on waitlist")
        self.waitlist_button.setToolTip(
            "Move them from the waitlist into the group" if waiting else "Hold their seat for later"
        )
        self.waitlist_button.setEnabled(current and open_cohort)
        stack = self.undo_stack
        self.undo_button.setEnabled(stack.canUndo() and self._pending == 0)
        self.redo_button.setEnabled(stack.canRedo() and self._pending == 0)
        self.undo_button.setToolTip(f"Undo {stack.undoText()} (Ctrl+Z)" if stack.canUndo() else "Nothing to undo")
        self.redo_button.setToolTip(f"Redo {stack.redoText()}" if stack.canRedo() else "Nothing to redo")

    def show_notice(self, text: str) -> None:
        self.error.clear_message()
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- selection ------------------------------------------------------------------------

    def selected_entry(self) -> RosterEntry | None:
        index = self.table.currentIndex()
        entry = index.data(ROW_ROLE) if index.isValid() else None
        return entry if isinstance(entry, RosterEntry) else None

    def selected_participant(self) -> uuid.UUID | None:
        entry = self.selected_entry()
        return entry.participant_id if entry is not None else None

    def select_participant(self, participant_id: uuid.UUID | None) -> None:
        row = self.model.row_of(participant_id) if participant_id is not None else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid() and self.proxy.rowCount() > 0:
            index = self.proxy.index(0, 0)
        if index.isValid():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)
        self._update_actions()

    # -- actions --------------------------------------------------------------------------

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            self.dialog.reject()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    @Slot()
    def add_person(self) -> QDialog | None:
        from views.roster_person_dialog import AddPersonDialog

        if self._fresh is None or self._fresh.status is not CohortStatus.ACTIVE:
            return None
        dialog = AddPersonDialog(self._services, self._tasks, self._fresh, self.window())
        dialog.enrolled.connect(self._on_enrolled)
        return self._open_dialog(dialog)

    def _on_enrolled(self, result: EnrollResult) -> None:
        row = result.enrollment
        where = "on the waitlist" if row.status is EnrollmentStatus.WAITLIST else "enrolled"
        warning = f" {result.capacity_warning}" if result.capacity_warning else ""
        self.show_notice(f"{row.participant_name} is {where}.{warning}")
        if self.proxy.statuses != CURRENT:
            self.show_choice.setCurrentIndex(0)
        self.reload(select=row.participant_id)

    @Slot()
    def edit_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        participants = self._services.participants
        self._tasks.submit(
            lambda: participants.get(entry.participant_id),
            on_success=self._open_edit,
            on_failure=lambda error: self.error.show_message(user_message(error)),
            owner=self,
            name="read person",
        )

    def _open_edit(self, row: ParticipantRow) -> None:
        from views.roster_person_dialog import EditPersonDialog

        dialog = EditPersonDialog(self._services, self._tasks, row, self.window())
        dialog.edited.connect(self._on_edited)
        self._open_dialog(dialog)

    def _on_edited(self, before: ParticipantRow, after: ParticipantRow) -> None:
        self.undo_stack.push(edit_command(self._services, self.run_change, before, after))
        self.show_notice(f"Saved {after.display_name}.")
        self.reload(select=after.id)

    @Slot()
    def move_selected(self) -> None:
        from views.roster_stay_dialogs import MoveDialog

        entry, cohort = self.selected_entry(), self._fresh
        if entry is None or cohort is None or not entry.is_current:
            return
        dialog = MoveDialog(self._services, self._tasks, cohort, entry, self.window())
        dialog.moved.connect(self._on_moved)
        self._open_dialog(dialog)

    def _on_moved(self, entry: RosterEntry, result: EnrollResult) -> None:
        warning = f" {result.capacity_warning}" if result.capacity_warning else ""
        self.show_notice(f"{entry.row.display_name} moved to another cohort.{warning}")
        self.reload()

    @Slot()
    def end_selected(self) -> None:
        from views.roster_stay_dialogs import EndStayDialog

        entry, cohort = self.selected_entry(), self._fresh
        if entry is None or cohort is None or not entry.is_current:
            return
        dialog = EndStayDialog(self._services, self._tasks, cohort, entry, self.window())
        dialog.ended.connect(self._on_ended)
        self._open_dialog(dialog)

    def _on_ended(self, entry: RosterEntry, status: EnrollmentStatus, reason: str, day: Any) -> None:
        command = end_command(self._services, self.run_change, entry, status, reason, day)
        self.undo_stack.push(command)
        self.show_notice(f"Done: {command.text()}. Ctrl+Z undoes it.")
        self.reload()

    @Slot()
    def toggle_waitlist(self) -> None:
        entry = self.selected_entry()
        if entry is None or not entry.is_current or self._pending:
            return
        command = waitlist_command(
            self._services, self.run_change, entry, self._services.context.today()
        )
        enrollments, row = self._services.enrollments, entry.row
        if row.status is EnrollmentStatus.WAITLIST:
            work: Work = lambda: enrollments.activate(row.enrollment_id)  # noqa: E731
        else:
            work = lambda: enrollments.waitlist(row.enrollment_id)  # noqa: E731
        self._pending += 1
        self._update_actions()

        def stored(_result: object) -> None:
            self._pending -= 1
            self.undo_stack.push(command)
            self.show_notice(f"Done: {command.text()}.")
            self.reload(select=row.participant_id)

        self._tasks.submit(work, on_success=stored, on_failure=self._on_change_failed, owner=self)

    def run_change(self, work: Work, done_text: str) -> None:
        """Run an undo or redo on the task runner, then reload (the commands' runner)."""
        self._pending += 1
        self._update_actions()

        def stored(_result: object) -> None:
            self._pending -= 1
            self.show_notice(done_text[0].upper() + done_text[1:] + ".")
            self.reload()

        self._tasks.submit(work, on_success=stored, on_failure=self._on_change_failed, owner=self)

    def _on_change_failed(self, error: Exception) -> None:
        self._pending -= 1
        self.undo_stack.clear()  # the records moved on; the history no longer matches them
        self.notice.hide()
        self.error.show_message(f"That could not be done: {user_message(error)}")
        self.reload()

    @Slot()
    def undo(self) -> None:
        if self._pending == 0 and self.undo_stack.canUndo():
            self.undo_stack.undo()

    @Slot()
    def redo(self) -> None:
        if self._pending == 0 and self.undo_stack.canRedo():
            self.undo_stack.redo()

    # -- profiles -------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        entry = index.data(ROW_ROLE)
        if isinstance(entry, RosterEntry):
            self.open_profile(entry.participant_id)

    @Slot()
    def open_selected(self) -> None:
        participant = self.selected_participant()
        if participant is not None:
            self.open_profile(participant)

    def open_profile(self, participant_id: uuid.UUID) -> ProfileWindow:
        """Open (or raise) the participant's profile window."""
        from views.profile_window import ProfileWindow

        window = self.profiles.get(participant_id)
        if window is None:
            window = ProfileWindow(self._services, self._tasks, participant_id, self.window())
            window.closed.connect(lambda: self.profiles.pop(participant_id, None))
            window.changed.connect(self.reload)
            self.profiles[participant_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        self.participant_opened.emit(participant_id)
        return window

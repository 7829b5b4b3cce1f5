"""Opens live group mode from the main window: "Start group…", "Agenda…", and resuming a round."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from app.services.round.view import RoundView
from models import RoundKind, RoundOrder, TurnStatus
from views.live.agenda_panel import AgendaPanel
from views.live.live_window import LiveRoundWindow
from views.live.start_dialog import StartChoice, StartSessionDialog

if TYPE_CHECKING:
    from app.services.cohorts import CohortRow
    from app.services.container import Services
    from app.tasks import TaskRunner

SCRIPT_VARIABLE = "CIRCLEKEEPER_LIVE_SCRIPT"  # see views/live/script_hook.py
RESUME_WITHIN = dt.timedelta(hours=12)  # an older unfinished round is not offered
_script_started = False


def _start_script() -> None:
    global _script_started
    _script_started = True


@dataclass(frozen=True, slots=True)
class LivePlace:
    """Which live windows were open at a lock, and where the round was: ids only."""

    agenda: bool = False  # the agenda window
    cohort_id: uuid.UUID | None = None  # the round's, when a round window was open
    session_id: uuid.UUID | None = None
    kind: RoundKind = RoundKind.CHECK_IN
    order: RoundOrder = RoundOrder.ALPHABETICAL
    presenter: bool = False  # the group screen was shown
    agenda_panel: bool = False  # the round window's agenda beside the cards


def resume_text(view: RoundView, cohort: CohortRow) -> str:
    done = sum(1 for t in view.turns if t.status is TurnStatus.DONE)
    kind = "closing" if view.kind is RoundKind.CLOSING else "check-in"
    at = f" at {view.current.display_name}" if view.current is not None else ""
    return (
        f"The {kind} round of {cohort.name} stopped{at}: {done} of {len(view.turns)} "
        "have spoken. Resume it now? Everything typed is still there."
    )


class LiveLauncher(QObject):
    """Owns the actions that open live mode and the windows they open.

    ``start_action`` (Ctrl+G) opens the start dialog for the selected cohort; ``agenda_action``
    shows the cohort's next agenda. ``set_cohort(row)`` follows the cohort switcher; the
    first time a cohort with an unfinished round from the last 12 hours is selected, the
    launcher offers to resume it. ``round_window`` is the open round window, if any. Its
    actions belong to it: they leave the window's menus when it is destroyed.

    At a lock, ``close_now()`` saves what was typed in the round and destroys every live
    window, returning where they were; the launcher built at the unlock gets that back
    through ``resume(place)``: the round window opens again where it was, without asking.
    """

    round_opened = Signal(object)  # LiveRoundWindow

    def __init__(self, services: Services, tasks: TaskRunner, host: QWidget) -> None:
        super().__init__(host)
        self.services, self.tasks, self.host = services, tasks, host
        self.cohort: CohortRow | None = None
        self.round_window: LiveRoundWindow | None = None
        self.agenda_window: QMainWindow | None = None
        self.dialog: QWidget | None = None
        self._offered: set[uuid.UUID] = set()
        self.start_action = QAction("Start &group…", self)
        self.start_action.setShortcut(QKeySequence("Ctrl+G"))
        self.start_action.setStatusTip("Run a session's check-in round, live, from the keyboard")
        self.start_action.setEnabled(False)
        self.start_action.triggered.connect(self.open_start_dialog)
        self.agenda_action = QAction("&Agenda…", self)
        self.agenda_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.agenda_action.setStatusTip("The agenda for the cohort's next session, printable")
        self.agenda_action.setEnabled(False)
        self.agenda_action.triggered.connect(self.open_agenda)
        application = QApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self._save_before_quitting)
        if os.environ.get(SCRIPT_VARIABLE) and not _script_started:
            from views.live.script_hook import ScriptPlayer

            _start_script()  # once per process: a launcher rebuilt at an unlock plays nothing
            self.script = ScriptPlayer(self, os.environ[SCRIPT_VARIABLE])

    @property
    def actions(self) -> list[QAction]:
        return [self.start_action, self.agenda_action]

    def set_cohort(self, cohort: CohortRow | None) -> None:
        self.cohort = cohort
        self.start_action.setEnabled(cohort is not None)
        self.agenda_action.setEnabled(cohort is not None)
        if cohort is not None and cohort.id not in self._offered:
            self._offered.add(cohort.id)
            rounds, cohort_id = self.services.rounds, cohort.id
            self.tasks.submit(
                lambda: rounds.in_progress(cohort_id),
                on_success=lambda found: self._offer_resume(cohort, found),
                owner=self,
                name="rounds to resume",
            )

    def open_start_dialog(self) -> StartSessionDialog | None:
        if self.round_window is not None:
            self.round_window.raise_()
            self.round_window.activateWindow()
            return None
        if self.cohort is None:
            return None
        dialog = StartSessionDialog(self.services.rounds, self.tasks, self.cohort, self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.start_requested.connect(self.open_round)
        self._hold_dialog(dialog)
        dialog.open()
        return dialog

    def open_round(self, choice: StartChoice) -> LiveRoundWindow:
        if self.round_window is not None:
            self.round_window.close()
        window = LiveRoundWindow(
            self.services,
            self.tasks,
            cohort_id=choice.cohort_id,
            session_id=choice.session_id,
            order=choice.order,
            soft_limit=choice.soft_limit_seconds,
            kind=choice.kind,
            clock=self.services.context.now,
            parent=self.host,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda: setattr(self, "round_window", None))
        self.round_window = window
        window.show()
        self.round_opened.emit(window)
        return window

    def open_agenda(self) -> QMainWindow | None:
        if self.cohort is None:
            return None
        if self.agenda_window is None:
            window = QMainWindow(self.host)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(lambda: setattr(self, "agenda_window", None))
            window.setCentralWidget(AgendaPanel(self.services.agenda, self.tasks, window))
            window.resize(640, 760)
            self.agenda_window = window
        panel = self.agenda_window.centralWidget()
        assert isinstance(panel, AgendaPanel)
        self.agenda_window.setWindowTitle(f"Agenda — {self.cohort.name}")
        panel.load_cohort(self.cohort.id)
        self.agenda_window.show()
        return self.agenda_window

    def _offer_resume(self, cohort: CohortRow, found: list[RoundView]) -> None:
        now = self.services.context.now()
        recent = [v for v in found if now - v.started_at <= RESUME_WITHIN]
        if not recent or self.round_window is not None:
            return
        view = recent[0]
        box = QMessageBox(QMessageBox.Icon.Question, "Resume the round?", resume_text(view, cohort))
        box.setParent(self.host, box.windowFlags())
        resume = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(resume)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        choice = StartChoice(cohort.id, view.session_id, view.order_method, None, view.kind)
        box.finished.connect(
            lambda _result: self.open_round(choice) if box.clickedButton() is resume else None
        )
        self._hold_dialog(box)
        box.open()

    # -- the lock (the composition root calls these; see app/desk.py) ----------------------

    def close_now(self) -> LivePlace:
        """The vault is about to close: save what was typed (now, on this thread, while the
        vault is still open), destroy every live window, and say where they were."""
        place = LivePlace(agenda=self.agenda_window is not None and self.agenda_window.isVisible())
        window = self.round_window
        if window is not None:
            view = window.controller.view
            if view is not None and view.finished_at is None:
                presenter = window.presenter is not None and window.presenter.isVisible()
                place = LivePlace(
                    place.agenda, view.cohort_id, view.session_id, view.kind,
                    view.order_method, presenter, window.agenda_panel.isVisible(),
                )  # fmt: skip
            window.close()  # saves the draft and drains the lane while the vault is open
        for other in (self.dialog, self.agenda_window):
            if other is not None:
                other.close()
        for other in (self.dialog, self.agenda_window, self.round_window):
            if other is not None and shiboken6.isValid(other):
                shiboken6.delete(other)  # at once: nothing of the round stays on screen
        self.round_window = self.agenda_window = self.dialog = None
        return place

    def resume(self, place: LivePlace) -> None:
        """Open again what ``close_now`` closed (after an unlock, the cohort selected)."""
        if place.session_id is not None and place.cohort_id is not None:
            self._offered.add(place.cohort_id)  # resumed already: no need to ask
            window = self.open_round(
                StartChoice(place.cohort_id, place.session_id, place.order, None, place.kind)
            )
            window.actions_.agenda.setChecked(place.agenda_panel)
            window.actions_.presenter.setChecked(place.presenter)
        if place.agenda:
            self.open_agenda()

    def _hold_dialog(self, dialog: QWidget) -> None:
        """``dialog`` is the one open now (deleted on close: forget it then)."""
        self.dialog = dialog
        dialog.destroyed.connect(lambda: self._forget_dialog(dialog))

    def _forget_dialog(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    @Slot()
    def _save_before_quitting(self) -> None:
        window = self.round_window
        if window is not None:
            window.save_draft_now()
            window.controller.lane.drain()

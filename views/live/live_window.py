"""The facilitator's round window: one person's card at a time, in order, from the keyboard."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.accountability.calendar import short_date
from app.services.changes import ROUND_PROGRESS, Changes
from app.services.round.commit import CardCommit, CheckInCommit, ClosingCommit
from app.services.round.view import RoundView
from models import RoundKind, RoundOrder, TurnStatus
from views.heading import heading_label, note_label
from views.live.agenda_panel import AgendaPanel
from views.live.card_deck import CardDeck
from views.live.check_in_card import CheckInCard
from views.live.closing_card import ClosingCard
from views.live.live_card import LiveCard
from views.live.peer_leader_bar import PeerLeaderBar
from views.live.presenter_window import PresenterWindow
from views.live.round_actions import KEY_LEGEND, RoundActions, RoundToolbar
from views.live.round_controller import RoundController, RoundSetup, utc_now
from views.live.round_order_model import RoundOrderModel
from views.live.speaker_timer import SpeakerTimer
from views.roles import ROW_ROLE

if TYPE_CHECKING:
    from app.services.container import Services
    from app.tasks import TaskRunner

DRAFT_PAUSE_MS = 400  # a pause in typing this long saves the card's draft
KIND_NAMES = {RoundKind.CHECK_IN: "Check-in round", RoundKind.CLOSING: "Closing round"}


class LiveRoundWindow(QMainWindow):
    """Runs one session's rounds (check-in, then closing); see ``RoundController``.

    Enter commits the card and shows the next person's at once (built ahead from the
    prefetched state); typing saves a local draft after a pause of ``DRAFT_PAUSE_MS``.
    Closing the window first waits for every save. ``card`` is the card on screen. A change
    to the cohort made anywhere (another page, an import) reads the cards, the presence
    marks, the agenda and the group screen again; the card on screen keeps what is typed.
    """

    card_shown = Signal(object)  # LiveCard

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        *,
        cohort_id: uuid.UUID,
        session_id: uuid.UUID | None,
        order: RoundOrder = RoundOrder.ALPHABETICAL,
        soft_limit: int | None = None,
        kind: RoundKind = RoundKind.CHECK_IN,
        clock: Callable[[], dt.datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("liveRoundWindow")
        self.setWindowTitle("Circlekeeper — live group")
        self.resize(1240, 780)
        self.services, self.tasks = services, tasks
        self.controller = RoundController(services, tasks, self, clock=clock)
        self.presenter: PresenterWindow | None = None
        self._dirty = False  # typed since the last draft was asked for
        self.actions_ = RoundActions.create(self)
        self._build(clock)
        self._connect()
        self.controller.open(
            session_id=session_id,
            cohort_id=cohort_id,
            kind=kind,
            order=order,
            soft_limit=soft_limit,
        )

    # -- building ---------------------------------------------------------------------------

    def _build(self, clock: Callable[[], dt.datetime]) -> None:
        self.toolbar = RoundToolbar(self.actions_, self)
        self.order_choice, self.limit = self.toolbar.order_choice, self.toolbar.limit
        self.addToolBar(self.toolbar)

        central = QWidget(self)
        column = QVBoxLayout(central)
        header = QHBoxLayout()
        self.title_label = heading_label("Opening the round…", central, scale=1.25)
        self.title_label.setObjectName("roundTitle")
        header.addWidget(self.title_label, 1)
        self.progress_label = QLabel("", central)
        self.progress_label.setObjectName("roundProgress")
        header.addWidget(self.progress_label)
        self.timer = SpeakerTimer(clock, central)
        header.addWidget(self.timer)
        column.addLayout(header)
        self.peer_bar = PeerLeaderBar(self.services, self.tasks, self.controller.lane, central)
        self.peer_bar.hide()
        column.addWidget(self.peer_bar)

        splitter = QSplitter(central)
        order_host = QWidget(splitter)
        order_column = QVBoxLayout(order_host)
        order_column.setContentsMargins(0, 0, 0, 0)
        order_title = QLabel("Round order", order_host)
        order_column.addWidget(order_title)
        self.order_model = RoundOrderModel(self)
        self.order_view = QListView(order_host)
        self.order_view.setObjectName("roundOrder")
        self.order_view.setAccessibleName("Round order: Enter goes to the chosen person")
        self.order_view.setModel(self.order_model)
        self.order_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        order_title.setBuddy(self.order_view)
        order_column.addWidget(self.order_view)
        self.cards = CardDeck(self.controller, splitter)
        self.agenda_panel = AgendaPanel(self.services.agenda, self.tasks, splitter)
        self.agenda_panel.hide()
        splitter.addWidget(order_host)
        splitter.addWidget(self.cards)
        splitter.addWidget(self.agenda_panel)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([220, 900, 380])
        column.addWidget(splitter, 1)
        self.message = QLabel("", central)
        self.message.setObjectName("roundMessage")
        self.message.setWordWrap(True)
        column.addWidget(self.message)
        legend = note_label(KEY_LEGEND, central)
        legend.setObjectName("keyLegend")
        column.addWidget(legend)
        self.setCentralWidget(central)
        self.saving_label = QLabel("All saved", self)
        self.statusBar().addPermanentWidget(self.saving_label)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DRAFT_PAUSE_MS)

    def _connect(self) -> None:
        c, a = self.controller, self.actions_
        c.loaded.connect(self._on_loaded)
        c.round_changed.connect(self._on_round_changed)
        c.speaker_changed.connect(self._show_speaker)
        c.state_ready.connect(self.cards.on_state_ready)
        c.presence_changed.connect(self.cards.set_presence)
        self.cards.edited.connect(self._on_card_edited)
        self.cards.commit_requested.connect(self.commit_card)
        self.cards.card_shown.connect(self.card_shown)
        c.failed.connect(self.show_message)
        c.lane.idle_changed.connect(self._on_idle_changed)
        c.refreshed.connect(self.cards.drop_stale_prepared)
        self.tasks.changed.connect(self._on_vault_changed)
        self._debounce.timeout.connect(self.save_draft_now)
        a.done.triggered.connect(self.commit_card)
        a.skip.triggered.connect(lambda: self.controller.skip(self._typed()))
        a.come_back.triggered.connect(self._focus_order)
        a.late.triggered.connect(lambda: self._mark(self.controller.mark_late))
        a.left_early.triggered.connect(lambda: self._mark(self.controller.mark_left_early))
        a.order.triggered.connect(lambda: self.order_choice.setFocus())
        a.time_limit.triggered.connect(lambda: self.limit.setFocus())
        a.agenda.toggled.connect(self.agenda_panel.setVisible)
        a.presenter.toggled.connect(self.show_presenter)
        a.peer_leader.triggered.connect(lambda: self.peer_bar.choice.setFocus())
        a.closing.triggered.connect(self.begin_closing)
        a.finish.triggered.connect(self.finish_round)
        self.order_view.activated.connect(self._on_order_activated)
        self.order_choice.activated.connect(self._on_order_chosen)
        self.limit.editingFinished.connect(self._on_limit_set)
        self.peer_bar.saved.connect(lambda name: self.show_message(f"Peer leader saved: {name}."))
        self.peer_bar.failed.connect(self.show_message)
        self.agenda_panel.pdf_written.connect(lambda p: self.show_message(f"Saved {p.name}."))

    # -- the round --------------------------------------------------------------------------

    def _on_loaded(self, setup: RoundSetup) -> None:
        kind = setup.round.kind
        self.title_label.setText(
            f"{setup.cohort.name} · {short_date(setup.session.local_date)} · {KIND_NAMES[kind]}"
        )
        self.setWindowTitle(f"Circlekeeper — {setup.cohort.name}, {KIND_NAMES[kind].lower()}")
        limit = setup.round.soft_limit_seconds
        self.limit.blockSignals(True)
        self.limit.setValue(0 if limit is None else max(1, limit // 60))
        self.limit.blockSignals(False)
        self.peer_bar.setVisible(kind is RoundKind.CLOSING)
        self.actions_.peer_leader.setEnabled(kind is RoundKind.CLOSING)
        self.actions_.closing.setEnabled(kind is RoundKind.CHECK_IN)
        if kind is RoundKind.CLOSING:
            self.peer_bar.load(setup.session.id)
        self.agenda_panel.load_session(setup.session.id)

    def _on_round_changed(self, view: RoundView) -> None:
        self.order_model.set_view(view)
        self.timer.set_view(view)
        done = sum(1 for t in view.turns if t.status is TurnStatus.DONE)
        skipped = len(view.skipped)
        extra = f", {skipped} skipped" if skipped else ""
        self.progress_label.setText(f"{done} of {len(view.turns)} have spoken{extra}")
        self.order_choice.setCurrentIndex(self.order_choice.findData(view.order_method.value))
        speaking = view.current is not None and view.finished_at is None
        for action in (
            self.actions_.done,
            self.actions_.skip,
            self.actions_.late,
            self.actions_.left_early,
        ):
            action.setEnabled(speaking)

    def _show_speaker(self, participant_id: uuid.UUID | None) -> None:
        self.save_draft_now()  # typed but not yet saved (a move always takes it first)
        if participant_id is None:
            self.cards.show_nobody(self._complete_text())
        else:
            self.cards.show_speaker(participant_id)

    @property
    def card(self) -> LiveCard | None:
        """The card on screen."""
        return self.cards.card

    def _complete_text(self) -> str:
        view = self.controller.view
        if view is not None and view.finished_at is not None:
            text = "This round is finished. Everything is saved; you can close this window."
        elif self.controller.kind is RoundKind.CHECK_IN:
            text = (
                "Everyone has had their turn. Alt+C begins the closing round when the group "
                "is ready; Alt+B comes back to anyone."
            )
        else:
            text = "The closing round is complete and saved. Alt+F finishes it."
        return text

    # -- typing and moving ----------------------------------------------------------------

    @property
    def prepared_card(self) -> LiveCard | None:
        """The next person's card, built ahead (Enter only shows it)."""
        return self.cards.prepared

    @property
    def typing_pending(self) -> bool:
        """Typed text waits for the pause that saves it."""
        return self._debounce.isActive()

    def _on_card_edited(self) -> None:
        self._dirty = True
        self._debounce.start()

    def save_draft_now(self) -> None:
        self._debounce.stop()
        card = self.card
        if card is not None and card.ready and self._dirty:
            self._dirty = False
            self.controller.save_draft(card.participant_id, card.fields())

    def _typed(self) -> dict[str, str] | None:
        """The card's fields when they changed since the last draft (the move saves them)."""
        self._debounce.stop()
        card, dirty, self._dirty = self.card, self._dirty, False
        return card.fields() if card is not None and card.ready and dirty else None

    def commit_card(self) -> None:
        """Enter: commit the card (when it can be saved) and show the next person."""
        card, view = self.card, self.controller.view
        if card is None or not card.ready or view is None:
            return
        commit: CardCommit
        if isinstance(card, CheckInCard):
            entry = card.entry()
            if entry is None:
                return  # the card says why, beside the field
            draft, reports = entry
            commit = CheckInCommit(draft, tuple(reports))
        elif isinstance(card, ClosingCard):
            lines = card.entry()
            if lines is None:
                return
            commit = ClosingCommit(tuple(lines))
        else:
            return
        self._debounce.stop()
        self._dirty = False  # the commit carries every field
        self.controller.commit_and_advance(card.fields(), commit)

    def _focus_order(self) -> None:
        view = self.controller.view
        if view is None:
            return
        target = view.skipped[0] if view.skipped else view.current
        row = self.order_model.row_of(target.participant_id) if target else 0
        self.order_view.setCurrentIndex(self.order_model.index(max(0, row)))
        self.order_view.setFocus()

    def _on_order_activated(self, index: QModelIndex) -> None:
        turn = index.data(ROW_ROLE)
        if turn is not None:
            self.controller.go_to(turn.participant_id, self._typed())

    def _on_order_chosen(self, _index: int) -> None:
        self.save_draft_now()  # the speaker may change: keep what they said so far
        self.controller.set_order(RoundOrder(self.order_choice.currentData()))
        if self.card is not None:
            self.card.first_input().setFocus()

    def _on_limit_set(self) -> None:
        minutes = self.limit.value()
        self.controller.set_soft_limit(minutes * 60 if minutes else None)

    def _mark(self, mark: Callable[[uuid.UUID], None]) -> None:
        if self.card is not None:
            mark(self.card.participant_id)

    def _confirm(self, text: str, then: Callable[[], None]) -> None:
        view = self.controller.view
        waiting = (
            [t.display_name for t in view.turns if t.status is not TurnStatus.DONE] if view else []
        )
        if not waiting:
            then()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Circlekeeper", text, parent=self)
        box.setInformativeText(f"Not yet heard: {', '.join(waiting)}.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda result: then() if result == QMessageBox.StandardButton.Yes else None
        )
        box.open()

    def begin_closing(self) -> None:
        def go() -> None:
            self.save_draft_now()
            view = self.controller.view
            if view is None:
                return
            self.controller.finish()
            self.controller.open(
                session_id=view.session_id,
                cohort_id=view.cohort_id,
                kind=RoundKind.CLOSING,
                order=view.order_method,
                soft_limit=view.soft_limit_seconds,
            )

        self._confirm("Begin the closing round? The check-in round will be finished.", go)

    def finish_round(self) -> None:
        def go() -> None:
            self.save_draft_now()
            self.controller.finish()

        self._confirm("Finish this round?", go)

    # -- presenter, messages, closing --------------------------------------------------------

    def show_presenter(self, shown: bool) -> None:
        if shown and self.presenter is None:
            self.presenter = PresenterWindow(self)
            self.presenter.destroyed.connect(lambda: setattr(self, "presenter", None))
        if self.presenter is not None:
            self.presenter.setVisible(shown)
            if shown:
                self.refresh_presenter()

    def refresh_presenter(self) -> None:
        view, presenter = self.controller.view, self.presenter
        if view is None or presenter is None or not presenter.isVisible():
            return
        agenda, session_id = self.services.agenda, view.session_id
        self.tasks.submit(
            lambda: agenda.presenter(session_id),
            on_success=presenter.show_view,
            key=f"presenter-{id(self)}",
            owner=presenter,
            name="presenter view",
        )

    @Slot(object)
    def _on_vault_changed(self, changes: Changes) -> None:
        view = self.controller.view
        if view is None or not (
            changes.touches_cohort(view.cohort_id) or changes.touches_session(view.session_id)
        ):
            return
        if not changes.only(ROUND_PROGRESS):
            self.controller.refresh(changes)
        self.refresh_presenter()  # the agenda panel follows the bus itself

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        if self.controller.setup is None:  # the round could not open: say so where it would be
            self.cards.show_text(text)

    def _on_idle_changed(self, idle: bool) -> None:
        self.saving_label.setText("All saved" if idle else "Saving…")
        if idle:
            self.refresh_presenter()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what was typed and what waits in the lane now, then close: never refuse, or
        quitting the application (SIGTERM, log out) would be refused with it."""
        self.save_draft_now()
        self.controller.lane.drain()
        if self.presenter is not None:
            self.presenter.close()
        super().closeEvent(event)

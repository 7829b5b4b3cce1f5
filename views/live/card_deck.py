"""The round window's cards: the speaker's on top, the next person's built ahead and hidden."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.services.round.entries import CardState, PresenceRow
from models import RoundKind
from views.heading import note_label
from views.live.check_in_card import CheckInCard
from views.live.closing_card import ClosingCard
from views.live.live_card import LiveCard
from views.live.round_controller import RoundController


class CardDeck(QStackedWidget):
    """Shows the card of whoever the controller says speaks (``show_speaker``), or a page of
    text (``show_text``) when nobody does.

    Enter only flips to the next card: it is built as soon as its saved state is read ahead
    (``on_state_ready``), while the current person speaks. A card whose state has not
    arrived yet is shown disabled, so nothing typed can race the state it restores.
    ``edited`` and ``commit_requested`` relay the current card's; ``card_shown(card)``
    follows every change of card.
    """

    edited = Signal()
    commit_requested = Signal()
    card_shown = Signal(object)

    def __init__(self, controller: RoundController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardStack")
        self.controller = controller
        self.card: LiveCard | None = None
        self.prepared: LiveCard | None = None
        self.text_page = note_label("Opening the round…", self)
        self.text_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.text_page)

    def show_text(self, text: str) -> None:
        self.text_page.setText(text)
        self.setCurrentWidget(self.text_page)

    def show_speaker(self, participant_id: uuid.UUID) -> None:
        old = self.card
        prepared, self.prepared = self.prepared, None
        if prepared is not None and prepared.participant_id == participant_id:
            card = prepared
        else:
            card = self._build(participant_id)
            if prepared is not None:
                self._discard(prepared)
        self.card = card
        self.setCurrentWidget(card)
        card.setEnabled(card.ready)
        if card.ready:
            card.first_input().setFocus()
        if old is not None and old is not card:
            self._discard(old)
        self.card_shown.emit(card)

    def show_nobody(self, text: str) -> None:
        old, self.card = self.card, None
        self.show_text(text)
        if old is not None:
            self._discard(old)

    def on_state_ready(self, state: CardState) -> None:
        card = self.card
        if card is not None and card.participant_id == state.participant_id:
            if not card.ready:
                card.apply_state(state)
                card.setEnabled(True)
                card.first_input().setFocus()
            return
        if state.participant_id == self.controller.next_up:
            if self.prepared is not None:
                self._discard(self.prepared)
            self.prepared = self._build(state.participant_id)

    def drop_stale_prepared(self) -> None:
        """The controller read the cards again: a card built ahead from older facts goes
        (the next read-ahead builds it anew). The card on screen stays, with what is typed."""
        prepared = self.prepared
        if prepared is None:
            return
        pid = prepared.participant_id
        if pid not in self.controller.states or self.controller.card(pid) != prepared.card:
            self.prepared = None
            self._discard(prepared)

    def set_presence(self, presence: PresenceRow) -> None:
        for card in (self.card, self.prepared):
            if card is not None and card.participant_id == presence.participant_id:
                card.set_presence(presence)

    def _build(self, participant_id: uuid.UUID) -> LiveCard:
        setup = self.controller.setup
        assert setup is not None
        info = self.controller.card(participant_id)
        day = setup.evaluation.day
        card: LiveCard
        if self.controller.kind is RoundKind.CLOSING:
            card = ClosingCard(info, day=day, parent=self)
        else:
            card = CheckInCard(info, day=day, has_cravings=setup.cohort.has_cravings, parent=self)
        card.edited.connect(self.edited)
        card.commit_requested.connect(self.commit_requested)
        self.addWidget(card)
        state = self.controller.state(participant_id)
        if state is not None:
            card.apply_state(state)
        return card

    def _discard(self, card: LiveCard) -> None:
        self.removeWidget(card)
        card.hide()
        card.deleteLater()

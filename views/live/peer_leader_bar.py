"""The closing round's choice of next session's peer leader, with the engine's suggestion."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.services.accountability.calendar import short_date
from app.services.accountability.suggestions import PeerLeaderSuggestion
from app.services.sessions import SessionRow
from views.errors import user_message
from views.live.write_queue import SerialLane

if TYPE_CHECKING:
    from app.services.container import Services
    from app.tasks import TaskRunner

NOBODY = "Nobody yet"


class PeerLeaderBar(QWidget):
    """Loads next session and the ranking (who has waited longest to lead first); choosing a
    name saves it on next session at once (one write). ``saved(name)`` reports it."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        lane: SerialLane,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("peerLeaderBar")
        self._services, self._tasks, self._lane = services, tasks, lane
        self.next_session: SessionRow | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Peer leader next session:", self)
        layout.addWidget(self.title)
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Peer leader for the next session")
        self.choice.setMinimumContentsLength(18)
        self.choice.setEnabled(False)
        self.title.setBuddy(self.choice)
        layout.addWidget(self.choice)
        self.suggestion = QLabel("", self)
        self.suggestion.setWordWrap(True)
        layout.addWidget(self.suggestion, 1)
        self._loading = False
        self.choice.currentIndexChanged.connect(self._on_chosen)

    def load(self, session_id: uuid.UUID) -> None:
        services = self._services

        def work() -> tuple[SessionRow | None, list[PeerLeaderSuggestion]]:
            following = services.round_entries.next_session(session_id)
            if following is None:
                return None, []
            return following, services.accountability.peer_leaders(following.id)

        self._tasks.submit(
            work, on_success=self._on_loaded, on_failure=self._on_failed, owner=self, name="leaders"
        )

    def _on_loaded(self, loaded: tuple[SessionRow | None, list[PeerLeaderSuggestion]]) -> None:
        following, ranking = loaded
        self.next_session = following
        self._loading = True
        self.choice.clear()
        if following is None:
            self.title.setText("Peer leader:")
            self.suggestion.setText("No next session is scheduled yet.")
            self._loading = False
            return
        self.title.setText(f"Peer leader on {short_date(following.local_date)}:")
        self.choice.addItem(NOBODY, None)
        for row in ranking:
            self.choice.addItem(row.display_name, row.participant_id)
        chosen = self.choice.findData(following.peer_leader_id) if following.peer_leader_id else 0
        self.choice.setCurrentIndex(max(0, chosen))
        if ranking:
            best = ranking[0]
            self.suggestion.setText(f"Suggested: {best.display_name}. {best.reason}")
        self.choice.setEnabled(True)
        self._loading = False

    def _on_chosen(self, _index: int) -> None:
        if self._loading or self.next_session is None:
            return
        chosen = self.choice.currentData()
        name = self.choice.currentText()
        entries, session_id = self._services.round_entries, self.next_session.id
        self._lane.submit(
            lambda: entries.set_peer_leader(session_id, chosen),
            on_success=lambda _row: self.saved.emit(name),
            on_failure=self._on_failed,
            coalesce="peer-leader",
        )

    def _on_failed(self, error: Exception) -> None:
        self.failed.emit(user_message(error))

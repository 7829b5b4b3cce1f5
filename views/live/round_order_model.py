"""The round's speaking order as a list model: who has spoken, who is speaking, who was skipped."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.services.round.view import RoundView, TurnRow
from models import TurnStatus
from views.roles import ROW_ROLE, SORT_ROLE  # the whole TurnRow; the speaking position

Index = QModelIndex | QPersistentModelIndex


class TurnState(enum.StrEnum):
    SPEAKING = "speaking now"
    DONE = "has spoken"
    SKIPPED = "skipped for now: come back with Alt+B"
    WAITING = "waiting"


MARKS = {
    TurnState.SPEAKING: "▶",
    TurnState.DONE: "✓",
    TurnState.SKIPPED: "↷",
    TurnState.WAITING: "·",
}


class RoundOrderModel(QAbstractListModel):
    """Thin adapter over ``RoundView.turns``; ``set_view`` updates in place when only the
    statuses changed, and resets when the order or the people changed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._turns: tuple[TurnRow, ...] = ()
        self._current: uuid.UUID | None = None

    def set_view(self, view: RoundView | None) -> None:
        turns = view.turns if view is not None else ()
        current = view.current_participant_id if view is not None else None
        same_people = [t.participant_id for t in turns] == [t.participant_id for t in self._turns]
        if not same_people:
            self.beginResetModel()
            self._turns, self._current = turns, current
            self.endResetModel()
            return
        self._turns, self._current = turns, current
        if turns:
            self.dataChanged.emit(self.index(0), self.index(len(turns) - 1))

    def state(self, turn: TurnRow) -> TurnState:
        if turn.participant_id == self._current:
            return TurnState.SPEAKING
        if turn.status is TurnStatus.DONE:
            return TurnState.DONE
        if turn.status is TurnStatus.SKIPPED:
            return TurnState.SKIPPED
        return TurnState.WAITING

    def row_of(self, participant_id: uuid.UUID) -> int:
        for row, turn in enumerate(self._turns):
            if turn.participant_id == participant_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._turns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._turns):
            return None
        turn = self._turns[index.row()]
        state = self.state(turn)
        name = f"{turn.display_name} ({turn.pronouns})" if turn.pronouns else turn.display_name
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{MARKS[state]}  {name}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{index.row() + 1}. {name}: {state.value}"
        if role == Qt.ItemDataRole.FontRole and state is TurnState.SPEAKING:
            font = QFont()
            font.setBold(True)
            return font
        if role == ROW_ROLE:
            return turn
        if role == SORT_ROLE:
            return turn.position
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

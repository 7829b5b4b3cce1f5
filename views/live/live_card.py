"""What every live card shares: the person's header, Enter to commit, change tracking, presence."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.accountability.cards import ParticipantCard
from app.services.round.entries import CardState, PresenceRow
from models import AttendanceStatus
from views.heading import heading_label, note_label
from views.live.key_inputs import NoteEdit, ScoreInput

_ENTER = (Qt.Key.Key_Return.value, Qt.Key.Key_Enter.value)


def presence_text(presence: PresenceRow | None) -> str:
    if presence is None:
        return "Attendance not marked yet"
    if presence.status is AttendanceStatus.LATE and presence.arrived_minute:
        return f"Late: arrived at minute {presence.arrived_minute}"
    if presence.status is AttendanceStatus.LEFT_EARLY:
        left = f" at minute {presence.left_minute}" if presence.left_minute is not None else ""
        late = f", arrived at minute {presence.arrived_minute}" if presence.arrived_minute else ""
        return f"Left early{left}{late}"
    return presence.status.value.replace("_", " ").capitalize()


class LiveCard(QWidget):
    """One person's card in a round.

    Contract: ``fields()`` is the whole typed state as text (what a draft keeps) and
    ``apply_state(state)`` puts a saved state back exactly; ``edited`` follows every change a
    person makes (not those of ``apply_state``); plain Enter in any input emits
    ``commit_requested`` (Shift+Enter stays a new line in notes). ``ready`` is False until
    the card's saved state has been applied.
    """

    edited = Signal()
    commit_requested = Signal()

    def __init__(self, card: ParticipantCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.participant_id: uuid.UUID = card.participant_id
        self.ready = False
        self.touched = False
        self._applying = False
        self._chain: list[QWidget] = []
        self.setAccessibleName(f"Card: {card.display_name}")
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(12, 8, 12, 8)
        header = QHBoxLayout()
        self.name_label = heading_label(card.display_name, self, scale=1.7)
        self.name_label.setObjectName("speakerName")
        header.addWidget(self.name_label)
        self.pronouns_label = note_label(card.pronouns, self)
        self.pronouns_label.setObjectName("speakerPronouns")
        header.addWidget(self.pronouns_label, 0, Qt.AlignmentFlag.AlignBottom)
        header.addStretch(1)
        self.presence_label = note_label(presence_text(None), self)
        self.presence_label.setWordWrap(False)
        self.presence_label.setObjectName("presence")
        self.presence_label.setAccessibleName("Attendance: not marked yet")
        header.addWidget(self.presence_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.outer.addLayout(header)

    # -- contract -----------------------------------------------------------------------

    def fields(self) -> dict[str, str]:
        raise NotImplementedError

    def apply_state(self, state: CardState) -> None:
        """Restore ``state`` (the draft over what was committed), without emitting ``edited``."""
        self._applying = True
        try:
            self._apply(state)
        finally:
            self._applying = False
        self.set_presence(state.presence)
        self.ready = True

    def _apply(self, state: CardState) -> None:
        raise NotImplementedError

    def first_input(self) -> QWidget:
        raise NotImplementedError

    def set_presence(self, presence: PresenceRow | None) -> None:
        text = presence_text(presence)
        self.presence_label.setText(text)
        self.presence_label.setAccessibleName(f"Attendance: {text}")

    # -- wiring for subclasses ----------------------------------------------------------

    def set_chain(self, widgets: Sequence[QWidget]) -> None:
        """Tab and Shift+Tab move through ``widgets`` in this order (the order the eye reads
        them) and wrap round inside the card, never off into the toolbar."""
        self._chain = list(widgets)
        for first, second in itertools.pairwise(self._chain):
            QWidget.setTabOrder(first, second)

    def focusNextPrevChild(self, forward: bool) -> bool:
        focused = self.focusWidget()  # also right while the window is not active
        chain = [w for w in self._chain if w.isVisibleTo(self) and w.isEnabled()]
        here = next(
            (
                i
                for i, w in enumerate(chain)
                if focused is not None and (w is focused or w.isAncestorOf(focused))
            ),
            None,
        )
        if here is None:
            return super().focusNextPrevChild(forward)
        target = chain[(here + (1 if forward else -1)) % len(chain)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True

    def watch(self, *inputs: QWidget) -> None:
        """Enter in these commits the card; their changes make the card ``edited``."""
        for widget in inputs:
            widget.installEventFilter(self)
            if isinstance(widget, ScoreInput | NoteEdit):
                widget.edited.connect(self._on_changed)
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._on_changed)
            elif isinstance(widget, QComboBox):
                editor = widget.lineEdit()
                if editor is not None:
                    editor.installEventFilter(self)
                widget.currentIndexChanged.connect(self._on_changed)
                widget.editTextChanged.connect(self._on_changed)
            elif isinstance(widget, QAbstractButton):
                widget.toggled.connect(self._on_changed)

    def _on_changed(self, *_args: object) -> None:
        if not self._applying:
            self.touched = True
            self.edited.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if int(event.key()) in _ENTER and not shift:
                self.commit_requested.emit()
                return True
        return super().eventFilter(watched, event)

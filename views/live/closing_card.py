"""The closing round's card: each goal for the coming week, with its value domain."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.accountability.cards import ParticipantCard
from app.services.errors import InvalidInput
from app.services.goals.service import STANDARD_DOMAINS, value_domain
from app.services.round.commit import GoalLine
from app.services.round.entries import CardState
from views.field_message import FieldMessage
from views.heading import heading_label, note_label
from views.live.about_panel import AboutPanel
from views.live.live_card import LiveCard

MAX_LINES = 5


class _GoalLineEditor:
    """One goal line: the goal in the person's words and its value domain."""

    def __init__(self, number: int, domains: list[str], parent: QWidget) -> None:
        self.goal_id: uuid.UUID | None = None
        self.text = QLineEdit(parent)
        self.text.setMaxLength(500)
        self.text.setPlaceholderText("A goal for the coming week, in their words")
        self.text.setAccessibleName(f"Goal {number} for the coming week")
        self.domain = QComboBox(parent)
        self.domain.setEditable(True)
        self.domain.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.domain.addItems(domains)
        self.domain.setCurrentIndex(-1)
        self.domain.setEditText("")
        editor = self.domain.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("Value domain")
        self.domain.setAccessibleName(f"Value domain of goal {number}")
        self.domain.setMinimumContentsLength(14)
        self.note = note_label("", parent)

    def line(self) -> GoalLine:
        return GoalLine(self.text.text(), self.domain.currentText().strip(), self.goal_id)


class ClosingCard(LiveCard):
    """The closing round's card; see ``LiveCard``. A new empty line appears once the last one
    has text (up to five); goals carried forward this session come first, editable."""

    def __init__(self, card: ParticipantCard, *, day: dt.date, parent: QWidget | None = None):
        super().__init__(card, parent)
        body = QHBoxLayout()
        self.outer.addLayout(body, 1)
        left = QVBoxLayout()
        left.addWidget(heading_label("Goals for the coming week", self, scale=1.1))
        left.addWidget(note_label("Type the domain or pick one: their values come first.", self))
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 1)
        left.addWidget(self._grid_host)
        self.message = FieldMessage(None, self)
        left.addWidget(self.message)
        left.addStretch(1)
        body.addLayout(left, 3)
        self.about = AboutPanel(card, day, self)
        body.addWidget(self.about, 2)
        own = [v.text for v in card.values]
        self._domains = own + [d for d in STANDARD_DOMAINS if d not in {o.lower() for o in own}]
        self.lines: list[_GoalLineEditor] = []
        self._add_line()

    def first_input(self) -> QWidget:
        return self.lines[0].text

    def _add_line(self) -> _GoalLineEditor:
        editor = _GoalLineEditor(len(self.lines) + 1, self._domains, self._grid_host)
        row = len(self.lines) * 2
        self._grid.addWidget(editor.text, row, 0)
        self._grid.addWidget(editor.domain, row, 1)
        self._grid.addWidget(editor.note, row + 1, 0, 1, 2)
        editor.note.hide()
        editor.text.show()  # now, not when the layout gets round to it: Tab may come first
        editor.domain.show()
        self.lines.append(editor)
        self.watch(editor.text, editor.domain)
        editor.text.textChanged.connect(self._grow)
        inputs = [w for e in self.lines for w in (e.text, e.domain)]
        self.set_chain([*inputs, *self.about.focusable()])
        return editor

    def _grow(self, *_args: object) -> None:
        if self.lines[-1].text.text().strip() and len(self.lines) < MAX_LINES:
            self._add_line()

    def fields(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for index, editor in enumerate(self.lines):
            fields[f"line.{index}.text"] = editor.text.text()
            fields[f"line.{index}.domain"] = editor.domain.currentText()
            fields[f"line.{index}.goal"] = editor.goal_id.hex if editor.goal_id else ""
        return fields

    def _apply(self, state: CardState) -> None:
        if state.draft is not None:
            fields = state.draft.as_dict()
        else:
            fields = {}
            for index, goal in enumerate(state.goals_set):
                fields[f"line.{index}.text"] = goal.text
                fields[f"line.{index}.domain"] = goal.value_domain
                fields[f"line.{index}.goal"] = goal.id.hex
        carried = {g.id.hex for g in state.goals_set if g.carried_from_id is not None}
        index = 0
        while f"line.{index}.text" in fields and index < MAX_LINES:
            while len(self.lines) <= index:
                self._add_line()
            editor = self.lines[index]
            goal_hex = fields.get(f"line.{index}.goal", "")
            editor.goal_id = uuid.UUID(hex=goal_hex) if goal_hex else None
            editor.text.setText(fields[f"line.{index}.text"])
            editor.domain.setEditText(fields.get(f"line.{index}.domain", ""))
            if goal_hex in carried:
                editor.note.setText("Carried forward from last time.")
                editor.note.show()
            index += 1
        self._grow()

    def entry(self) -> list[GoalLine] | None:
        """The lines to commit, or None (with the reason beside it) when one cannot be saved."""
        lines = []
        for editor in self.lines:
            line = editor.line()
            if not line.text.strip() and line.goal_id is None:
                continue
            if line.text.strip():
                try:
                    value_domain(line.domain)
                except InvalidInput as error:
                    message = error.message
                    if not line.domain:
                        message = "Give this goal a value domain: one of theirs, or a standard one."
                    self.message.show_message(message)
                    editor.domain.setFocus()
                    return None
            lines.append(line)
        self.message.clear_message()
        return lines

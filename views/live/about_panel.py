"""The facilitator's side of a card: last time, values, partner, milestones, prompts and flags."""

from __future__ import annotations

import datetime as dt
import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.services.accountability.calendar import short_date
from app.services.accountability.cards import ParticipantCard
from app.services.accountability.prompts import FollowUpPrompt
from app.services.accountability.records import RecordRef
from views.heading import heading_label, note_label
from views.theme import meaning

# (light theme, dark theme): calm colours with at least 7:1 contrast on their background.


def _escape(text: str) -> str:
    return html.escape(" ".join(text.split()))


def _link(ref: RecordRef, label: str) -> str:
    return f'<a href="record:{ref.entity}:{ref.id.hex}">{html.escape(label)}</a>'


def describe(card: ParticipantCard, ref: RecordRef, day: dt.date) -> str:
    """What the record a prompt came from is, in one plain line (from the card's own data)."""
    for goal in card.goals_due:
        if ref.entity == "goal" and goal.goal_id == ref.id:
            return f"Goal set {short_date(goal.set_on)}: {goal.text} ({goal.value_domain})."
    for value in card.values:
        if ref.entity == "value" and value.id == ref.id:
            return f"Value ranked {value.rank}: {value.text}."
    for milestone in card.milestones:
        if milestone.source == ref:
            return f"Milestone: {milestone.label}, {short_date(milestone.date)}."
    if card.last_shared is not None and ref.id == card.last_shared.checkin_id:
        return f"Check-in of {short_date(card.last_shared.session_date)}."
    if ref.entity == "group_session":
        return "The session they missed (see Attendance)."
    return f"{ref.entity.replace('_', ' ').capitalize()} record {ref.id.hex[:8]}."


class AboutPanel(QFrame):
    """Read-only facts for the facilitator, from the engine's ``ParticipantCard``.

    Flags and private prompts are marked as facilitator-only (this window is never shared;
    the presenter window gets none of this). Each prompt links to its source record;
    activating a link (mouse, or Tab then Enter) says what that record is, below the list,
    and emits ``record_opened(ref)``.
    """

    record_opened = Signal(object)

    def __init__(self, card: ParticipantCard, day: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"About {card.display_name}, for the facilitator")
        self._card, self._day = card, day
        colours = self.palette()
        self._flag_colour = meaning(colours, "flag").name()
        self._private_colour = meaning(colours, "private").name()
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("For you", self, scale=1.1))
        layout.addWidget(self._line("Last time", self._last_time()))
        if card.missed_last_session:
            layout.addWidget(
                self._line("Attendance", "Missed the last session.", self._flag_colour)
            )
        partners = ", ".join(card.partner_names) or "No accountability partner right now."
        layout.addWidget(self._line("Partner", partners))
        values = " · ".join(f"{v.rank}. {v.text}" for v in card.values) or "None named yet."
        layout.addWidget(self._line("Values", values))
        if card.milestones:
            text = "; ".join(m.phrase(day) for m in card.milestones)
            layout.addWidget(self._line("Milestones", text))
        self.prompts = self._prompts(card.prompts)
        layout.addWidget(self.prompts)
        self.source_label = note_label("", self)
        self.source_label.setObjectName("promptSource")
        self.source_label.hide()
        layout.addWidget(self.source_label)
        if card.flags:
            layout.addWidget(self._flags())
        layout.addStretch(1)

    def focusable(self) -> list[QWidget]:
        """What Tab reaches here: the prompts' links."""
        return [self.prompts] if self._card.prompts else []

    def _last_time(self) -> str:
        last = self._card.last_shared
        if last is None:
            return "Nothing shared with the group yet."
        mood = f"mood {last.mood}" if last.mood is not None else "no mood given"
        words = f" · {last.emotion_words}" if last.emotion_words else ""
        return f"{short_date(last.session_date)}: {mood}{words}"

    def _line(self, title: str, text: str, colour: str = "") -> QLabel:
        style = f' style="color:{colour}"' if colour else ""
        label = QLabel(f"<b>{html.escape(title)}:</b> <span{style}>{_escape(text)}</span>", self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName(f"{title}: {text}")
        return label

    def _prompts(self, prompts: tuple[FollowUpPrompt, ...]) -> QLabel:
        items = []
        for prompt in prompts:
            link = _link(prompt.source, prompt.source.entity.replace("_", " "))
            if prompt.group_safe:
                items.append(f"<li>{_escape(prompt.text)} <small>(from {link})</small></li>")
            else:
                items.append(
                    f'<li><span style="color:{self._private_colour}"><b>One-to-one, not aloud:</b> '
                    f"{_escape(prompt.text)}</span> <small>(from {link})</small></li>"
                )
        body = f"<ul>{''.join(items)}</ul>" if items else "<p>No prompts this time.</p>"
        label = QLabel(f"<b>Follow up</b>{body}", self)
        label.setObjectName("prompts")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        label.setAccessibleName("Follow-up prompts: " + " ".join(p.text for p in prompts))
        label.linkActivated.connect(self._on_link)
        return label

    def _flags(self) -> QLabel:
        reasons = "".join(f"<li>{_escape(flag.reason)}</li>" for flag in self._card.flags)
        label = QLabel(
            f'<div style="color:{self._flag_colour}"><b>⚑ Needs a check-in</b> '
            "<small>(facilitator and clinician only: never show the group)</small>"
            f"<ul>{reasons}</ul></div>",
            self,
        )
        label.setObjectName("flags")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName(
            "Flags, facilitator only: " + " ".join(f.reason for f in self._card.flags)
        )
        return label

    def _on_link(self, href: str) -> None:
        _scheme, entity, hex_id = href.split(":", 2)
        ref = RecordRef(entity, uuid.UUID(hex=hex_id))
        text = describe(self._card, ref, self._day)
        self.source_label.setText(f"Source: {text}")
        self.source_label.setAccessibleName(f"Source: {text}")
        self.source_label.show()
        self.record_opened.emit(ref)

"""The round window's commands, each with its key, and the key legend shown under the card."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolBar, QToolButton, QWidget

from models import RoundOrder

ORDERS = (
    (RoundOrder.ALPHABETICAL, "Alphabetical"),
    (RoundOrder.RANDOM, "Random"),
    (RoundOrder.REVERSE_LAST, "Reverse of last time"),
)
KEY_LEGEND = (
    "Enter: done, next person  ·  Alt+S: skip for now  ·  Alt+B: come back to…  ·  "
    "Alt+A: arrived late  ·  Alt+E: left early  ·  Shift+Enter: new line in a note"
)


@dataclass(frozen=True, slots=True)
class RoundActions:
    """Every command of the round window; the window connects them."""

    done: QAction
    skip: QAction
    come_back: QAction
    late: QAction
    left_early: QAction
    order: QAction
    time_limit: QAction
    agenda: QAction
    presenter: QAction
    peer_leader: QAction
    closing: QAction
    finish: QAction

    @classmethod
    def create(cls, parent: QWidget) -> RoundActions:
        def action(text: str, key: str, tip: str, *, checkable: bool = False) -> QAction:
            made = QAction(text, parent)
            if key:
                made.setShortcut(QKeySequence(key))
                made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.setToolTip(f"{tip} ({key})" if key else tip)
            made.setStatusTip(tip)
            made.setCheckable(checkable)
            parent.addAction(made)
            return made

        return cls(
            done=action("Done, next", "", "Save this person's check-in and go on (Enter)"),
            skip=action("Skip for now", "Alt+S", "Pass over this person; the round comes back"),
            come_back=action("Come back to…", "Alt+B", "Choose someone in the order to go to"),
            late=action("Arrived late", "Alt+A", "Mark this person late, arriving now"),
            left_early=action("Left early", "Alt+E", "Mark this person as leaving now"),
            order=action("Order", "Alt+O", "Change the order of those still to speak"),
            time_limit=action("Time per speaker", "Alt+T", "Set the gentle time limit"),
            agenda=action("Agenda", "Alt+G", "Show or hide the agenda", checkable=True),
            presenter=action(
                "Group screen", "Alt+P", "Open the window to share with the group", checkable=True
            ),
            peer_leader=action("Peer leader", "Alt+L", "Choose next session's peer leader"),
            closing=action(
                "Closing round", "Alt+C", "Finish check-ins and begin the closing round"
            ),
            finish=action("Finish round", "Alt+F", "End this round (those skipped did not speak)"),
        )


class RoundToolbar(QToolBar):
    """The commands, the order of those still to speak and the time per speaker. Its buttons
    take no focus: Tab stays in the card, and every command has its key."""

    def __init__(self, actions: RoundActions, parent: QWidget) -> None:
        super().__init__("Round", parent)
        self.setObjectName("roundToolbar")
        self.setMovable(False)
        a = actions
        for action in (a.done, a.skip, a.come_back, a.late, a.left_early):
            self.addAction(action)
        self.addSeparator()
        self.order_choice = QComboBox(self)
        self.order_choice.setAccessibleName("Order of those still to speak")
        for method, label in ORDERS:
            self.order_choice.addItem(label, method.value)
        self.addWidget(QLabel(" Order: ", self))
        self.addWidget(self.order_choice)
        self.limit = QSpinBox(self)
        self.limit.setRange(0, 30)
        self.limit.setSuffix(" min")
        self.limit.setSpecialValueText("No limit")
        self.limit.setAccessibleName("Time per speaker, in minutes")
        self.addWidget(QLabel(" Time each: ", self))
        self.addWidget(self.limit)
        self.addSeparator()
        for action in (a.agenda, a.presenter, a.closing, a.finish):
            self.addAction(action)
        for button in self.findChildren(QToolButton):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

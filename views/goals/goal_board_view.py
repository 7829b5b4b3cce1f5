"""The goal board's widgets: session picker, report-back and week tables, forms, rates, history."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from views.goals.goal_forms import NewGoalForm, OutcomePanel
from views.goals.goal_models import (
    CompletionColumn,
    CompletionModel,
    DueGoalsModel,
    HistoryModel,
    WeekGoalsModel,
)
from views.heading import heading_label, note_label
from views.roles import SORT_ROLE
from views.tables import table_view

FORM_WIDTH = 360
RATE_ROLE = SORT_ROLE  # the completion column's sort value is the rate itself (or -1)


class RateBarDelegate(QStyledItemDelegate):
    """The completion rate as a bar in the palette's highlight colour, with its percentage.

    Colours come from the palette at paint time, so the bars follow the light or dark theme.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text, item.text = item.text, ""
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        rate = index.data(RATE_ROLE)
        area = option.rect.adjusted(4, 5, -52, -5)
        painter.save()
        if isinstance(rate, float) and rate >= 0 and area.width() > 10:
            painter.setPen(Qt.PenStyle.NoPen)
            track = option.palette.color(QPalette.ColorRole.Midlight)
            painter.setBrush(track)
            painter.drawRoundedRect(area, 3, 3)
            bar = QRect(area.topLeft(), area.size())
            bar.setWidth(max(2, round(area.width() * rate)))
            painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(bar, 3, 3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(option.palette.color(role))
        painter.drawText(
            option.rect.adjusted(0, 0, -4, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        painter.restore()


def section_title(text: str, parent: QWidget) -> QLabel:
    return heading_label(text, parent, scale=1.1)


class GoalBoardView(QWidget):
    """Widgets only: ``GoalsPage`` fills them and reacts to them.

    The tab order follows the eye: session, the tabs, then on the board tab the goals due,
    the report-back form, this week's goals and the new-goal form.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goalBoard")
        self.session = QComboBox(self)
        self.session.setObjectName("goalSession")
        self.session.setAccessibleName("Session")
        self.session.setToolTip("The session whose report-back round and week the board shows")
        self.session.setMinimumContentsLength(28)
        session_label = QLabel("Se&ssion:", self)
        session_label.setBuddy(self.session)
        self.summary = note_label("", self)
        self.summary.setObjectName("goalSummary")
        self.feedback = QLabel(self)
        self.feedback.setObjectName("goalFeedback")
        self.feedback.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(session_label)
        top.addWidget(self.session)
        top.addWidget(self.summary, 1)

        self.due_model = DueGoalsModel(self)
        self.week_model = WeekGoalsModel(self)
        self.people_model = CompletionModel("Person", self)
        self.domain_model = CompletionModel("Value", self)
        self.history_model = HistoryModel(self)
        self.due_view = table_view(self.due_model, "dueGoals", (1,), self)
        self.due_view.setAccessibleName("Goals due for report-back")
        self.week_view = table_view(self.week_model, "weekGoals", (1,), self)
        self.week_view.setAccessibleName("This week's goals")
        rate = (CompletionColumn.RATE,)  # names keep their width; the spare room goes here
        self.people_view = table_view(self.people_model, "completionByPerson", rate, self)
        self.people_view.setAccessibleName("Completion by person")
        self.domain_view = table_view(self.domain_model, "completionByValue", rate, self)
        self.domain_view.setAccessibleName("Completion by value")
        self.history_view = table_view(self.history_model, "goalHistory", (2, 5), self)
        self.history_view.setAccessibleName("Report-back history")
        self.outcome = OutcomePanel(self)
        self.new_goal = NewGoalForm(self)

        self.due_box = QGroupBox("Due for report-back", self)
        self.due_hint = note_label("", self)
        self.week_box = QGroupBox("This week’s goals", self)
        self.week_hint = note_label("", self)
        self.week_hint.setObjectName("weekHint")
        self.completion_note = note_label(
            "Current members’ report-backs on goals set in this cohort. Completion counts a "
            "goal done as 1 and partly done as ½.",
            self,
        )
        self.history_note = note_label("", self)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("goalTabs")
        self.tabs.setAccessibleName("Goal views")
        self.tabs.addTab(self._board_tab(), "&Board")
        self.tabs.addTab(self._completion_tab(), "Co&mpletion")
        self.tabs.addTab(self._history_tab(), "&History")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.feedback)
        layout.addWidget(self.tabs, 1)
        self.feedback.hide()
        chain = [
            self.session,
            self.tabs,
            self.due_view,
            *self.outcome.radios.values(),
            self.outcome.note,
            self.outcome.record_button,
            self.outcome.carry_button,
            self.week_view,
            self.new_goal.person,
            self.new_goal.text,
            self.new_goal.domain,
            self.new_goal.set_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _board_tab(self) -> QWidget:
        tab = QWidget(self)
        # Section titles in bold, their contents not: a stylesheet on fonts only, so the
        # palette (and the dark theme) stays with Fusion.
        tab.setStyleSheet("QGroupBox { font-weight: bold; } QGroupBox * { font-weight: normal; }")
        grid = QGridLayout(tab)
        for row, (box, hint, table) in enumerate(
            (
                (self.due_box, self.due_hint, self.due_view),
                (self.week_box, self.week_hint, self.week_view),
            )
        ):
            inner = QVBoxLayout(box)
            inner.addWidget(hint)
            inner.addWidget(table, 1)
            grid.addWidget(box, row, 0)
        for row, form in enumerate((self.outcome, self.new_goal)):
            form.setMaximumWidth(FORM_WIDTH)  # the goals' own words need the room more
            grid.addWidget(form, row, 1)
        grid.setColumnStretch(0, 1)
        return tab

    def _completion_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.completion_note)
        for title, view, stretch in (
            ("By person", self.people_view, 3),
            ("By value", self.domain_view, 2),
        ):
            view.setItemDelegateForColumn(CompletionColumn.RATE, RateBarDelegate(view))
            layout.addWidget(section_title(title, tab))
            layout.addWidget(view, stretch)
        return tab

    def _history_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.history_note)
        layout.addWidget(self.history_view, 1)
        return tab

"""The check-in round's card: mood, craving, feelings, report-backs, went well, hard, sharing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.accountability.calendar import short_date
from app.services.accountability.cards import ParticipantCard
from app.services.checkins import MAX_TEXT, CheckInDraft
from app.services.figures.goals import GoalDue
from app.services.round.commit import RecordedReview, ReportBack
from app.services.round.entries import CardState
from models import ReviewOutcome, ShareScope
from views.field_message import FieldMessage
from views.heading import heading_label, note_label
from views.live.about_panel import AboutPanel
from views.live.emotion_words import STANDARD_EMOTION_WORDS
from views.live.key_inputs import SCORE_HINT, NoteEdit, ScoreInput, WordsInput
from views.live.live_card import LiveCard

OUTCOMES = (
    (ReviewOutcome.DONE, "Done"),
    (ReviewOutcome.PARTLY, "Partly"),
    (ReviewOutcome.NOT_DONE, "Not done"),
)


class ReportBackRow(QWidget):
    """One goal to report back on: the outcome (type D, P or N), carry forward, a barrier note."""

    def __init__(self, goal: GoalDue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.goal = goal
        self.key = f"goal.{goal.goal_id.hex}"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        title = QLabel(f"“{goal.text}”  ·  {goal.value_domain}  ·  set {short_date(goal.set_on)}")
        title.setWordWrap(True)
        layout.addWidget(title)
        row = QHBoxLayout()
        self.outcome = QComboBox(self)
        self.outcome.setPlaceholderText("Not told: D, P, N")
        for outcome, label in OUTCOMES:
            self.outcome.addItem(label, outcome.value)
        self.outcome.setCurrentIndex(-1)
        self.outcome.setAccessibleName(f"Outcome of “{goal.text}” (D, P or N)")
        self.outcome.setToolTip("Type D for done, P for partly, N for not done")
        self.carry = QCheckBox("Carry forward", self)
        self.carry.setAccessibleName(f"Carry “{goal.text}” forward to the coming week")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("What got in the way?")
        self.note.setMaxLength(1000)
        self.note.setAccessibleName(f"Barrier note for “{goal.text}”")
        row.addWidget(self.outcome)
        row.addWidget(self.carry)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self.recorded = note_label("", self)
        self.recorded.hide()
        layout.addWidget(self.recorded)
        self.outcome.currentIndexChanged.connect(self._on_outcome)
        self._on_outcome()

    def inputs(self) -> tuple[QWidget, ...]:
        return (self.outcome, self.carry, self.note)

    def _on_outcome(self, *_args: object) -> None:
        done = self.outcome.currentData() == ReviewOutcome.DONE.value
        self.carry.setEnabled(not done)
        if done:
            self.carry.setChecked(False)

    def fields(self) -> dict[str, str]:
        if self.recorded.text():
            return {}
        return {
            f"{self.key}.outcome": self.outcome.currentData() or "",
            f"{self.key}.carry": "1" if self.carry.isChecked() else "",
            f"{self.key}.note": self.note.text(),
        }

    def apply(self, fields: dict[str, str]) -> None:
        outcome = fields.get(f"{self.key}.outcome", "")
        self.outcome.setCurrentIndex(self.outcome.findData(outcome) if outcome else -1)
        self.carry.setChecked(fields.get(f"{self.key}.carry") == "1")
        self.note.setText(fields.get(f"{self.key}.note", ""))

    def show_recorded(self, review: RecordedReview) -> None:
        label = dict(OUTCOMES)[review.outcome]
        carried = ", carried forward" if review.carried_goal_id else ""
        note = f": {review.barrier_note}" if review.barrier_note else ""
        self.recorded.setText(f"Recorded this session: {label}{carried}{note}")
        self.recorded.show()
        for widget in self.inputs():
            widget.setEnabled(False)

    def report_back(self) -> ReportBack | None:
        if self.recorded.text() or self.outcome.currentIndex() < 0:
            return None
        return ReportBack(
            self.goal.goal_id,
            ReviewOutcome(self.outcome.currentData()),
            self.note.text().strip(),
            self.carry.isChecked(),
        )


class CheckInCard(LiveCard):
    """The opening round's card; see ``LiveCard`` for the contract. Tab order is the eye's:
    mood, craving, feelings, each report-back, went well, hard this week, sharing."""

    def __init__(
        self,
        card: ParticipantCard,
        *,
        day: dt.date,
        has_cravings: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(card, parent)
        body = QHBoxLayout()
        self.outer.addLayout(body, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        form_host = QWidget(scroll)
        host_column = QVBoxLayout(form_host)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        host_column.addLayout(form)
        host_column.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.mood = ScoreInput(form_host)
        self.mood.setAccessibleName("Mood, 0 to 10")
        form.addRow("Mood", _with_hint(self.mood, form_host))
        self.craving: ScoreInput | None = None
        if has_cravings:
            self.craving = ScoreInput(form_host)
            self.craving.setAccessibleName("Craving, 0 to 10")
            form.addRow("Craving", _with_hint(self.craving, form_host))
        self.words = WordsInput(form_host)
        self.words.setMaxLength(200)
        self.words.setPlaceholderText("Feeling words, separated by commas")
        self.words.setAccessibleName("Feeling words")
        form.addRow("Feelings", self.words)
        self.reports = [ReportBackRow(goal, form_host) for goal in card.goals_due]
        if self.reports:
            heading = heading_label("Report back", form_host, scale=1.05)
            heading.setWordWrap(False)
            form.addRow(heading)
            for report in self.reports:
                form.addRow(report)
        self.accomplishments = NoteEdit(form_host)
        self.accomplishments.setAccessibleName("Went well (accomplishments)")
        form.addRow("Went well", self.accomplishments)
        self.challenges = NoteEdit(form_host)
        self.challenges.setAccessibleName("Hard this week (challenges)")
        form.addRow("Hard this week", self.challenges)
        self.private = QCheckBox("Clinician only: keep this check-in out of the group's view")
        self.private.setAccessibleName("Clinician only: not shared with the group")
        form.addRow("", self.private)
        self.message = FieldMessage(None, form_host)
        form.addRow(self.message)
        scroll.setWidget(form_host)
        body.addWidget(scroll, 3)
        self.about = AboutPanel(card, day, self)
        body.addWidget(self.about, 2)

        inputs: list[QWidget] = [self.mood]
        if self.craving is not None:
            inputs.append(self.craving)
        inputs.append(self.words)
        for report in self.reports:
            inputs.extend(report.inputs())
        inputs += [self.accomplishments, self.challenges, self.private]
        self.set_chain([*inputs, *self.about.focusable()])
        self.watch(*inputs)
        self.words.set_words(STANDARD_EMOTION_WORDS)

    def first_input(self) -> QWidget:
        return self.mood

    def fields(self) -> dict[str, str]:
        fields = {
            "mood": self.mood.text(),
            "words": self.words.text(),
            "accomplishments": self.accomplishments.text(),
            "challenges": self.challenges.text(),
            "scope": ShareScope.CLINICIAN.value if self.private.isChecked() else "group",
        }
        if self.craving is not None:
            fields["craving"] = self.craving.text()
        for report in self.reports:
            fields.update(report.fields())
        return fields

    def _apply(self, state: CardState) -> None:
        self.words.set_words([*state.past_words, *STANDARD_EMOTION_WORDS])
        if state.draft is not None:
            fields = state.draft.as_dict()
        elif state.check_in is not None:
            c = state.check_in
            fields = {
                "mood": "" if c.mood is None else str(c.mood),
                "craving": "" if c.craving is None else str(c.craving),
                "words": c.emotion_words,
                "accomplishments": c.accomplishments,
                "challenges": c.challenges,
                "scope": c.share_scope.value,
            }
        else:
            fields = {}
        self.mood.set_score(_score(fields.get("mood", "")))
        if self.craving is not None:
            self.craving.set_score(_score(fields.get("craving", "")))
        self.words.setText(fields.get("words", ""))
        self.accomplishments.setText(fields.get("accomplishments", ""))
        self.challenges.setText(fields.get("challenges", ""))
        self.private.setChecked(fields.get("scope") == ShareScope.CLINICIAN.value)
        recorded = {r.goal_id: r for r in state.reviews}
        for report in self.reports:
            report.apply(fields)
            if report.goal.goal_id in recorded:
                report.show_recorded(recorded[report.goal.goal_id])

    def entry(self) -> tuple[CheckInDraft, list[ReportBack]] | None:
        """What to commit, or None (with the reason shown) when something cannot be saved."""
        for edit in (self.accomplishments, self.challenges):
            if len(edit.text().strip()) > MAX_TEXT:
                self.message.show_message(
                    f"{edit.accessibleName()} can be at most {MAX_TEXT} characters."
                )
                edit.setFocus()
                return None
        self.message.clear_message()
        draft = CheckInDraft(
            mood=self.mood.score(),
            emotion_words=self.words.text().strip().rstrip(","),
            accomplishments=self.accomplishments.text(),
            challenges=self.challenges.text(),
            craving=self.craving.score() if self.craving is not None else None,
            share_scope=ShareScope.CLINICIAN if self.private.isChecked() else ShareScope.GROUP,
        )
        reports = [r for r in (report.report_back() for report in self.reports) if r]
        return draft, reports


def _score(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 <= int(text) <= 10 else None


def _with_hint(score: ScoreInput, parent: QWidget) -> QWidget:
    host = QWidget(parent)
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(score)
    row.addWidget(QLabel("/ 10", host))
    hint = note_label(SCORE_HINT, host)
    hint.setWordWrap(False)
    row.addWidget(hint)
    row.addStretch(1)
    host.setFocusProxy(score)
    return host

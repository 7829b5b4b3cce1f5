"""Inputs for typing a check-in fast: a 0–10 score by number keys, words with completion, notes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QCompleter, QLineEdit, QPlainTextEdit, QWidget

SCORE_HINT = "0–9, or 1 then 0 for 10"
_DIGITS = {getattr(Qt.Key, f"Key_{n}").value: n for n in range(10)}
_ERASE = (Qt.Key.Key_Backspace.value, Qt.Key.Key_Delete.value)
_COMMANDS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class ScoreInput(QLineEdit):
    """A 0–10 score typed with one key (two for 10), then focus moves on by itself.

    The scheme, shown beside the field: a digit 0 and 2–9 is the score at once. After 1 the
    field waits for one more key: 0 makes 10, another digit replaces the 1, and anything else
    keeps 1 and goes on to the next field (so "1" then "t" starts the next field with "t").
    A letter typed here means the facilitator has moved on: the score is left as it is and
    the letter goes to the next field (a person may give no craving, or no mood). Backspace
    clears. ``edited`` follows every change; ``settled`` says the score is certain.
    """

    edited = Signal()
    settled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(2)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setPlaceholderText("–")
        self.setToolTip(SCORE_HINT)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("000") + 24)
        self._waiting_after_one = False

    def score(self) -> int | None:
        text = self.text().strip()
        return int(text) if text.isdigit() and 0 <= int(text) <= 10 else None

    def set_score(self, score: int | None) -> None:
        self._waiting_after_one = False
        self.setText("" if score is None else str(score))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = int(event.key()), event.text()
        command = bool(event.modifiers() & _COMMANDS)
        if key in _DIGITS and not command:
            self._type_digit(_DIGITS[key])
            return
        if key in _ERASE:
            self.set_score(None)
            self.edited.emit()
            return
        if text and text.isprintable() and not command:
            self._settle()  # letters never go into a score: they belong to the next field
            if not text.isspace():
                forward_key(event)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._waiting_after_one = False
        super().focusOutEvent(event)

    def _type_digit(self, digit: int) -> None:
        if self._waiting_after_one:
            self.set_score(10 if digit == 0 else digit)
            self.edited.emit()
            self._settle()
        elif digit == 1:
            self.set_score(1)
            self._waiting_after_one = True
            self.edited.emit()
        else:
            self.set_score(digit)
            self.edited.emit()
            self._settle()

    def _settle(self) -> None:
        self._waiting_after_one = False
        self.settled.emit()
        self.focusNextChild()


def forward_key(event: QKeyEvent) -> None:
    """Send a copy of ``event`` to the widget that has the focus now."""
    target = QApplication.focusWidget()
    if target is not None:
        copy = QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), event.text())
        QApplication.sendEvent(target, copy)


class WordsInput(QLineEdit):
    """Comma-separated words; the word being typed completes inline from ``set_words``.

    A ``QCompleter`` over the person's own past words (most used first) then the standard
    list suggests the rest of the word, selected: typing on replaces it, a comma or the
    Right key accepts it, Backspace drops it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self._completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self._completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self._erasing = False
        self.textEdited.connect(self._complete)

    def set_words(self, words: Sequence[str]) -> None:
        seen: dict[str, None] = {}
        for word in words:
            seen.setdefault(word.lower(), None)
        self._model.setStringList(list(seen))

    def words(self) -> list[str]:
        return list(self._model.stringList())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._erasing = int(event.key()) in _ERASE
        if event.text() == "," and self._completing():
            self.setCursorPosition(len(self.text()))
            self.insert(",")
            return
        super().keyPressEvent(event)

    def _completing(self) -> bool:
        return self.hasSelectedText() and self.selectionEnd() == len(self.text())

    def _complete(self, text: str) -> None:
        if self._erasing or self.cursorPosition() != len(text):
            return
        token = text.rsplit(",", 1)[-1].lstrip()
        if len(token) < 2:
            return
        self._completer.setCompletionPrefix(token)
        if self._completer.completionCount() == 0:
            return
        found = self._completer.currentCompletion()
        if len(found) > len(token) and found.lower().startswith(token.lower()):
            rest = found[len(token) :]
            self.setText(text + rest)
            self.setSelection(len(text), len(rest))


class NoteEdit(QPlainTextEdit):
    """A few lines of text: Tab moves on, Shift+Enter starts a new line (Enter is the card's)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, lines: int = 2) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setFixedHeight(height)
        self.textChanged.connect(self.edited)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.insertPlainText("\n")  # the card takes plain Enter before it gets here
            return
        super().keyPressEvent(event)

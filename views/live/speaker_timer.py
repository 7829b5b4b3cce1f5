"""The speaker's timer: time so far against the soft limit, visible and gentle, never loud."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from app.services.round.view import RoundView
from views.theme import meaning


def clock_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class SpeakerTimer(QLabel):
    """Shows ``m:ss`` for the speaker, and ``of m:ss`` when a soft limit is set; past the
    limit the text turns amber and says so in words. It ticks once a second from the saved
    round (``RoundView.elapsed_seconds``), so a restarted app shows the same time."""

    def __init__(self, clock: Callable[[], dt.datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("speakerTimer")
        self.setAccessibleName("Speaker's time")
        self._clock = clock
        self._view: RoundView | None = None
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.refresh)
        self._normal = self.palette().color(QPalette.ColorRole.WindowText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.setFont(font)

    def set_view(self, view: RoundView | None) -> None:
        self._view = view
        if view is not None and view.current is not None:
            self._ticker.start()
        else:
            self._ticker.stop()
        self.refresh()

    @property
    def over_limit(self) -> bool:
        view = self._view
        if view is None or view.soft_limit_seconds is None:
            return False
        return view.elapsed_seconds(self._clock()) > view.soft_limit_seconds

    def refresh(self) -> None:
        view = self._view
        if view is None or view.current is None:
            self.setText("")
            return
        spoken = view.elapsed_seconds(self._clock())
        text = clock_text(spoken)
        if view.soft_limit_seconds is not None:
            text += f" of {clock_text(view.soft_limit_seconds)}"
        over = self.over_limit
        if over:
            text += " · time to gently wrap up"
        palette = self.palette()
        colour = meaning(palette, "gentle") if over else self._normal
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.setPalette(palette)
        self.setText(text)
        self.setAccessibleDescription(text)

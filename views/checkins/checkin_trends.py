"""Mood trends for the log's sparklines: read for the rows being painted, kept per person."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.checkin_log.service import CheckInLogService, MoodTrend
from app.tasks import TaskRunner

BATCH_MS = 30  # trends asked for while painting are read together after this pause


class MoodTrendCache(QObject):
    """Each participant's moods, read through the task runner when a cell first asks.

    ``get(id)`` answers at once: the trend, or None after noting that it is wanted; wanted
    trends are read together after a short pause (while ``set_busy(True)`` says rows are
    awaited, the pause is extended: rows first, trends after). ``changed`` fires when some
    arrive.
    Trends are read for the rows on screen only, never for whole pages: a scroll through
    thousands of rows costs a few small queries, not thousands of people's histories.
    ``clear()`` forgets everything, including what is still being read.
    """

    changed = Signal()

    def __init__(
        self, log: CheckInLogService, tasks: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._log = log
        self._tasks = tasks
        # A flag, not a callback into the model: no reference cycle through a Qt object,
        # which Python's collector could then free on a worker thread (timers and all).
        self._busy = False
        self._trends: dict[uuid.UUID, MoodTrend] = {}
        self._reading: set[uuid.UUID] = set()
        self._backlog: set[uuid.UUID] = set()
        self._epoch = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BATCH_MS)
        self._timer.timeout.connect(self._flush)

    def get(self, participant_id: uuid.UUID) -> MoodTrend | None:
        trend = self._trends.get(participant_id)
        if trend is None and participant_id not in self._reading:
            self._backlog.add(participant_id)
            if not self._timer.isActive():
                self._timer.start()
        return trend

    def set_log(self, log: CheckInLogService) -> None:
        self._log = log

    def set_busy(self, busy: bool) -> None:
        self._busy = busy

    def forget(self, participant_id: uuid.UUID) -> bool:
        """Their moods changed; True if a trend was held (it is read again when asked)."""
        return self._trends.pop(participant_id, None) is not None

    def clear(self) -> None:
        self._epoch += 1
        self._trends.clear()
        self._reading.clear()
        self._backlog.clear()
        self._timer.stop()

    def _flush(self) -> None:
        if self._busy:
            self._timer.start()
            return
        wanted = self._backlog - self._trends.keys() - self._reading
        self._backlog = set()
        if not wanted:
            return
        self._reading |= wanted
        log, epoch = self._log, self._epoch
        self._tasks.submit(
            lambda: log.trends(wanted),
            on_success=lambda trends: self._on_read(epoch, trends),
            on_failure=lambda _error: self._reading.difference_update(wanted),
            owner=self,
            name="check-in mood trends",
        )

    def _on_read(self, epoch: int, trends: dict[uuid.UUID, MoodTrend]) -> None:
        if epoch != self._epoch:
            return  # read before the cache was cleared (the vault locked meanwhile)
        self._reading.difference_update(trends)
        self._trends.update(trends)
        self.changed.emit()

"""Undoing a saved check-in: back to what it said before, or gone again when it was new."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.services.checkins import CheckInDraft
from views.checkins.checkin_form import Saved

# (session, participant, what the check-in should say, or None for no check-in at all)
Apply = Callable[[uuid.UUID, uuid.UUID, CheckInDraft | None], None]


class SaveCheckInCommand(QUndoCommand):
    """One saved check-in on the page's undo stack.

    The form has already stored it when the command is pushed, so the first ``redo()`` (the
    one ``QUndoStack.push`` makes) does nothing; later ones store it again. ``undo()`` puts
    back the previous words or, for a new check-in, removes it (a tombstone, as always).
    """

    def __init__(self, saved: Saved, apply: Apply) -> None:
        name = saved.row.participant_name
        new = saved.previous is None
        super().__init__(f"new check-in of {name}" if new else f"edit of {name}’s check-in")
        self.saved = saved
        self._apply = apply
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        row = self.saved.row
        self._apply(row.session_id, row.participant_id, self.saved.draft)

    def undo(self) -> None:
        row = self.saved.row
        self._apply(row.session_id, row.participant_id, self.saved.previous)

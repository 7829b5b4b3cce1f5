"""The open profile windows, one per person, as the composition root keeps them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Slot

from views.profile.profile_window import ProfileWindow


class ProfileWindows(QObject):
    """Opens a person's profile window (``open``), or raises the one already open.

    ``make(participant_id)`` builds a window over the open vault's services. ``open_ids``
    lists whose windows are open, in the order they were opened (what an unlock reopens).
    ``destroy_all()`` stores every window's unsaved notes on this thread, then destroys the
    windows at once, with everything they showed (the vault is locking).
    """

    def __init__(self, make: Callable[[uuid.UUID], ProfileWindow], parent: QObject) -> None:
        super().__init__(parent)
        self._make = make
        self.windows: dict[uuid.UUID, ProfileWindow] = {}

    @property
    def open_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(self.windows)

    @Slot(object)
    def open(self, participant_id: uuid.UUID) -> ProfileWindow:
        window = self.windows.get(participant_id)
        if window is None:
            window = self._make(participant_id)
            window.closed.connect(self._on_closed)
            self.windows[participant_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot(object)
    def _on_closed(self, participant_id: uuid.UUID) -> None:
        # A bound slot, never a lambda, on a signal of the closing window: a lambda keeps the
        # sender's wrapper alive past its C++ object, and PySide then crashes destroying it.
        self.windows.pop(participant_id, None)

    def destroy_all(self) -> None:
        windows, self.windows = list(self.windows.values()), {}
        for window in windows:
            window.save_notes_now()
            # Destroyed now, not at the next turn of the event loop: nothing of it may stay.
            shiboken6.delete(window)

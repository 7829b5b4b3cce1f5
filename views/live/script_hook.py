"""A test hook: the real program types a script of keys into itself (for end-to-end tests).

With ``CIRCLEKEEPER_LIVE_SCRIPT=<file.json>`` set, the launcher plays the file's steps with
QTest key clicks sent to whatever has the keyboard focus, as a person at the keyboard
would (no xdotool under Xvfb here, and no socket to drive the process from outside). Steps,
one JSON object each, played in order:

- ``{"wait": "cohort" | "dialog" | "round" | "idle" | "closing" | "presenter"}``: until the
  cohort is loaded, a dialog of ours is open and ready, a round window shows a ready card,
  everything typed is saved and the next card read ahead, a closing-round card is shown,
  or the group screen shows its content; ``{"wait": "file:/path"}``: until that file exists
  (the test's way to say "go on", e.g. after a screenshot);
- ``{"key": "Return", "mods": ["alt"]}``: one key click; ``{"type": "text"}``: key clicks;
- ``{"print": "text"}``: a line on stdout (the test waits for it, e.g. before SIGKILL);
- ``{"dump": true}``: ``dump {json}``: the card on screen and the round order;
- ``{"quit": true}``.
A wait that lasts 30 s prints ``script-timeout <what>`` and stops the script.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from views.live.closing_card import ClosingCard
from views.live.start_dialog import StartSessionDialog

if TYPE_CHECKING:
    from views.live.launcher import LiveLauncher

POLL_MS = 20
WAIT_LIMIT_SECONDS = 30
MODIFIERS = {
    "alt": Qt.KeyboardModifier.AltModifier,
    "ctrl": Qt.KeyboardModifier.ControlModifier,
    "shift": Qt.KeyboardModifier.ShiftModifier,
}


def say(text: str) -> None:
    print(text, flush=True)
    sys.stdout.flush()


class ScriptPlayer(QObject):
    """Plays the script file of ``CIRCLEKEEPER_LIVE_SCRIPT``; see the module docstring."""

    def __init__(self, launcher: LiveLauncher, path: str) -> None:
        super().__init__(launcher)
        self.launcher = launcher
        self.steps: list[dict[str, Any]] = json.loads(Path(path).read_text())
        self.index = 0
        self.waiting_since: float | None = None
        self.activating_since: float | None = None
        QTimer.singleShot(POLL_MS, self._play)

    def _play(self) -> None:
        while self.index < len(self.steps):
            step = self.steps[self.index]
            if "wait" in step and not self._holds(step["wait"]):
                self.waiting_since = self.waiting_since or time.monotonic()
                if time.monotonic() - self.waiting_since > WAIT_LIMIT_SECONDS:
                    say(f"script-timeout {step['wait']} " + json.dumps(self.dump()))
                    return
                QTimer.singleShot(POLL_MS, self._play)
                return
            if ("key" in step or "type" in step) and not self._window_active():
                return  # _window_active plays on once the window is active
            self.waiting_since = None
            self.index += 1
            self._do(step)
            if "key" in step or "type" in step:  # let the keys' consequences be queued first
                QTimer.singleShot(0, self._play)
                return
        say("script-done")

    def _window_active(self) -> bool:
        """Keys go to the active window, as at a real keyboard: activate ours first (Xvfb
        has no window manager to do it) and wait for the X server to say it is active."""
        window = _target(self.launcher).window()
        if QApplication.activeWindow() is window:
            self.activating_since = None
            return True
        if self.activating_since is None:
            self.activating_since = time.monotonic()
            window.raise_()
            window.activateWindow()
        if time.monotonic() - self.activating_since > 2:  # keys anyway: the test will say
            self.activating_since = None
            return True
        QTimer.singleShot(POLL_MS, self._play)
        return False

    def _do(self, step: dict[str, Any]) -> None:
        if "key" in step:
            modifiers = Qt.KeyboardModifier.NoModifier
            for name in step.get("mods", []):
                modifiers |= MODIFIERS[name]
            QTest.keyClick(_target(self.launcher), getattr(Qt.Key, f"Key_{step['key']}"), modifiers)
        elif "type" in step:
            QTest.keyClicks(_target(self.launcher), step["type"])
        elif "print" in step:
            say(step["print"])
        elif "dump" in step:
            say("dump " + json.dumps(self.dump()))
        elif "quit" in step:
            QApplication.quit()

    def _holds(self, condition: str) -> bool:
        launcher, window = self.launcher, self.launcher.round_window
        card = window.card if window is not None else None
        if condition == "cohort":
            return launcher.cohort is not None
        if condition.startswith("file:"):
            return Path(condition[5:]).exists()
        if condition == "dialog":
            dialog = launcher.dialog
            if dialog is None or not dialog.isVisible():
                return False
            if isinstance(dialog, StartSessionDialog):
                return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
            return True
        if window is None or card is None or not card.ready or not card.isEnabled():
            return False
        if condition == "round":
            return True
        if condition == "closing":
            return isinstance(card, ClosingCard)
        if condition == "presenter":
            screen = window.presenter
            return screen is not None and screen.isVisible() and screen.shown is not None
        upcoming = window.controller.next_up
        return (
            window.controller.idle
            and not window.typing_pending
            and (upcoming is None or upcoming in window.controller.states)
        )

    def dump(self) -> dict[str, Any]:
        window = self.launcher.round_window
        if window is None:
            return {}
        card = window.card
        view = window.controller.view
        return {
            "speaker": card.card.display_name if card is not None else None,
            "fields": card.fields() if card is not None else {},
            "order": [
                [t.display_name, window.order_model.state(t).name]
                for t in (view.turns if view else ())
            ],
            "saving": not window.controller.idle,
            "typing": window.typing_pending,
            "next_up_read": window.controller.next_up in window.controller.states,
            "message": window.message.text(),
            "title": window.windowTitle(),
        }


def _target(launcher: LiveLauncher) -> QWidget:
    """Where a key goes: an open popup, else our open dialog, else the keyboard focus, else
    the focus of our topmost window (which may not be active yet)."""
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return popup
    dialog = launcher.dialog
    if dialog is not None and dialog.isVisible():
        return dialog.focusWidget() or dialog
    found = QApplication.focusWidget()
    if found is not None:
        return found
    for window in (launcher.round_window, launcher.host):
        if window is not None and window.isVisible():
            return window.focusWidget() or window
    return launcher.host

"""A device's fingerprint, large, with the box a person ticks after comparing it with its owner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QVBoxLayout, QWidget

from views.heading import note_label


def fingerprint_label(parent: QWidget | None = None) -> QLabel:
    """A fingerprint shown large, in a fixed font, selectable, in groups read aloud."""
    label = QLabel("", parent)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QFont().pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setMargin(8)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class FingerprintCheck(QWidget):
    """Shows ``name`` and ``fingerprint`` and asks for a deliberate confirmation.

    ``confirmed_changed(bool)`` follows the box; ``show_device`` resets it, so a new device
    is never confirmed by a tick given to another.
    """

    confirmed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fingerprintCheck")
        self.intro = QLabel("", self)
        self.intro.setWordWrap(True)
        self.fingerprint = fingerprint_label(self)
        self.fingerprint.setObjectName("fingerprint")
        self.how = note_label(
            "Ask the device’s owner to read you the fingerprint shown under File ▸ This "
            "device on their computer, by phone or in person (not by e-mail or chat, which "
            "whoever altered the file could also alter).",
            self,
        )
        self.box = QCheckBox("The owner read me this same fingerprint", self)
        self.box.setAccessibleName("The owner read me this same fingerprint")
        self.box.toggled.connect(self.confirmed_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.how)
        layout.addWidget(self.box)

    def show_device(self, intro: str, fingerprint: str) -> None:
        self.intro.setText(intro)
        self.fingerprint.setText(fingerprint)
        self.fingerprint.setAccessibleName(f"Fingerprint {fingerprint}")
        self.box.setChecked(False)

    @property
    def confirmed(self) -> bool:
        return self.box.isChecked()

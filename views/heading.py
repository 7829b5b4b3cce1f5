"""Headings, secondary notes and paths: the same look and wording in every dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QWidget


def heading_label(text: str, parent: QWidget | None = None, *, scale: float = 1.3) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def note_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A secondary sentence: wrapped, in the palette's placeholder colour."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def readable_path(path: Path) -> str:
    """``~/…`` for places under the home folder, as people usually see them."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)

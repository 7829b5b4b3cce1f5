"""Fusion with an explicit palette: light by default where the desktop says nothing, or dark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.settings import Theme
from views.theme import apply_theme, palette, wants_dark

Role = QPalette.ColorRole


@pytest.fixture
def application(qapp: QApplication) -> Iterator[QApplication]:
    before_style, before_palette = qapp.style().name(), qapp.palette()
    yield qapp
    qapp.setStyle(before_style)
    qapp.setPalette(before_palette)


def contrast(
    palette_: QPalette, foreground: QPalette.ColorRole, background: QPalette.ColorRole
) -> float:
    def luminance(role: QPalette.ColorRole) -> float:
        colour = palette_.color(role)
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_both_palettes_keep_text_readable(dark: bool) -> None:
    colours = palette(dark)
    assert contrast(colours, Role.Text, Role.Base) >= 7
    assert contrast(colours, Role.WindowText, Role.Window) >= 7
    assert contrast(colours, Role.HighlightedText, Role.Highlight) >= 4.5
    assert contrast(colours, Role.PlaceholderText, Role.Window) >= 3


def test_the_theme_setting_chooses_the_palette_under_fusion(application: QApplication) -> None:
    apply_theme(application, Theme.DARK)
    assert application.style().name().lower() == "fusion"
    assert application.palette().color(Role.Window).lightness() < 80
    apply_theme(application, Theme.LIGHT)
    assert application.palette().color(Role.Window).lightness() > 200


def test_system_follows_the_desktop_and_is_light_when_it_says_nothing() -> None:
    from PySide6.QtCore import Qt

    scheme = QGuiApplication.styleHints().colorScheme()
    assert wants_dark(Theme.SYSTEM) is (scheme == Qt.ColorScheme.Dark)
    assert wants_dark(Theme.DARK) and not wants_dark(Theme.LIGHT)

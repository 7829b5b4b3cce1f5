"""Fusion with an explicit palette: light by default where the desktop says nothing, or dark."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.resources import ResourceError
from app.settings import Theme
from views import theme as theme_module
from views.theme import apply_theme, palette, scheme, wants_dark

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


@pytest.mark.parametrize("dark", [False, True])
def test_every_colour_with_a_meaning_is_readable_on_its_scheme(dark: bool) -> None:
    colours = scheme(dark)
    base = QColor(colours.roles[Role.Base])
    for name in ("error", "flag", "gentle", "private", "clinician_heading"):
        assert ratio(QColor(colours.meaning[name]), base) >= 4.5, name
    for colour in colours.series:
        assert ratio(QColor(colour), base) >= 3, colour


def ratio(first: QColor, second: QColor) -> float:
    def luminance(colour: QColor) -> float:
        channels = [
            value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
            for value in (colour.redF(), colour.greenF(), colour.blueF())
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_a_malformed_palette_file_is_refused_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.resources

    document = json.loads((app.resources.ROOT / "palette.json").read_text(encoding="utf-8"))
    del document["schemes"]["dark"]["meaning"]["flag"]
    (tmp_path / "palette.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(app.resources, "ROOT", tmp_path)
    theme_module._load.cache_clear()
    try:
        with pytest.raises(ResourceError, match=r"palette\.json: schemes\.dark\.meaning\.flag"):
            scheme(True)
        (tmp_path / "palette.json").write_text("{", encoding="utf-8")
        theme_module._load.cache_clear()
        with pytest.raises(ResourceError, match=r"resources/palette\.json is not valid JSON"):
            scheme(False)
    finally:
        theme_module._load.cache_clear()


def test_the_application_shows_its_icon_from_resources(qapp: QApplication) -> None:
    from app.bootstrap import application_icon

    icon = application_icon()
    assert not icon.isNull()
    assert not icon.pixmap(64, 64).toImage().isNull()

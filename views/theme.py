"""Light and dark palettes for the Fusion style, chosen from the settings and the desktop.

The colours are data, in ``resources/palette.json``: Qt's palette roles for each scheme and
the few colours that carry a meaning (a refusal, a flag, clinician-only text). Widgets ask
``meaning(palette, name)`` instead of keeping colours of their own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.resources import ResourceError, load_json
from app.settings import THEME, Settings, Theme

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

PALETTE_FILE = "palette.json"
MEANINGS = (
    "error",  # a field's refusal
    "flag",  # a reason to check in with someone (roster, card, agenda)
    "gentle",  # the speaker timer's nudge
    "private",  # what the group must not see, on the facilitator's own screen
    "clinician_edge",  # the frame of clinician-only text
    "clinician_heading",
    "clinician_tint",  # the background of clinician-only lines
    "warning",  # a chart's "below the minimum" line
)


@dataclass(frozen=True, slots=True)
class Scheme:
    """One colour scheme of ``resources/palette.json``: Qt roles, then colours with a meaning."""

    dark: bool
    roles: Mapping[QPalette.ColorRole, str]
    disabled_text: str
    meaning: Mapping[str, str]  # keyed by the names in MEANINGS
    series: tuple[str, ...]  # chart colours after the accent, each >= 3:1 on the base


@dataclass(frozen=True, slots=True)
class PresenterColours:
    """The group screen's warm paper scheme (the same in light and dark mode)."""

    background: str
    ink: str
    soft_ink: str
    accent: str


def scheme(dark: bool) -> Scheme:
    loaded = _load()
    return loaded.dark if dark else loaded.light


def scheme_for(palette_: QPalette) -> Scheme:
    """The scheme whose colours suit ``palette_`` (dark when its base is dark)."""
    return scheme(palette_.color(Role.Base).lightness() < 128)


def meaning(palette_: QPalette, name: str) -> QColor:
    """The colour that means ``name`` (one of MEANINGS) on ``palette_``'s scheme."""
    return QColor(scheme_for(palette_).meaning[name])


def presenter_colours() -> PresenterColours:
    return _load().presenter


@dataclass(frozen=True, slots=True)
class _Palette:
    light: Scheme
    dark: Scheme
    presenter: PresenterColours


@functools.cache
def _load() -> _Palette:
    """``resources/palette.json``, read once and checked field by field."""
    document = load_json(PALETTE_FILE)
    where = f"resources/{PALETTE_FILE}"
    schemes = _field(document, "schemes", where, dict)
    light, dark = (
        _scheme(_field(schemes, name, f"{where}: schemes", dict), name == "dark", where)
        for name in ("light", "dark")
    )
    presenter = _field(document, "presenter", where, dict)
    colours = [
        _colour(presenter, name, f"{where}: presenter")
        for name in ("background", "ink", "soft_ink", "accent")
    ]
    return _Palette(light, dark, PresenterColours(*colours))


def _scheme(data: dict[str, Any], dark: bool, where: str) -> Scheme:
    where = f"{where}: schemes.{'dark' if dark else 'light'}"
    roles_data = _field(data, "roles", where, dict)
    roles = {}
    for role in REQUIRED_ROLES:
        roles[role] = _colour(roles_data, role.name, f"{where}.roles")
    meaning_data = _field(data, "meaning", where, dict)
    series = _field(data, "series", where, list)
    if len(series) < 3:
        raise ResourceError(f"{where}.series needs at least 3 colours.")
    return Scheme(
        dark=dark,
        roles=roles,
        disabled_text=_colour(data, "disabled_text", where),
        meaning={name: _colour(meaning_data, name, f"{where}.meaning") for name in MEANINGS},
        series=tuple(
            _colour(dict(enumerate(series)), index, f"{where}.series")
            for index in range(len(series))
        ),
    )


def _field(data: dict[str, Any], name: str, where: str, kind: type) -> Any:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        raise ResourceError(f"{where}.{name} is missing or is not a {kind.__name__}.")
    return value


def _colour(data: Mapping[Any, Any], name: str | int, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        place = f"{where}[{name}]" if isinstance(name, int) else f"{where}.{name}"
        raise ResourceError(f"{place} must be a colour such as #1f2328.")
    return value.lower()


_HEX = re.compile(r"#[0-9a-fA-F]{6}")
REQUIRED_ROLES = (
    Role.Window,
    Role.WindowText,
    Role.Base,
    Role.AlternateBase,
    Role.ToolTipBase,
    Role.ToolTipText,
    Role.PlaceholderText,
    Role.Text,
    Role.Button,
    Role.ButtonText,
    Role.BrightText,
    Role.Light,
    Role.Midlight,
    Role.Mid,
    Role.Dark,
    Role.Shadow,
    Role.Highlight,
    Role.HighlightedText,
    Role.Link,
    Role.LinkVisited,
    Role.Accent,
)


def palette(dark: bool) -> QPalette:
    colours = scheme(dark)
    result = QPalette()
    for role, colour in colours.roles.items():
        result.setColor(role, QColor(colour))
    disabled = QColor(colours.disabled_text)
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.PlaceholderText):
        result.setColor(Group.Disabled, role, disabled)
    result.setColor(Group.Disabled, Role.Highlight, QColor(colours.roles[Role.Mid]))
    return result


def wants_dark(theme: Theme) -> bool:
    """Dark when asked, or when following a desktop that says it is dark."""
    if theme is Theme.SYSTEM:
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return theme is Theme.DARK


def apply_theme(application: QApplication, theme: Theme) -> None:
    """Fusion with our explicit palette, so the app looks the same where the desktop gives none."""
    if application.style().name().lower() != "fusion":
        style = QStyleFactory.create("Fusion")
        if style is not None:
            application.setStyle(style)
    application.setPalette(palette(wants_dark(theme)))


class ThemeController(QObject):
    """Applies the theme setting, live, and follows the desktop's scheme under "system".

    ``palette_changed(dark)`` is emitted after each change of the application's palette.
    Widgets need not listen to it: Qt also sends every widget a ``QEvent.PaletteChange``
    (charts redraw from ``changeEvent``); it is there for objects that are not widgets.
    """

    palette_changed = Signal(bool)

    def __init__(self, application: QApplication, settings: Settings) -> None:
        super().__init__(application)
        self._application = application
        self._settings = settings
        application.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    @property
    def theme(self) -> Theme:
        return self._settings.get(THEME)

    def apply(self, theme: Theme | None = None) -> None:
        """Store ``theme`` (when given) and repaint everything in its palette."""
        if theme is not None:
            self._settings.set(THEME, theme)
        chosen = self._settings.get(THEME)
        apply_theme(self._application, chosen)
        self.palette_changed.emit(wants_dark(chosen))

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._settings.get(THEME) is Theme.SYSTEM:
            self.apply()

"""Light and dark palettes for the Fusion style, chosen from the settings and the desktop."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.settings import THEME, Settings, Theme

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Calm, high-contrast colours (text on base ≥ 12:1 in both schemes); one accent for focus
# and selection so that the keyboard focus is always easy to find.
LIGHT = {
    Role.Window: "#f3f4f6",
    Role.WindowText: "#1f2328",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f6f8fa",
    Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1f2328",
    Role.PlaceholderText: "#6e7781",
    Role.Text: "#1f2328",
    Role.Button: "#eceef1",
    Role.ButtonText: "#1f2328",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#e4e7eb",
    Role.Mid: "#c4c9d0",
    Role.Dark: "#8c959f",
    Role.Shadow: "#57606a",
    Role.Highlight: "#2f6fb3",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1f5fa6",
    Role.LinkVisited: "#6639ba",
    Role.Accent: "#2f6fb3",
}
DARK = {
    Role.Window: "#222428",
    Role.WindowText: "#e6e8eb",
    # Fields lighter than the window: Fusion outlines them with a darker window colour,
    # which would vanish against a base darker than the window (unchecked boxes did).
    Role.Base: "#30343a",
    Role.AlternateBase: "#2b2f34",
    Role.ToolTipBase: "#2d3136",
    Role.ToolTipText: "#e6e8eb",
    Role.PlaceholderText: "#8b949e",
    Role.Text: "#e6e8eb",
    Role.Button: "#363b41",
    Role.ButtonText: "#e6e8eb",
    Role.BrightText: "#ffffff",
    Role.Light: "#3d4248",
    Role.Midlight: "#34383d",
    Role.Mid: "#484e55",
    Role.Dark: "#15171a",
    Role.Shadow: "#000000",
    Role.Highlight: "#4f8fd6",
    Role.HighlightedText: "#0b0c0d",
    Role.Link: "#79b0f0",
    Role.LinkVisited: "#b58cf0",
    Role.Accent: "#4f8fd6",
}
DISABLED_TEXT = {"light": "#8c959f", "dark": "#6e7681"}


def palette(dark: bool) -> QPalette:
    colours = DARK if dark else LIGHT
    result = QPalette()
    for role, colour in colours.items():
        result.setColor(role, QColor(colour))
    disabled = QColor(DISABLED_TEXT["dark" if dark else "light"])
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.PlaceholderText):
        result.setColor(Group.Disabled, role, disabled)
    result.setColor(Group.Disabled, Role.Highlight, QColor(colours[Role.Mid]))
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

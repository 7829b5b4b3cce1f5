"""The chart base: a matplotlib Figure on a Qt canvas, drawn lazily in the palette's colours."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QToolTip, QWidget

from views.theme import scheme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

# What ``Chart.save_as`` writes, chosen by the file's extension.
SAVE_FORMATS = {".png": "png", ".svg": "svg"}
PNG_DPI = 192  # twice a common screen's logical DPI: sharp when printed or put in a report

Role = QPalette.ColorRole


def warm_up() -> None:
    """Import matplotlib's Figure and Qt canvas; run it on a worker before the first draw.

    The first import of matplotlib takes a noticeable fraction of a second (more on a fresh
    machine, where it builds its font cache); doing it on the task runner while a page's
    data loads keeps the GUI thread free. Importing twice costs nothing.
    """
    import matplotlib.backends.backend_qtagg
    import matplotlib.figure  # noqa: F401


def mix(first: str, second: str, amount: float) -> str:
    """``first`` moved ``amount`` (0..1) of the way towards ``second``, as ``#rrggbb``."""
    a, b = QColor(first), QColor(second)
    blend = [
        round(x + (y - x) * amount)
        for x, y in zip((a.red(), a.green(), a.blue()), (b.red(), b.green(), b.blue()), strict=True)
    ]
    return QColor(*blend).name()


@dataclass(frozen=True, slots=True)
class ChartColours:
    """A chart's colours (``#rrggbb``), read from a QPalette so charts follow light and dark.

    ``accent`` is the palette's highlight (the "good" or main series); ``warning`` marks what
    needs attention (below a minimum); ``series`` is a colour-blind-safe cycle starting
    with the accent; ``muted`` is for secondary text and ``grid`` for lines behind the data.
    """

    background: str
    text: str
    muted: str
    grid: str
    accent: str
    warning: str
    series: tuple[str, ...]
    dark: bool

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartColours:
        background = palette.color(Role.Base)
        dark = background.lightnessF() < 0.5
        text = palette.color(Role.Text).name()
        accent = palette.color(Role.Highlight).name()
        # Okabe–Ito hues, darker on light backgrounds and lighter on dark ones, so that each
        # keeps at least 3:1 contrast against the background in both schemes.
        colours = scheme(dark)
        others = colours.series
        return cls(
            background=background.name(),
            text=text,
            muted=palette.color(Role.PlaceholderText).name(),
            grid=mix(background.name(), text, 0.16),
            accent=accent,
            warning=colours.meaning["warning"],
            series=(accent, *others),
            dark=dark,
        )

    def tint(self, colour: str, amount: float) -> str:
        """``colour`` faded into the background, keeping ``amount`` (0..1) of it."""
        return mix(self.background, colour, amount)

    def rc(self, font: QFont) -> dict[Any, Any]:
        """matplotlib settings for artists created while plotting (see ``Chart.redraw``)."""
        from cycler import cycler

        size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
        return {
            "font.size": size,
            "font.family": "sans-serif",
            "font.sans-serif": [*_known_family(font.family()), "DejaVu Sans"],
            "axes.titlesize": size * 1.05,
            "axes.labelsize": size,
            "xtick.labelsize": size * 0.92,
            "ytick.labelsize": size * 0.92,
            "legend.fontsize": size * 0.92,
            "text.color": self.text,
            "axes.labelcolor": self.text,
            "axes.edgecolor": self.grid,
            "axes.facecolor": self.background,
            "axes.prop_cycle": cycler(color=list(self.series)),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.axisbelow": True,
            "figure.facecolor": self.background,
            "savefig.facecolor": self.background,
            "xtick.color": self.grid,
            "ytick.color": self.grid,
            "xtick.labelcolor": self.text,
            "ytick.labelcolor": self.text,
            "grid.color": self.grid,
            "grid.linewidth": 0.6,
            "legend.frameon": False,
            "svg.hashsalt": "circlekeeper",  # the same chart saves to the same SVG
        }


@cache
def _known_family(family: str) -> list[str]:
    """``[family]`` when matplotlib can find the Qt font's family, else ``[]`` (no warning)."""
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return [family] if family in names else []


class Chart(QWidget):
    """A matplotlib ``Figure`` on a ``FigureCanvasQTAgg``; matplotlib is imported at first draw.

    Contract for subclasses: keep the chart's data in attributes, set it through a method of
    your own that ends with ``redraw()``, and implement ``plot(figure, colours)``, which
    draws everything onto the cleared figure (never pyplot). Optionally implement
    ``describe()`` (one or two sentences for screen readers, set as the accessible
    description after each draw) and ``tooltip_at(axes, x, y)`` (text for the point under
    the mouse, in the axes' data coordinates, or None for no tooltip).

    ``redraw()`` is cheap: it re-plots onto the same figure and asks the canvas for one
    deferred draw, so several calls in a row draw once; ``drawn`` is emitted after each
    draw. Layout: matplotlib's constrained layout by default; a subclass whose labels are
    predictable sets ``fixed_margins = True`` and returns ``margins()`` (logical pixels)
    instead, which halves the cost of every draw.

    The chart redraws itself when the palette changes (light ↔ dark), and on a high-DPI
    screen the canvas renders at the device pixel ratio. ``show_message(text)`` shows a
    sentence instead of the figure (no data yet). ``save_as(path)`` writes PNG or SVG,
    chosen by the extension. Everything here runs on the GUI thread; compute the data on
    the task runner, then hand it over.
    """

    drawn = Signal()
    fixed_margins: ClassVar[bool] = False

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self._figure: Figure | None = None
        self._canvas: FigureCanvasQTAgg | None = None
        self._has_content = False
        self._margins: QMargins | None = None
        self._message = QLabel(self)
        self._message.setObjectName("chartMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setForegroundRole(Role.PlaceholderText)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._message)
        self._restyle = QTimer(self)  # coalesces the palette events of one theme switch
        self._restyle.setSingleShot(True)
        self._restyle.setInterval(0)
        self._restyle.timeout.connect(self._on_restyle)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)

    # -- for subclasses ---------------------------------------------------------------------

    def plot(self, figure: Figure, colours: ChartColours) -> None:
        """Draw the chart's current data onto ``figure`` (already cleared)."""
        raise NotImplementedError

    def describe(self) -> str:
        """What the chart shows, in words, for screen readers."""
        return ""

    def margins(self) -> QMargins:
        """With ``fixed_margins``: the margins around the chart's one axes, in logical pixels.
        Called after ``plot``, so they may depend on the data (say, long names)."""
        raise NotImplementedError

    def tooltip_at(self, axes: Axes, x: float, y: float) -> str | None:
        """The tooltip for the data point (``x``, ``y``) of ``axes``; None for none."""
        return None

    # -- public -----------------------------------------------------------------------------

    @property
    def figure(self) -> Figure:
        """The figure (created, and matplotlib imported, on first access)."""
        return self._ensure_figure()

    @property
    def canvas(self) -> FigureCanvasQTAgg | None:
        """The canvas, or None before the first draw."""
        return self._canvas

    @property
    def has_content(self) -> bool:
        """True once the figure is shown (and not a message)."""
        return self._has_content

    def show_message(self, text: str) -> None:
        """Show ``text`` in place of the figure (no data yet, nothing to chart)."""
        self._has_content = False
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)
        self.setAccessibleDescription(text)

    def redraw(self, *, immediately: bool = False) -> None:
        """Re-plot the data; draw at the next event-loop turn, or now when ``immediately``."""
        import matplotlib

        figure = self._ensure_figure()
        canvas = self._canvas
        assert canvas is not None
        colours = ChartColours.from_palette(self.palette())
        with matplotlib.rc_context(colours.rc(self.font())):
            figure.clear()
            figure.set_facecolor(colours.background)
            self.plot(figure, colours)
            self._margins = self.margins() if self.fixed_margins else None
            self._apply_margins()
            if immediately:
                canvas.draw()  # type: ignore[no-untyped-call]
        self._has_content = True
        self._stack.setCurrentWidget(canvas)
        self.setAccessibleDescription(self.describe())
        if not immediately:
            canvas.draw_idle()  # type: ignore[no-untyped-call]

    def save_as(self, path: Path) -> Path:
        """Write the chart to ``path``: PNG or SVG by its extension; returns ``path``.

        Raises ValueError for another extension or when there is no chart to save, and
        OSError when the file cannot be written.
        """
        import matplotlib

        kind = SAVE_FORMATS.get(path.suffix.lower())
        if kind is None:
            raise ValueError(f"Charts are saved as PNG or SVG, not {path.suffix or 'no type'}.")
        if not self._has_content or self._figure is None:
            raise ValueError("There is no chart to save yet.")
        colours = ChartColours.from_palette(self.palette())
        metadata: dict[str, str | None] = {"Title": self.accessibleName()}
        if kind == "svg":
            metadata["Date"] = None  # the same chart saves to the same file
        else:
            metadata["Software"] = "Circlekeeper"
        with matplotlib.rc_context(colours.rc(self.font())):
            self._figure.savefig(
                path, format=kind, dpi=PNG_DPI, facecolor=colours.background, metadata=metadata
            )
        return path

    def tooltip_at_position(self, position: QPoint) -> str | None:
        """The tooltip for a point of the canvas, in its logical pixels."""
        canvas, figure = self._canvas, self._figure
        if canvas is None or figure is None or not self._has_content:
            return None
        # As FigureCanvasQT.mouseEventCoords: physical pixels, y upwards.
        ratio = canvas.device_pixel_ratio
        x, y = position.x() * ratio, (canvas.height() - position.y()) * ratio
        for axes in reversed(figure.axes):
            if axes.get_visible() and axes.bbox.contains(x, y):
                data_x, data_y = axes.transData.inverted().transform((x, y))
                text = self.tooltip_at(axes, float(data_x), float(data_y))
                if text:
                    return text
        return None

    def canvas_position(self, axes: Axes, x: float, y: float) -> QPoint:
        """Where the data point (``x``, ``y``) of ``axes`` is on the canvas (logical pixels)."""
        canvas = self._canvas
        assert canvas is not None
        display_x, display_y = axes.transData.transform((x, y))
        ratio = canvas.device_pixel_ratio
        return QPoint(round(display_x / ratio), round(canvas.height() - display_y / ratio))

    # -- Qt ---------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(520, 280)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle.start()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._canvas and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at_position(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self._canvas)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().eventFilter(watched, event)

    # -- private ----------------------------------------------------------------------------

    def _apply_margins(self, _event: object = None) -> None:
        """Turn the fixed margins into figure fractions for the canvas's current size."""
        figure, canvas, margins = self._figure, self._canvas, self._margins
        if figure is None or canvas is None or margins is None:
            return
        width, height = max(canvas.width(), 1), max(canvas.height(), 1)
        left = min(0.45, margins.left() / width)
        right = max(left + 0.1, 1 - margins.right() / width)
        bottom = min(0.45, margins.bottom() / height)
        top = max(bottom + 0.1, 1 - margins.top() / height)
        figure.subplots_adjust(left=left, right=right, bottom=bottom, top=top)

    def _on_restyle(self) -> None:
        if self._has_content:
            self.redraw()

    def _ensure_figure(self) -> Figure:
        if self._figure is not None:
            return self._figure
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        # The screen's logical DPI makes a 9-point label as big as Qt's 9-point text.
        figure = Figure(
            figsize=(5.2, 2.8),
            dpi=max(72, self.logicalDpiY()),
            layout=None if self.fixed_margins else "constrained",
        )
        canvas = FigureCanvasQTAgg(figure)  # type: ignore[no-untyped-call]
        canvas.setParent(self)
        canvas.setObjectName("chartCanvas")
        canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The canvas's own size hint is the figure's size; the chart's hint decides instead.
        canvas.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        canvas.installEventFilter(self)
        canvas.mpl_connect("draw_event", lambda _event: self.drawn.emit())
        canvas.mpl_connect("resize_event", self._apply_margins)
        self._stack.addWidget(canvas)
        self._figure, self._canvas = figure, canvas
        return figure

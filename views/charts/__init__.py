"""Charts: matplotlib figures in Qt widgets that follow the palette; imports no matplotlib itself.

The pieces, for every page that draws:

- ``views.charts.chart``: ``Chart``, the base widget (a ``matplotlib.figure.Figure`` on a
  ``FigureCanvasQTAgg``, created at the first draw), ``ChartColours`` (read from the current
  ``QPalette``) and ``warm_up()`` (imports matplotlib on a worker before the first draw).
- ``views.charts.calendar_heat_map``: ``CalendarHeatMapChart`` (days × weeks, a value per day)
  and ``DayValue``.
- ``views.charts.chart_panel``: ``ChartPanel``, a titled card around a chart with a
  "Save chart…" button (PNG or SVG through a non-blocking file dialog).

Importing this package, or any of these modules, never imports matplotlib: the window's
first paint must not wait for it. Never use pyplot (ruff bans it): it keeps global state.
"""

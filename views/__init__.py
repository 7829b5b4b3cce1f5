"""Qt widgets, pages, dialogs, item models and charts: the window over the services."""

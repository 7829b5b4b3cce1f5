"""The item-data roles every item model in the views shares, declared once."""

from __future__ import annotations

from PySide6.QtCore import Qt

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole frozen snapshot behind an index
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a raw value that sorts as people expect
FIRST_OWN_ROLE = Qt.ItemDataRole.UserRole + 3  # a model's roles of its own start here

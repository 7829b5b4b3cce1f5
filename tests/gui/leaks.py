"""Every piece of text a widget tree shows or carries, to prove a lock left no participant data."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole)


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    """Every cell's display, edit and tooltip text, recursively (trees too), and the headers."""
    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(columns(model, parent)):
            index = model.index(row, column, parent)
            for role in ROLES:
                value = index.data(role)
                if value is not None:
                    yield str(value)
            tree = not isinstance(model, QAbstractListModel | QAbstractTableModel)
            if tree and column == 0 and model.hasChildren(index):
                yield from model_texts(model, index)
    if not parent.isValid():
        for section in range(columns(model, parent)):
            yield str(model.headerData(section, Qt.Orientation.Horizontal) or "")


def columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    """Qt's list models keep ``columnCount`` private: they have one column."""
    if isinstance(model, QAbstractListModel):
        return 1  # Qt's list models keep columnCount private
    return max(1, model.columnCount(parent))


def widget_texts(widget: QWidget) -> Iterator[str]:
    yield widget.windowTitle()
    yield widget.toolTip()
    yield widget.statusTip()
    yield widget.whatsThis()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
        yield widget.text()
    if isinstance(widget, QLineEdit):
        yield widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        yield widget.toPlainText()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QComboBox):
        yield widget.currentText()
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            yield widget.tabText(i)
            yield widget.tabToolTip(i)
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from model_texts(widget.model())
    if isinstance(widget, QMainWindow):
        yield widget.statusBar().currentMessage()
    for action in widget.actions():
        yield from action_texts(action)


def action_texts(action: QAction) -> Iterator[str]:
    yield action.text()
    yield action.toolTip()
    yield action.statusTip()
    yield action.iconText()


def all_texts(root: QWidget) -> list[str]:
    """The texts of ``root``, every widget under it, and every action they own."""
    texts = list(widget_texts(root))
    for child in root.findChildren(QWidget):
        texts.extend(widget_texts(child))
    for action in root.findChildren(QAction):
        texts.extend(action_texts(action))
    return [text for text in texts if text]


def leaks(root: QWidget, secrets: list[str]) -> list[tuple[str, str]]:
    """(secret, where) for every secret found in any text under ``root``; [] when clean."""
    found = []
    for text in all_texts(root):
        for secret in secrets:
            if secret.casefold() in text.casefold():
                found.append((secret, text[:120]))
    return found

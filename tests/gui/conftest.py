"""GUI fixtures: a task runner, settings in tmp_path, an in-memory keychain, no stray warnings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QAbstractItemModel, QSettings
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QWidget

from app.settings import Settings
from app.tasks import TaskRunner
from app.vault.keychain import Keychain

if TYPE_CHECKING:  # importing it earlier than pytest-qt has chosen its Qt fails
    from pytestqt.modeltest import ModelTester

# The offscreen platform plugin has no window manager to pass size hints to or to raise a
# window with, and says so with a Qt warning each time a top-level window's minimum size is
# set or a window is raised. That is the plugin's limitation, not ours; every other Qt
# warning still fails the test.
OFFSCREEN_SIZE_HINTS = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


class MemoryKeyring:
    """A keyring backend in a dict: get/set/delete_password, like keyring's backends."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def keychain(memory_keyring: MemoryKeyring) -> Keychain:
    return Keychain(memory_keyring, "in-memory test keyring")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def tasks(qapp: object) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    assert runner.shutdown(), "a task was still running at the end of the test"
    runner.deleteLater()


CONTROL_TYPES = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology announces: explicit, else the text or the buddy label's."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible controls under ``root`` that a screen reader could not name."""
    return [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in root.findChildren(QWidget)
        if isinstance(widget, CONTROL_TYPES)
        and widget.isVisibleTo(root)
        and not accessible_name(widget).strip()
        and not _is_internal(widget)
    ]


def _is_internal(widget: QWidget) -> bool:
    """Qt's own sub-widgets: a spin box's or an editable combo's line edit, toolbar buttons,
    a table view's corner button."""
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox | QComboBox):
        return True
    return widget.objectName() in ("qt_toolbar_ext_button", "qt_tableview_cornerbutton")


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """``qtmodeltester.check`` (pytest-qt ships no type hints for it)."""
    tester.check(model)  # type: ignore[no-untyped-call]

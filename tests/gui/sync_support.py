"""Helpers for the sync dialogs' tests: named devices, file dialogs driven, a worker held still."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.services.exchange import ExchangeService, Progress
from app.sync.export import ExportReport, ExportRequest
from app.sync.importer import ImportReport
from app.sync.keys import device_identity
from tests.unit.test_sync_support import Machine, make_machine

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS_VARIABLE = "CIRCLEKEEPER_SCREENSHOTS"


def named_machine(folder: Path, actor: str, device_name: str) -> Machine:
    """A device whose name is ``device_name`` (copies of one template share a host name)."""
    machine = make_machine(folder, actor)
    with machine.vault.database.write() as db:
        db.execute(text("UPDATE device_info SET name = :name"), {"name": device_name})
    machine.device = device_identity(machine.vault.database)
    return machine


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[tuple[Machine, Machine]]:
    """Two devices that do not trust each other yet."""
    made = (
        named_machine(tmp_path / "a", "ana", "front-desk-laptop"),
        named_machine(tmp_path / "b", "ben", "clinic-laptop"),
    )
    yield made
    for machine in made:
        machine.vault.close()


@pytest.fixture
def peers(devices: tuple[Machine, Machine]) -> tuple[Machine, Machine]:
    """The same two devices, each trusting the other."""
    a, b = devices
    a.trust(b)
    b.trust(a)
    return a, b


def click(widget: QAbstractButton) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(box: QAbstractButton) -> None:
    """Tick a check box from the keyboard (it may have just appeared, not yet laid out)."""
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()


def pick_file(
    qtbot: QtBot, button: QAbstractButton, dialog: Callable[[], QFileDialog | None], path: Path
) -> None:
    """Click ``button``, wait for its file dialog, choose ``path`` in it as a user would."""
    click(button)
    qtbot.waitUntil(lambda: (found := dialog()) is not None and found.isVisible(), timeout=5000)
    chooser = dialog()
    assert chooser is not None
    # Typed into the name field, as selectFile() is lost once the folder's listing has loaded;
    # and without the previous pick still selected, which a user's click would replace.
    name_field = chooser.findChild(QLineEdit, "fileNameEdit")
    assert name_field is not None, "expected Qt's own file dialog (offscreen there is no other)"
    for view in chooser.findChildren(QAbstractItemView):
        selection = view.selectionModel()
        if selection is not None:
            selection.clear()
    name_field.setText(str(path))
    chooser.accept()


def grab(widget: QWidget, name: str) -> Path:
    """Render ``widget`` to a PNG (offscreen, as it paints itself) and return its path.

    With ``CIRCLEKEEPER_SCREENSHOTS=1`` it goes to docs/screenshots/``name``, to be looked
    at and committed; otherwise to the temporary folder, so that a test run leaves the
    working tree alone (fingerprints, times and paths differ on every run).
    """
    folder = SCREENSHOTS if os.environ.get(SCREENSHOTS_VARIABLE) else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name if folder == SCREENSHOTS else f"circlekeeper-{name}")
    QApplication.sendPostedEvents()  # pending layout requests: paint it as it will settle
    QApplication.processEvents()
    assert widget.grab().save(str(target)), f"could not write {target}"
    return target


class HeldExchange(ExchangeService):
    """The real exchange, whose worker stops at the first report of ``stage`` until released.

    Lets a test press Cancel while an export or import is surely in progress, without
    sleeping: wait for ``reached``, click, then set ``release``.
    """

    def __init__(self, machine: Machine, stage: str) -> None:
        super().__init__(machine.services.context)
        self.stage = stage
        self.reached = threading.Event()
        self.release = threading.Event()

    def _held(self, progress: Progress | None) -> Progress:
        def report(stage: str, done: int, total: int) -> None:
            if stage == self.stage and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(20), "the test never released the worker"
            if progress is not None:
                progress(stage, done, total)

        return report

    def export(self, request: ExportRequest, progress: Progress | None = None) -> ExportReport:
        return super().export(request, self._held(progress))

    def import_file(
        self, path: Path, *, progress: Progress | None = None, **options: Any
    ) -> ImportReport:
        return super().import_file(path, progress=self._held(progress), **options)


@pytest.fixture
def hold(tasks: object) -> Iterator[Callable[[Machine, str], HeldExchange]]:
    """Makes ``HeldExchange``s and releases them all before the task runner shuts down."""
    made: list[HeldExchange] = []

    def make(machine: Machine, stage: str) -> HeldExchange:
        made.append(HeldExchange(machine, stage))
        return made[-1]

    yield make
    for held in made:
        held.release.set()

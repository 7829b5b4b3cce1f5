"""PySide6 6.12.0 on CPython 3.11 aborts ("Fatal Python error: none_dealloc"); no install gets it.

The 6.12.0 bindings drop a reference to None on every Qt call that returns nothing; after a
few thousand calls the interpreter aborts. 6.11.x on 3.11, and 6.12 on 3.12 or newer, are fine.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
import tomllib

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

QT_DISTRIBUTIONS = {"pyside6", "pyside6-essentials", "pyside6-addons"}


def qt_requirements() -> list[Requirement]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    declared = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        declared += extra
    found = [Requirement(r) for r in declared]
    return [r for r in found if canonicalize_name(r.name) in QT_DISTRIBUTIONS]


def admits(pyside: str, python: str) -> bool:
    """Whether pip could install PySide6 ``pyside`` on CPython ``python`` from our pins.

    Every requirement whose marker holds for that Python must allow the version (pip takes
    them all), and at least one must hold (else the app would get no Qt at all).
    """
    environment: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    environment.update(
        python_version=".".join(python.split(".")[:2]),
        python_full_version=python,
        implementation_name="cpython",
        platform_python_implementation="CPython",
        implementation_version=python,
    )
    applicable = [
        r for r in qt_requirements() if r.marker is None or r.marker.evaluate(environment)
    ]
    version = Version(pyside)
    return bool(applicable) and all(r.specifier.contains(version) for r in applicable)


@pytest.mark.parametrize("python", ["3.11.0", "3.11.7", "3.11.13"])
def test_no_marker_admits_the_bad_pair(python: str) -> None:
    assert qt_requirements(), "pyproject.toml declares no PySide6"
    assert not admits("6.12.0", python)


@pytest.mark.parametrize(
    ("pyside", "python"),
    [
        ("6.11.0", "3.11.7"),
        ("6.11.3", "3.11.13"),
        ("6.12.0", "3.12.0"),
        ("6.12.0", "3.13.5"),
        ("6.12.1", "3.14.0"),
    ],
)
def test_the_good_pairs_are_admitted(pyside: str, python: str) -> None:
    assert admits(pyside, python)


def test_the_installed_pair_is_not_the_bad_one() -> None:
    import PySide6
    import shiboken6

    installed = Version(PySide6.__version__)
    python = ".".join(map(str, sys.version_info[:3]))
    assert Version(shiboken6.__version__) == installed
    assert Version(importlib.metadata.version("PySide6-Essentials")) == installed
    assert not (sys.version_info[:2] == (3, 11) and installed == Version("6.12.0"))
    assert admits(str(installed), python), f"PySide6 {installed} on {python} is outside the pins"


FILL_MODEL = textwrap.dedent(
    """
    from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
    app = QGuiApplication([])
    model = QStandardItemModel(0, 2)
    for row in range(20_000):
        model.appendRow([QStandardItem(f"person {row}"), QStandardItem(str(row % 11))])
        model.setData(model.index(row, 1), row % 11)  # another call that returns nothing
    print(model.rowCount(), flush=True)
    """
)


def test_twenty_thousand_rows_do_not_abort_the_interpreter() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", FILL_MODEL],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "none_dealloc" not in ran.stderr
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "20000"

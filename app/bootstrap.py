"""Composition root: builds the QApplication, the services and the windows; nothing else does."""

from __future__ import annotations

import argparse


def run_window(args: argparse.Namespace) -> int:
    """Start the window (to be built out: first-run dialog, unlock, main window)."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setWindowTitle("Circlekeeper")
    window.show()
    return app.exec()

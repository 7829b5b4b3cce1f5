"""Changes to review: a real check-in conflict settled by combining, then both vaults converge."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.services.checkins import CheckInDraft
from app.services.sync_review import ConflictRow, HistoryEntryRow
from app.sync.peers import PeerRow
from app.tasks import TaskRunner
from tests.gui.conftest import unnamed_controls
from tests.gui.sync_support import click, devices, grab, peers
from tests.unit.test_sync_support import Machine, small_program
from views.roles import ROW_ROLE, SORT_ROLE
from views.sync.import_dialog import ImportDialog
from views.sync.review_dialog import ReviewDialog
from views.sync.sync_actions import SyncActions
from views.sync.table_models import (
    ConflictTableModel,
    HistoryTableModel,
    PeerTableModel,
)

__all__ = ["devices", "peers"]

WAIT = 20_000
AT = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)


def check_in_conflict(a: Machine, b: Machine, *, last_import: bool = True) -> uuid.UUID:
    """Both devices edit the same check-in's challenges without seeing each other's edit.

    Without ``last_import``, B's bundle for A is left at ``a.folder / "from-b.ckb"``.
    """
    _cohort, members, session = small_program(a.services, people=2)
    person = members[0].id
    a.services.checkins.record(session.id, person, CheckInDraft(mood=6, challenges="slept badly"))
    b.import_(a.export(b))
    a.services.checkins.record(
        session.id, person, CheckInDraft(mood=6, challenges="Slept badly; argued with my sister.")
    )
    b.services.checkins.record(
        session.id, person, CheckInDraft(mood=6, challenges="Slept badly, missed the bus.")
    )
    b.import_(a.export(b))
    from_b = b.export(a, name="from-b.ckb")
    if last_import:
        a.import_(from_b)
    else:
        from_b.rename(a.folder / "from-b.ckb")
    session_id: uuid.UUID = session.id
    return session_id


def test_a_conflict_is_combined_in_the_review_view_and_both_vaults_converge(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    session_id = check_in_conflict(a, b)
    window = QWidget()
    qtbot.addWidget(window)
    actions = SyncActions(
        a.services.exchange, a.services.sync_review, a.services.cohorts, tasks, window
    )
    with qtbot.waitSignal(actions.conflict_count_changed, timeout=WAIT) as counted:
        actions.refresh_count()
    assert counted.args == [1]
    assert actions.review_button.text() == "1 change to review"
    assert actions.review_action.text() == "Changes to &review (1)…"

    with qtbot.waitSignal(actions.conflict_count_changed, timeout=WAIT):
        click(actions.review_button)
        review = actions.review_dialog
        assert isinstance(review, ReviewDialog)
        qtbot.waitUntil(lambda: review.conflicts.rowCount() == 1, timeout=WAIT)
        panel = review.panel
        assert panel.title.text() == "Person 0’s check-in, 2 Mar 2026 — challenges"
        sides = {panel.current_text.toPlainText(), panel.other_text.toPlainText()}
        assert sides == {"Slept badly; argued with my sister.", "Slept badly, missed the bus."}
        assert "front-desk-laptop" in panel.current_by.text() + panel.other_by.text()
        assert "clinic-laptop" in panel.current_by.text() + panel.other_by.text()
        qtbot.waitUntil(lambda: review.history.rowCount() > 0, timeout=WAIT)
        assert "slept badly" in {row.value for row in review.history.rows}
        click(panel.combine_button)
        assert panel.combine_area.isVisible()
        prefilled = panel.combined.toPlainText()
        assert all(side in prefilled for side in sides)
        assert unnamed_controls(review) == []
        grab(review, "review.png")
        panel.combined.selectAll()
        QTest.keyClicks(panel.combined, "Slept badly; argued with my sister; missed the bus.")
        click(panel.save_combined)  # the count follows the settled conflict
    qtbot.waitUntil(lambda: review.conflicts.rowCount() == 0, timeout=WAIT)
    assert review.summary.text() == "Nothing to review: every change merged on its own."
    assert not actions.review_button.isVisible() and actions.waiting == 0

    review.show_settled.setChecked(True)  # settled ones stay visible on demand, read-only
    qtbot.waitUntil(lambda: review.conflicts.rowCount() == 1, timeout=WAIT)
    assert review.panel.settled.isVisible() and not review.panel.keep_button.isEnabled()

    b.import_(a.export(b))
    a.import_(b.export(a))
    combined = "Slept badly; argued with my sister; missed the bus."
    for machine in (a, b):
        (checkin,) = [c for c in machine.services.checkins.for_session(session_id) if c.mood]
        assert checkin.challenges == combined
        assert machine.services.sync_review.conflicts() == []
    assert a.digest() == b.digest()
    actions.remove()


def test_keep_the_current_value_from_the_keyboard(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    session_id = check_in_conflict(a, b)
    review = ReviewDialog(b.services.sync_review, tasks)
    qtbot.addWidget(review)
    review.show()
    qtbot.waitUntil(lambda: review.conflicts.rowCount() == 1, timeout=WAIT)
    kept = review.panel.current_text.toPlainText()
    with qtbot.waitSignal(review.conflicts_changed, timeout=WAIT):
        review.panel.keep_button.setFocus()
        QTest.keyClick(review.panel.keep_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: review.conflicts.rowCount() == 0, timeout=WAIT)
    assert kept in {c.challenges for c in b.services.checkins.for_session(session_id)}
    assert b.services.sync_review.conflicts() == []


@pytest.mark.parametrize("kind", ["conflicts", "history", "peers"])
def test_the_sync_table_models_pass_the_model_tester(
    qtmodeltester: object, kind: str, peers: tuple[Machine, Machine]
) -> None:
    a, b = peers
    check_in_conflict(a, b)
    model: ConflictTableModel | HistoryTableModel | PeerTableModel
    rows: list[ConflictRow] | list[HistoryEntryRow] | list[PeerRow]
    if kind == "conflicts":
        model, rows = ConflictTableModel(), a.services.sync_review.conflicts()
    elif kind == "history":
        conflict = a.services.sync_review.conflicts()[0]
        model = HistoryTableModel()
        rows = a.services.sync_review.history(conflict.entity, conflict.row_id)
    else:
        model, rows = PeerTableModel(), a.services.exchange.peers()
    assert rows
    model.set_rows(rows)  # type: ignore[arg-type]
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    first = model.index(0, 0)
    assert first.data(ROW_ROLE) == rows[0]
    assert first.data(SORT_ROLE) is not None
    assert model.headerData(0, Qt.Orientation.Horizontal) == model.headers[0]


def test_an_import_that_brings_a_conflict_offers_to_review_it(
    qtbot: QtBot, peers: tuple[Machine, Machine], tasks: TaskRunner
) -> None:
    a, b = peers
    check_in_conflict(a, b, last_import=False)
    importing = ImportDialog(a.services.exchange, tasks, folder=a.folder)
    qtbot.addWidget(importing)
    importing.show()
    importing.set_bundle(str(a.folder / "from-b.ckb"))
    qtbot.waitUntil(importing.panel.go_button.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(importing.imported, timeout=WAIT):
        click(importing.panel.go_button)
    assert ", 1 change to review" in importing.panel.result.text()
    assert importing.review_button.isVisible()
    assert importing.review_button.text() == "&Review 1 change…"
    with qtbot.waitSignal(importing.review_requested, timeout=WAIT):
        click(importing.review_button)
    assert not importing.isVisible()

"""The group screen shows the round, the peer leader and milestones, and nothing clinician-only."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services.container import Services
from app.tasks import TaskRunner
from tests.conftest import FakeNow
from tests.gui.live_world import CLINICIAN_ONLY, build_live_world
from views.live.about_panel import AboutPanel
from views.live.live_window import LiveRoundWindow
from views.live.presenter_window import PresenterWindow


def rendered_text(root: QWidget) -> list[str]:
    """Every string the widget tree can show or announce: text, titles, tips, names."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        found += [
            widget.windowTitle(),
            widget.toolTip(),
            widget.statusTip(),
            widget.whatsThis(),
            widget.accessibleName(),
            widget.accessibleDescription(),
        ]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            found.append(widget.text())
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is not None:
            for kind in (
                QAccessible.Text.Name,
                QAccessible.Text.Description,
                QAccessible.Text.Value,
            ):
                found.append(interface.text(kind))
    return [text for text in found if text]


def test_the_presenter_window_shows_nothing_clinician_only_and_no_flag(
    qtbot: QtBot, services: Services, now: FakeNow, tasks: TaskRunner
) -> None:
    live = build_live_world(services, now)
    ana = live.people[0]
    services.round_entries.set_peer_leader(live.today.id, live.people[3].id)
    round_view = services.rounds.start(live.today.id)
    services.rounds.advance(round_view.id)
    evaluation = services.accountability.evaluate(live.today.id)
    reasons = [flag.reason for flag in evaluation.flags]
    assert reasons, "the world must raise flags, or this test proves nothing"
    private_prompts = [p.text for p in evaluation.prompts if not p.group_safe]

    presenter = PresenterWindow()
    qtbot.addWidget(presenter)
    presenter.show_view(services.agenda.presenter(live.today.id))
    presenter.show()
    qtbot.waitExposed(presenter)
    shown = rendered_text(presenter)
    joined = "\n".join(shown)
    assert CLINICIAN_ONLY not in joined
    for secret in [*reasons, *private_prompts]:
        assert secret not in joined
    assert "▶ 2. Ben T. (he/him)" in shown  # the speaker, after Ana has spoken
    assert "✓ 1. Ana R. (she/her)" in shown
    assert "Dee" in shown  # the peer leader of today's session
    assert any("Ana R.: 14 days in recovery" in text for text in shown)

    # The same planted data does reach the facilitator's window: the flags are real.
    window = LiveRoundWindow(
        services, tasks, cohort_id=live.world.cohort.id, session_id=live.today.id, clock=now
    )
    qtbot.addWidget(window)
    window.show()
    lou = live.people[-1].id
    qtbot.waitUntil(lambda: window.controller.setup is not None, timeout=5000)
    panel = AboutPanel(window.controller.card(lou), evaluation.day)
    qtbot.addWidget(panel)
    assert any(reason in "\n".join(rendered_text(panel)) for reason in reasons)
    qtbot.waitUntil(lambda: window.controller.idle, timeout=5000)
    assert ana.id in {t.participant_id for t in round_view.turns}

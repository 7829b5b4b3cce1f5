"""The first-run dialog: create the vault (passphrase twice, optional recovery key) or a demo."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.tasks import TaskControl, TaskRunner
from app.vault.errors import WeakPassphrase
from app.vault.keyfile import check_passphrase_strength
from app.vault.vault import CreatedVault, UnlockedVault
from views.errors import user_message
from views.field_message import FieldMessage
from views.heading import heading_label, note_label, readable_path
from views.shell.recovery_key_panel import RecoveryKeyPanel

# The small demo program: enough to see every page filled, written in a few seconds.
DEMO_SIZE: dict[str, int] = {"cohorts": 4, "participants": 120, "weeks": 16}

CreateVault = Callable[[str, bool], CreatedVault]


def load_demo_generator() -> Callable[..., Any] | None:
    """``app.demo.generate_demo``, imported on use; None in a build without it."""
    try:
        module = importlib.import_module("app.demo")
    except ModuleNotFoundError as error:
        if error.name != "app.demo":
            raise
        return None
    generator: Callable[..., Any] = module.generate_demo
    return generator


# The counts worth a status-bar sentence, in the order a facilitator thinks of them.
SUMMARY_WORDS = {
    "cohorts": "cohorts",
    "participants": "people",
    "sessions": "sessions",
    "checkins": "check-ins",
}


def describe_summary(summary: object) -> str:
    """``4 cohorts, 60 people, 192 sessions, 2,310 check-ins`` from a DemoSummary."""
    if not dataclasses.is_dataclass(summary):
        return ""
    counts = {
        field.name: value
        for field in dataclasses.fields(summary)
        if isinstance(value := getattr(summary, field.name), int)
    }
    return ", ".join(
        f"{counts[name]:,} {word}" for name, word in SUMMARY_WORDS.items() if name in counts
    )


class FirstRunDialog(QDialog):
    """Creates the vault with the passphrase typed twice, or creates it and fills in a demo.

    ``create(passphrase, with_recovery)`` runs through the task runner (it costs a key
    derivation). A requested recovery key is shown once before the dialog closes.
    ``vault_created(vault, note)`` is emitted when the user is done; ``note`` is one sentence
    for the status bar (keychain or demo news) or "". Rejecting the dialog means "quit".
    """

    vault_created = Signal(object, str)

    CHOOSE, WORKING, RECOVERY = range(3)

    def __init__(
        self,
        create: CreateVault,
        tasks: TaskRunner,
        folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome to Circlekeeper")
        self._create = create
        self._tasks = tasks
        self._busy = False
        self._vault: UnlockedVault | None = None
        self._recovery_key: str | None = None
        self._notes: list[str] = []

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choose_page(folder))
        self.pages.addWidget(self._working_page())
        self.recovery_panel = RecoveryKeyPanel(self)
        self.recovery_panel.confirmed.connect(self._finish)
        self.pages.addWidget(self.recovery_panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.setMinimumWidth(560)
        self.passphrase.setFocus()

    # -- building -------------------------------------------------------------------------

    def _choose_page(self, folder: Path) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Circlekeeper keeps your groups’ rosters, check-ins, goals and attendance in an "
            "encrypted vault on this computer. Choose a passphrase to protect it: a few "
            "unrelated words are easy to remember and hard to guess.",
            page,
        )
        intro.setWordWrap(True)
        self.passphrase = self._secret_field("Passphrase", page)
        self.repeat = self._secret_field("Repeat the passphrase", page)
        self.passphrase_message = FieldMessage(self.passphrase, page)
        self.repeat_message = FieldMessage(self.repeat, page)
        self.show_box = QCheckBox("&Show the passphrase", page)
        self.show_box.setAccessibleName("Show the passphrase")
        self.show_box.toggled.connect(self._show_passphrase)
        self.recovery_box = QCheckBox("Also create a &recovery key (recommended)", page)
        self.recovery_box.setAccessibleName("Also create a recovery key")
        self.recovery_box.setChecked(True)
        recovery_note = note_label(
            "A second key, shown once, that lets you set a new passphrase if you forget it.",
            page,
        )
        form = QFormLayout()
        form.addRow(self._buddy("&Passphrase:", self.passphrase, page), self.passphrase)
        form.addRow("", self.passphrase_message)
        form.addRow(self._buddy("R&epeat it:", self.repeat, page), self.repeat)
        form.addRow("", self.repeat_message)
        form.addRow("", self.show_box)

        self.general_message = FieldMessage(None, page)
        self.create_button = QPushButton("&Create vault", page)
        self.create_button.setAccessibleName("Create vault")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(lambda: self._start(demo=False))
        self.demo_button = QPushButton("Explore a &demo program", page)
        self.demo_button.setAccessibleName("Explore a demo program")
        self.demo_button.setToolTip(
            "Creates the vault with this passphrase and fills it with a made-up program "
            f"({DEMO_SIZE['cohorts']} cohorts, {DEMO_SIZE['participants']} people, "
            f"{DEMO_SIZE['weeks']} weeks). No real names."
        )
        self.demo_button.clicked.connect(lambda: self._start(demo=True))
        self.quit_button = QPushButton("&Quit", page)
        self.quit_button.setAccessibleName("Quit")
        self.quit_button.clicked.connect(self.reject)
        demo_note = note_label(
            "Just looking around? The demo fills the new vault with made-up people (no real "
            "names) so that every page has something to show.",
            page,
        )
        where = note_label(f"The vault will be created in {readable_path(folder)}.", page)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        QWidget.setTabOrder(self.recovery_box, self.demo_button)  # left to right, as seen
        QWidget.setTabOrder(self.demo_button, self.quit_button)
        QWidget.setTabOrder(self.quit_button, self.create_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.create_button)

        layout = QVBoxLayout(page)
        layout.addWidget(heading_label("Create your encrypted vault", page))
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.recovery_box)
        layout.addWidget(recovery_note)
        layout.addSpacing(6)
        layout.addWidget(demo_note)
        layout.addWidget(where)
        layout.addWidget(self.general_message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.passphrase.textEdited.connect(self._validate_live)
        self.repeat.textEdited.connect(self._validate_live)
        return page

    def _working_page(self) -> QWidget:
        page = QWidget(self)
        self.working_heading = heading_label("Creating your vault…", page)
        self.working_status = QLabel("", page)
        self.working_status.setWordWrap(True)
        self.progress = QProgressBar(page)
        self.progress.setAccessibleName("Progress")
        self.progress.setRange(0, 0)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.working_heading)
        layout.addWidget(self.working_status)
        layout.addWidget(self.progress)
        layout.addStretch(2)
        return page

    def _secret_field(self, name: str, parent: QWidget) -> QLineEdit:
        field = QLineEdit(parent)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    @staticmethod
    def _buddy(text: str, field: QWidget, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setBuddy(field)
        return label

    # -- validation -----------------------------------------------------------------------

    def _show_passphrase(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def _problems(self) -> tuple[str, str]:
        """(message for the passphrase, message for the repetition); "" where all is well."""
        first = ""
        try:
            check_passphrase_strength(self.passphrase.text())
        except WeakPassphrase as error:
            first = str(error)
        second = ""
        if self.repeat.text() != self.passphrase.text():
            second = "The two passphrases differ."
        return first, second

    def _validate_live(self) -> None:
        first, second = self._problems()
        # Speak up only about what the user has reached: no "differ" before they repeat it.
        self.passphrase_message.show_message(first if self.passphrase.text() else "")
        self.repeat_message.show_message(second if self.repeat.text() else "")

    # -- creating -------------------------------------------------------------------------

    def _start(self, *, demo: bool) -> None:
        if self._busy:
            return
        first, second = self._problems()
        self.passphrase_message.show_message(first)
        self.repeat_message.show_message(second)
        self.general_message.clear_message()
        if first or second:
            (self.passphrase if first else self.repeat).setFocus()
            return
        generator = load_demo_generator() if demo else None
        if demo and generator is None:
            self.general_message.show_message(
                "The demo program is not part of this version of Circlekeeper; create an "
                "empty vault instead."
            )
            return
        self._busy = True
        self.working_heading.setText("Creating your vault…")
        self.working_status.setText("Deriving the key from your passphrase and encrypting.")
        self.progress.setRange(0, 0)
        self.pages.setCurrentIndex(self.WORKING)
        passphrase, with_recovery, create = (
            self.passphrase.text(),
            self.recovery_box.isChecked(),
            self._create,
        )
        self._tasks.submit(
            lambda: create(passphrase, with_recovery),
            on_success=lambda created: self._on_created(created, generator),
            on_failure=self._on_create_failed,
            owner=self,
            name="create vault",
        )

    def _on_created(self, created: CreatedVault, generator: Callable[..., Any] | None) -> None:
        self._vault = created.vault
        self._recovery_key = created.recovery_key
        if created.keychain_note:
            self._notes.append(created.keychain_note)
        self.passphrase.clear()
        self.repeat.clear()
        if generator is None:
            self._after_work()
            return
        vault = created.vault
        self.working_heading.setText("Writing the demo program…")
        self.working_status.setText(
            f"{DEMO_SIZE['cohorts']} cohorts, {DEMO_SIZE['participants']} made-up people, "
            f"{DEMO_SIZE['weeks']} weeks of sessions, check-ins, goals and attendance."
        )
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)

        def write_demo(control: TaskControl) -> object:
            return generator(vault, **DEMO_SIZE, progress=control.report_progress)

        self._tasks.submit_controlled(
            write_demo,
            on_success=self._on_demo_written,
            on_failure=self._on_demo_failed,
            on_progress=lambda fraction: self.progress.setValue(round(fraction * 1000)),
            owner=self,
            name="demo program",
        )

    def _on_create_failed(self, error: Exception) -> None:
        self._busy = False
        self.pages.setCurrentIndex(self.CHOOSE)
        if isinstance(error, WeakPassphrase):
            self.passphrase_message.show_message(str(error))
            self.passphrase.setFocus()
        else:
            self.general_message.show_message(user_message(error))

    def _on_demo_written(self, summary: object) -> None:
        described = describe_summary(summary)
        self._notes.append(f"Demo program written: {described}." if described else "")
        self._after_work()

    def _on_demo_failed(self, error: Exception) -> None:
        # The vault exists and works; say what happened and carry on with what was written.
        self._notes.append(f"The demo program could not be written: {user_message(error)}")
        self._after_work()

    def _after_work(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        key, self._recovery_key = self._recovery_key, None
        if key:
            self.pages.setCurrentIndex(self.RECOVERY)
            self.recovery_panel.show_key(key)
        else:
            self._finish()

    def _finish(self) -> None:
        vault, self._vault = self._vault, None
        self._busy = False
        if vault is None:
            return
        self.vault_created.emit(vault, " ".join(note for note in self._notes if note))
        self.accept()

    def reject(self) -> None:
        # Closing while the vault is being written would leave the user nowhere: wait.
        if self._busy:
            return
        super().reject()

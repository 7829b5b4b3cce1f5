"""What the roster's dialogs share: a form whose refusals are shown beside the field they name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import InvalidInput
from app.tasks import TaskRunner
from views.errors import user_message
from views.field_message import FieldMessage, add_field_row
from views.heading import heading_label, note_label


def date_edit(parent: QWidget, value: Any) -> QDateEdit:
    """A calendar-popup date field showing ``value`` (a ``datetime.date``)."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


class RosterDialog(QDialog):
    """A heading, a sentence, a form, a general message and an accept button named for the act.

    Subclasses add rows with ``add_row`` and call ``submit(work, on_success)``: ``work`` runs
    on the task runner; an ``InvalidInput`` is shown beside the field it names (which gets
    the focus), anything else under the form. The dialog is accepted after ``on_success``.
    Opened with ``open()``; it never runs a nested event loop.
    """

    def __init__(
        self,
        tasks: TaskRunner,
        title: str,
        heading: str,
        intro: str,
        accept_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._tasks = tasks
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.heading = heading_label(heading, self, scale=1.25)
        self.intro = note_label(intro, self)
        self.intro.setVisible(bool(intro))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.general_message = FieldMessage(None, self)
        self.general_message.setObjectName("generalMessage")
        self.buttons = QDialogButtonBox(self)
        self.accept_button = QPushButton(accept_text, self)
        self.accept_button.setDefault(True)
        self.accept_button.setAccessibleName(accept_text.replace("&", "").rstrip("…"))
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_accept_pressed)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.intro)
        self.body.addSpacing(6)
        self.body.addLayout(self.form)
        self.body.addWidget(self.general_message)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def add_row(self, label_text: str, key: str, field: QWidget, name: str) -> QLabel:
        """A labelled field with its own message underneath; ``name`` is its accessible name."""
        label, _cell, message = add_field_row(self.form, label_text, field, key, name, self)
        self.fields[key] = field
        self.messages[key] = message
        return label

    def set_accept_text(self, text: str) -> None:
        self.accept_button.setText(text)
        self.accept_button.setAccessibleName(text.replace("&", "").rstrip("…"))

    def clear_messages(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.general_message.clear_message()

    def _on_accept_pressed(self) -> None:
        """Subclasses start their work here (usually through ``submit``)."""
        raise NotImplementedError

    def submit(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        self.clear_messages()
        self.accept_button.setEnabled(False)

        def succeeded(result: Any) -> None:
            on_success(result)
            self.accept()

        self._tasks.submit(
            work,
            on_success=succeeded,
            on_failure=self.show_refusal,
            owner=self,
            name=self.windowTitle(),
        )

    def show_refusal(self, error: Exception) -> None:
        self.accept_button.setEnabled(True)
        if isinstance(error, InvalidInput) and error.field in self.messages:
            self.messages[error.field].show_message(error.message)
            self.fields[error.field].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.general_message.show_message(user_message(error))

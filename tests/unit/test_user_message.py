"""The window's one sentence for a failure: ours verbatim, anything else a plain notice."""

from __future__ import annotations

from app.resources import ResourceError
from app.services.errors import InvalidInput
from views.errors import user_message


def test_a_damaged_data_file_is_named_not_called_unexpected() -> None:
    error = ResourceError("resources/instruments/phq-9.json: bands.ranges[1].min: leaves a gap.")
    assert user_message(error) == str(error)


def test_our_errors_are_shown_as_written_and_others_as_a_notice() -> None:
    assert user_message(InvalidInput("mood", "The mood must be between 0 and 10.")) == (
        "The mood must be between 0 and 10."
    )
    assert "Something unexpected went wrong (KeyError)" in user_message(KeyError("x"))

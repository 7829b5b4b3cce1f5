"""Passphrases from a file or the environment: the exact text, or one sentence why not.

The rules, so that what unlocks is what the person typed: the bytes must be UTF-8 (a
byte-order mark at the start is dropped); only one final ``\\n`` or ``\\r\\n`` is removed;
any other line break (``\\r``, ``\\n`` inside) means more than one line and is refused
rather than cut, while VT, FF, NEL and U+2028 are ordinary characters of the passphrase.
A variable is removed from the environment once read, so no child process inherits it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from app.vault.errors import SecretRefused


def from_bytes(data: bytes, source: str, what: str = "passphrase") -> str:
    """The secret in ``data`` (the content of ``source``) under the rules above."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretRefused(
            f"The {what} in {source} is not UTF-8 text; save it as UTF-8 and try again."
        ) from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if "\n" in text or "\r" in text:
        raise SecretRefused(
            f"The {what} file {source} holds more than one line; put the {what} alone on one line."
        )
    if not text:
        raise SecretRefused(f"The {what} in {source} is empty.")
    return text


def read_file(path: Path, what: str = "passphrase") -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SecretRefused(f"Cannot read the {what} file {path}: {error.strerror}.") from None
    return from_bytes(data, str(path), what)


def take_from_environment(name: str, what: str = "passphrase") -> str | None:
    """The secret in ``$name`` (None when unset or empty), removed from the environment."""
    value = os.environ.pop(name, None)
    raw = None
    if hasattr(os, "environb"):
        raw = os.environb.pop(os.fsencode(name), None)
    if value is None:
        return None
    if raw is None:  # Windows has no bytes environment: the text is what was set
        raw = os.fsencode(value) if os.name == "posix" else value.encode("utf-8", "replace")
    if not raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretRefused(
            f"The {what} in ${name} is not UTF-8 text; set it in UTF-8 and try again."
        ) from None
    return text.removeprefix("\ufeff") or None

"""The key file beside the database: the raw key wrapped by passphrase and by recovery key.

Format (JSON, so a person can see what it holds and what it does not)::

    {"format": "circlekeeper-vault-key", "version": 1, "vault_id": "<uuid>",
     "passphrase": {"kdf": "argon2id", "salt", "iterations", "lanes", "memory_kib",
                    "cipher": "aes-256-gcm", "nonce", "ciphertext"},
     "recovery": null | {"scheme": "age-x25519", "recipient": "age1…", "ciphertext"},
     "checksum": "<SHA-256 of the rest, canonical JSON>"}

The AES-GCM associated data binds the vault id and every KDF parameter, so editing any of
them makes unwrapping fail instead of silently weakening it. The recovery copy is a standard
age file encrypted to an X25519 recipient whose identity (``AGE-SECRET-KEY-1…``) is shown to
the user once and kept nowhere.

The checksum tells a damaged file from a wrong passphrase: a file whose bytes changed says
so instead of "wrong passphrase". Files written before it existed have none and still open.
Passphrases are normalized to Unicode NFC before the key derivation, so that the same
passphrase typed on two keyboards (composed or decomposed accents) gives the same key; a
vault whose key was wrapped before that rule still opens with the passphrase as typed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.vault.atomic import write_atomically
from app.vault.errors import (
    KeyFileDamaged,
    NoRecoveryKey,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)

FORMAT = "circlekeeper-vault-key"
FORMAT_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
WRAPPED_BYTES = KEY_BYTES + 16  # AES-GCM appends a 16-byte tag
MIN_PASSPHRASE_CHARS = 8
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB


@dataclass(frozen=True, slots=True)
class KdfParameters:
    """Argon2id cost: RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes)."""

    iterations: int = 3
    lanes: int = 4
    memory_kib: int = 64 * 1024

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


DEFAULT_KDF = KdfParameters()


def normalized(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


def _spellings(passphrase: str) -> list[str]:
    """NFC first (every key wrapped now), then the forms older vaults may have used."""
    forms = [normalized(passphrase), passphrase, unicodedata.normalize("NFD", passphrase)]
    return list(dict.fromkeys(forms))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase(
            f"The passphrase needs at least {MIN_PASSPHRASE_CHARS} characters; "
            "a few unrelated words are easy to remember and hard to guess."
        )
    if passphrase.strip() != passphrase:
        raise WeakPassphrase("The passphrase must not begin or end with a space.")


@dataclass(frozen=True, slots=True)
class KeyFile:
    """The parsed key file. Immutable: rewrapping makes a new one."""

    vault_id: uuid.UUID
    kdf: KdfParameters
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    recovery_recipient: str | None
    recovery_ciphertext: bytes | None

    # -- creating ------------------------------------------------------------------------

    @classmethod
    def wrap(
        cls,
        key: bytes | bytearray,
        passphrase: str,
        *,
        vault_id: uuid.UUID,
        kdf: KdfParameters | None = None,
        recovery_recipient: str | None = None,
    ) -> KeyFile:
        """Wrap ``key`` under ``passphrase`` (and to ``recovery_recipient`` when given)."""
        passphrase = normalized(passphrase)
        check_passphrase_strength(passphrase)
        kdf = kdf or DEFAULT_KDF
        salt = os.urandom(SALT_BYTES)
        nonce = os.urandom(NONCE_BYTES)
        wrapping_key = kdf.derive(passphrase, salt)
        ciphertext = AESGCM(wrapping_key).encrypt(nonce, key, _associated_data(vault_id, kdf))
        recovery_ciphertext = None
        if recovery_recipient is not None:
            recipient = pyrage.x25519.Recipient.from_str(recovery_recipient)
            recovery_ciphertext = pyrage.encrypt(bytes(key), [recipient])
        return cls(vault_id, kdf, salt, nonce, ciphertext, recovery_recipient, recovery_ciphertext)

    def rewrapped(self, key: bytes | bytearray, new_passphrase: str) -> KeyFile:
        """The same key (and recovery copy) under a new passphrase, with a fresh salt.

        The new wrapping uses today's KDF cost, so changing the passphrase also moves an old
        vault to the current parameters.
        """
        fresh = KeyFile.wrap(key, new_passphrase, vault_id=self.vault_id)
        return KeyFile(
            self.vault_id,
            fresh.kdf,
            fresh.salt,
            fresh.nonce,
            fresh.ciphertext,
            self.recovery_recipient,
            self.recovery_ciphertext,
        )

    # -- unwrapping ----------------------------------------------------------------------

    def unwrap(self, passphrase: str) -> bytearray:
        """The raw key, in a buffer the caller overwrites when done with it."""
        for spelling in _spellings(passphrase):
            wrapping_key = self.kdf.derive(spelling, self.salt)
            try:
                key = AESGCM(wrapping_key).decrypt(
                    self.nonce, self.ciphertext, _associated_data(self.vault_id, self.kdf)
                )
            except InvalidTag:
                continue
            if len(key) == KEY_BYTES:
                return bytearray(key)
        raise WrongPassphrase()

    def unwrap_with_recovery(self, identity: str) -> bytearray:
        if self.recovery_ciphertext is None:
            raise NoRecoveryKey()
        try:
            parsed = pyrage.x25519.Identity.from_str(identity.strip())
            key = pyrage.decrypt(self.recovery_ciphertext, [parsed])
        except Exception:  # pyrage raises several unrelated types for a wrong identity
            raise WrongRecoveryKey() from None
        if len(key) != KEY_BYTES:
            raise WrongRecoveryKey()
        return bytearray(key)

    # -- file form -----------------------------------------------------------------------

    def to_json(self) -> bytes:
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "vault_id": str(self.vault_id),
            "passphrase": {
                "kdf": "argon2id",
                "salt": _b64(self.salt),
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "memory_kib": self.kdf.memory_kib,
                "cipher": "aes-256-gcm",
                "nonce": _b64(self.nonce),
                "ciphertext": _b64(self.ciphertext),
            },
            "recovery": None,
        }
        if self.recovery_recipient and self.recovery_ciphertext:
            document["recovery"] = {
                "scheme": "age-x25519",
                "recipient": self.recovery_recipient,
                "ciphertext": _b64(self.recovery_ciphertext),
            }
        document["checksum"] = _checksum(document)
        return (json.dumps(document, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, path: Path) -> KeyFile:
        try:
            document = json.loads(data.decode("utf-8"))
            if not isinstance(document, dict):
                raise ValueError("not a Circlekeeper key file")
            stored = document.pop("checksum", None)
            if stored is not None and not hmac.compare_digest(str(stored), _checksum(document)):
                raise ValueError("its checksum does not match its content")
            if document.get("format") != FORMAT:
                raise ValueError("not a Circlekeeper key file")
            if document.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown key file version {document.get('version')!r}")
            wrapped = document["passphrase"]
            if wrapped.get("kdf") != "argon2id" or wrapped.get("cipher") != "aes-256-gcm":
                raise ValueError("unknown key wrapping")
            kdf = KdfParameters(
                # Bounds keep an edited file from making unlock allocate gigabytes or spin.
                iterations=_bounded(wrapped["iterations"], 1, 16),
                lanes=_bounded(wrapped["lanes"], 1, 16),
                memory_kib=_bounded(wrapped["memory_kib"], 8 * 1024, MAX_MEMORY_KIB),
            )
            recovery = document.get("recovery")
            return cls(
                vault_id=uuid.UUID(document["vault_id"]),
                kdf=kdf,
                salt=_sized(_unb64(wrapped["salt"]), SALT_BYTES, "salt"),
                nonce=_sized(_unb64(wrapped["nonce"]), NONCE_BYTES, "nonce"),
                ciphertext=_sized(_unb64(wrapped["ciphertext"]), WRAPPED_BYTES, "wrapped key"),
                recovery_recipient=str(recovery["recipient"]) if recovery else None,
                recovery_ciphertext=_unb64(recovery["ciphertext"]) if recovery else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
            raise KeyFileDamaged(path, str(error) or type(error).__name__) from None

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        return cls.from_json(path.read_bytes(), path)

    def write(self, path: Path) -> None:
        write_atomically(path, self.to_json())


def _checksum(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _sized(data: bytes, size: int, what: str) -> bytes:
    # The KDF and the cipher raise their own ValueError on odd sizes; say it here, plainly.
    if len(data) != size:
        raise ValueError(f"the {what} has {len(data)} bytes instead of {size}")
    return data


def _bounded(value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"KDF parameter {value!r} outside {low}..{high}")
    return value


def _associated_data(vault_id: uuid.UUID, kdf: KdfParameters) -> bytes:
    return (
        f"{FORMAT}/{FORMAT_VERSION}/{vault_id}/argon2id/"
        f"{kdf.iterations}/{kdf.lanes}/{kdf.memory_kib}"
    ).encode("ascii")


def new_recovery_identity() -> tuple[str, str]:
    """A fresh recovery identity: (secret ``AGE-SECRET-KEY-1…`` to show once, public recipient)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())

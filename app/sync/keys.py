"""This device's identity for bundles, and contact cards: the public halves and a fingerprint.

A contact card is plain text a person can read and check::

    Circlekeeper contact card 1
    device: 0b6f…
    name: front-desk-laptop
    signing-key: ed25519:<base64 of the 32-byte public key>
    fingerprint: K3QZ-7MBA-2X4C-RT9N-WQ5E
    age1…                                   (the age recipient, on a line of its own)

The fingerprint (20 base32 characters, 100 bits, read aloud in groups of four) is a SHA-256
over the device id, the age recipient and the signing key, so checking it over the phone
checks every key on the card.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from app.database.engine import Database
from app.sync.errors import CardInvalid
from models import DeviceInfo, DeviceKey

CARD_TITLE = "Circlekeeper contact card 1"
FINGERPRINT_CHARS = 20


def fingerprint_of(device_id: str, age_recipient: str, verify_key: bytes) -> str:
    digest = hashlib.sha256(
        b"circlekeeper-card-v1\0"
        + device_id.encode()
        + b"\0"
        + age_recipient.encode()
        + b"\0"
        + verify_key
    ).digest()
    text = base64.b32encode(digest).decode()[:FINGERPRINT_CHARS]
    return "-".join(text[i : i + 4] for i in range(0, FINGERPRINT_CHARS, 4))


def normalize_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with any case, spaces or dashes."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@dataclass(frozen=True, slots=True)
class ContactCard:
    """The public identity of a device: what a peer needs to encrypt to it and trust it."""

    device_id: str
    name: str
    age_recipient: str
    verify_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.device_id, self.age_recipient, self.verify_key)

    def to_text(self) -> str:
        key = base64.b64encode(self.verify_key).decode()
        return (
            f"{CARD_TITLE}\n"
            f"device: {self.device_id}\n"
            f"name: {self.name}\n"
            f"signing-key: ed25519:{key}\n"
            f"fingerprint: {self.fingerprint}\n"
            f"{self.age_recipient}\n"
        )

    @classmethod
    def parse(cls, text: str) -> ContactCard:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if not lines or lines[0] != CARD_TITLE:
            raise CardInvalid("This is not a Circlekeeper contact card.")
        fields: dict[str, str] = {}
        recipients = []
        for line in lines[1:]:
            if line.startswith("age1"):
                recipients.append(line)
            elif ": " in line:
                key, value = line.split(": ", 1)
                fields[key] = value
        try:
            device_id, name = fields["device"], fields["name"]
            scheme, encoded = fields["signing-key"].split(":", 1)
            verify_key = base64.b64decode(encoded, validate=True)
            stated = fields["fingerprint"]
        except (KeyError, ValueError, binascii.Error):
            raise CardInvalid("The contact card is incomplete or damaged.") from None
        if scheme != "ed25519" or len(verify_key) != 32 or len(recipients) != 1:
            raise CardInvalid("The contact card is incomplete or damaged.")
        try:
            pyrage.x25519.Recipient.from_str(recipients[0])
        except Exception:  # pyrage raises its own type for a malformed key
            raise CardInvalid("The contact card's age recipient is not valid.") from None
        card = cls(device_id[:36], name[:80], recipients[0], verify_key)
        if normalize_fingerprint(stated) != card.fingerprint:
            raise CardInvalid(
                "The contact card's fingerprint does not match its keys; it was altered."
            )
        return card


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """This device's key pairs; the secrets never leave the vault except into memory."""

    device_id: str
    name: str
    age_identity: str
    age_recipient: str
    signing_key: bytes
    verify_key: bytes

    @property
    def card(self) -> ContactCard:
        return ContactCard(self.device_id, self.name, self.age_recipient, self.verify_key)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.signing_key).sign(message)

    def identity(self) -> pyrage.x25519.Identity:
        return pyrage.x25519.Identity.from_str(self.age_identity)


def _identity(device: DeviceInfo, keys: DeviceKey) -> DeviceIdentity:
    return DeviceIdentity(
        device.device_id,
        device.name,
        keys.age_identity,
        keys.age_recipient,
        keys.signing_key,
        keys.verify_key,
    )


def device_identity(database: Database) -> DeviceIdentity:
    """This device's identity, creating its key pairs the first time they are needed."""
    with database.read() as session:
        device = session.scalars(select(DeviceInfo)).one()
        keys = session.get(DeviceKey, device.device_id)
        if keys is not None:
            return _identity(device, keys)
    with database.write() as session:
        device = session.scalars(select(DeviceInfo)).one()
        keys = session.get(DeviceKey, device.device_id)
        if keys is None:
            age_identity = pyrage.x25519.Identity.generate()
            signing = Ed25519PrivateKey.generate()
            keys = DeviceKey(
                device_id=device.device_id,
                age_identity=str(age_identity),
                age_recipient=str(age_identity.to_public()),
                signing_key=signing.private_bytes_raw(),
                verify_key=signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(keys)
        return _identity(device, keys)

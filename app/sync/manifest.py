"""The signed manifest: what a bundle holds, who made it, and a SHA-256 of every member.

The signature is Ed25519 (``cryptography``) over a fixed context line followed by the exact
bytes of ``manifest.json``; every member's bytes are then checked against the manifest, so
one signature covers the whole bundle.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.sync.clock import MAX_VERSION
from app.sync.errors import BundleRejected
from app.sync.keys import ContactCard

FORMAT = "circlekeeper-bundle"
FORMAT_VERSION = 1
SIGNATURE_CONTEXT = b"circlekeeper-bundle-manifest-v1\n"
MAX_MANIFEST_BYTES = 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NOT_A_MANIFEST = "The bundle's manifest is damaged or was altered."


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    rows: int
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """Everything the importer checks before it applies a single row."""

    bundle_id: str
    created_at: str
    source: ContactCard
    schema: str
    scope: dict[str, Any]  # {"cohorts": [ids] | None, "since": clock, "until": clock}
    clock_min: int
    clock_max: int
    counts: dict[str, int]  # rows per table, plus "history"
    members: tuple[Member, ...]

    def to_bytes(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "bundle_id": self.bundle_id,
            "created_at": self.created_at,
            "source": {
                "device_id": self.source.device_id,
                "name": self.source.name,
                "age_recipient": self.source.age_recipient,
                "signing_key": base64.b64encode(self.source.verify_key).decode(),
                "fingerprint": self.source.fingerprint,
            },
            "schema_version": self.schema,
            "scope": self.scope,
            "clock": {"min": self.clock_min, "max": self.clock_max},
            "counts": self.counts,
            "members": [
                {"name": m.name, "rows": m.rows, "bytes": m.size, "sha256": m.sha256}
                for m in self.members
            ],
        }
        return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        if len(data) > MAX_MANIFEST_BYTES:
            raise BundleRejected(_NOT_A_MANIFEST)
        try:
            document = json.loads(data.decode("utf-8"))
            return cls._from_document(document)
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            raise BundleRejected(_NOT_A_MANIFEST) from None

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> Manifest:
        if document["format"] != FORMAT:
            raise ValueError("not a bundle manifest")
        if document["format_version"] != FORMAT_VERSION:
            raise BundleRejected(
                "This bundle was written in a newer bundle format; update Circlekeeper to read it."
            )
        source = document["source"]
        card = ContactCard(
            _text(source["device_id"], 36),
            _text(source["name"], 80),
            _text(source["age_recipient"], 100),
            base64.b64decode(_text(source["signing_key"], 64), validate=True),
        )
        if len(card.verify_key) != 32 or source["fingerprint"] != card.fingerprint:
            raise ValueError("source")
        members = tuple(
            Member(
                _text(m["name"], 80), _count(m["rows"]), _count(m["bytes"]), _text(m["sha256"], 64)
            )
            for m in document["members"]
        )
        if not all(_HEX64.fullmatch(m.sha256) for m in members):
            raise ValueError("hash")
        clock = document["clock"]
        scope = document["scope"]
        if not isinstance(scope, dict):
            raise ValueError("scope")
        counts = {_text(k, 60): _count(v) for k, v in document["counts"].items()}
        manifest = cls(
            str(uuid.UUID(_text(document["bundle_id"], 36))),
            _text(document["created_at"], 40),
            card,
            _text(document["schema_version"], 40),
            scope,
            _count(clock["min"]),
            _count(clock["max"]),
            counts,
            members,
        )
        if manifest.clock_min > manifest.clock_max or manifest.clock_max > MAX_VERSION:
            raise ValueError("clock")
        return manifest


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError("text")
    return value


def _count(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_VERSION:
        raise ValueError("count")
    return value


def verify_signature(manifest_bytes: bytes, signature: bytes, verify_key: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(verify_key).verify(
            signature, SIGNATURE_CONTEXT + manifest_bytes
        )
    except (InvalidSignature, ValueError):
        raise BundleRejected(
            "The bundle's signature does not match its manifest; it was altered or damaged."
        ) from None

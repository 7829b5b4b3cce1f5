"""The age v1 file around a bundle: our own strict look at its header, then pyrage.

pyrage decrypts whatever the age format allows, including scrypt work factors that take
minutes and gigabytes, and any number of stanzas. So before pyrage sees a byte we parse the
header ourselves (https://age-encryption.org/v1) and refuse anything the age command-line
tool would refuse or that this app never writes: an armored file, an unknown stanza type,
more than ``MAX_STANZAS`` stanzas, a scrypt work factor above ``MAX_WORK_FACTOR``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyrage

from app.sync.errors import BundleRejected

INTRO = b"age-encryption.org/v1\n"
MAX_HEADER_BYTES = 64 * 1024
MAX_STANZAS = 20
MAX_BODY_BYTES = 1024
MAX_WORK_FACTOR = 22  # age's own limit; each step doubles scrypt's time and memory
CHUNK = 64 * 1024  # age encrypts the payload in 64 KiB chunks, each with a 16-byte tag
PAYLOAD_NONCE = 16
_B64 = re.compile(rb"[A-Za-z0-9+/]*")
_ARG = re.compile(rb"[\x21-\x7e]+")
_DECIMAL = re.compile(rb"[1-9][0-9]?")
_DAMAGED = "The bundle's encryption header is damaged or is not an age file."


@dataclass(frozen=True, slots=True)
class Stanza:
    kind: str
    args: tuple[str, ...]
    body_length: int


@dataclass(frozen=True, slots=True)
class AgeHeader:
    stanzas: tuple[Stanza, ...]
    length: int  # bytes from the start of the file to the end of the MAC line

    @property
    def passphrase(self) -> bool:
        return any(s.kind == "scrypt" for s in self.stanzas)

    @property
    def work_factor(self) -> int | None:
        for stanza in self.stanzas:
            if stanza.kind == "scrypt":
                return int(stanza.args[1])
        return None


def _b64_length(text: bytes) -> int:
    if not _B64.fullmatch(text) or len(text) % 4 == 1:
        raise BundleRejected(_DAMAGED)
    return len(text) * 3 // 4


def _check_stanza(kind: bytes, args: list[bytes], body: int) -> None:
    if kind == b"X25519":
        if len(args) != 1 or len(args[0]) != 43 or _b64_length(args[0]) != 32 or body != 32:
            raise BundleRejected(_DAMAGED)
    elif kind == b"scrypt":
        if len(args) != 2 or len(args[0]) != 22 or _b64_length(args[0]) != 16 or body != 32:
            raise BundleRejected(_DAMAGED)
        if not _DECIMAL.fullmatch(args[1]) or int(args[1]) > MAX_WORK_FACTOR:
            raise BundleRejected(
                f"The bundle's passphrase protection asks for more work than this app allows "
                f"(scrypt work factor above {MAX_WORK_FACTOR}); it was not opened."
            )
    elif not kind.endswith(b"-grease"):  # random stanzas age writers add; ignored by readers
        raise BundleRejected(
            "The bundle is encrypted for a kind of key Circlekeeper does not use "
            f"({kind.decode('ascii', 'replace')[:40]}); it was not opened."
        )


def parse_header(data: bytes) -> AgeHeader:
    """Parse and bound the header of the age file ``data`` without decrypting anything."""
    if data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----"):
        raise BundleRejected("The bundle is an armored (text) age file; bundles are binary.")
    if not data.startswith(INTRO):
        raise BundleRejected("This file is not a Circlekeeper bundle (not an age v1 file).")
    position = len(INTRO)
    stanzas: list[Stanza] = []
    while True:
        end = data.find(b"\n", position, position + MAX_HEADER_BYTES)
        if end < 0 or end > MAX_HEADER_BYTES:
            raise BundleRejected(_DAMAGED)
        line = data[position:end]
        position = end + 1
        if line.startswith(b"--- "):
            if len(line) != 47 or _b64_length(line[4:]) != 32:
                raise BundleRejected(_DAMAGED)
            break
        if not line.startswith(b"-> ") or len(stanzas) >= MAX_STANZAS:
            raise BundleRejected(
                _DAMAGED if len(stanzas) < MAX_STANZAS else "The bundle has too many recipients."
            )
        words = line[3:].split(b" ")
        if not all(_ARG.fullmatch(w) for w in words):
            raise BundleRejected(_DAMAGED)
        body = 0
        while True:  # body lines: full lines of 64 characters, then a shorter final one
            end = data.find(b"\n", position, position + 66)
            if end < 0 or end - position > 64 or body > MAX_BODY_BYTES:
                raise BundleRejected(_DAMAGED)
            body += _b64_length(data[position:end])
            short = end - position < 64
            position = end + 1
            if short:
                break
        _check_stanza(words[0], words[1:], body)
        stanzas.append(Stanza(words[0].decode(), tuple(w.decode() for w in words[1:]), body))
    real = [s for s in stanzas if not s.kind.endswith("-grease")]
    if not real or (any(s.kind == "scrypt" for s in real) and len(real) > 1):
        raise BundleRejected(_DAMAGED)
    if len(data) < position + PAYLOAD_NONCE + 16:
        raise BundleRejected("The bundle is truncated.")
    return AgeHeader(tuple(stanzas), position)


def encrypt(
    plaintext: bytes, *, recipients: list[str] | None = None, passphrase: str = ""
) -> bytes:
    """An age v1 binary file: to X25519 ``recipients``, or under ``passphrase`` (scrypt)."""
    if recipients:
        parsed = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
        return bytes(pyrage.encrypt(plaintext, parsed))
    if passphrase:
        return bytes(pyrage.passphrase.encrypt(plaintext, passphrase))
    raise ValueError("a bundle needs recipients or a passphrase")


def parse_recipient(text: str) -> str:
    """``text`` if it is an age X25519 recipient (``age1…``), else a one-sentence refusal."""
    try:
        return str(pyrage.x25519.Recipient.from_str(text.strip()))
    except Exception:  # pyrage raises its own error type for malformed keys
        raise ValueError(f"{text.strip()[:70]!r} is not an age recipient (age1…).") from None


def decrypt(data: bytes, *, identity: str = "", passphrase: str = "") -> bytes:
    """Check the header, then decrypt with this device's identity or a passphrase."""
    header = parse_header(data)
    try:
        if header.passphrase:
            if not passphrase:
                raise BundleRejected(
                    "This bundle is protected by a passphrase; give it with --passphrase-file."
                )
            return bytes(pyrage.passphrase.decrypt(data, passphrase))
        return bytes(pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(identity)]))
    except BundleRejected:
        raise
    except Exception:  # pyrage.DecryptError and friends: wrong key or damaged payload
        what = "passphrase" if header.passphrase else "device"
        raise BundleRejected(
            f"The bundle cannot be decrypted: it was made for another {what}, or it is damaged."
        ) from None

"""The anchor: this device's last write to a vault, kept outside it, to notice a rollback.

Putting back an older copy of the vault's files (from a backup, a synced folder, a disk
image) leaves a healthy-looking vault that has silently lost changes. So each time a
writer closes the vault, this device notes the vault's fingerprint, its highest version
(hybrid-clock time of the last change) and a digest, in two places an older copy of the
folder doesn't bring back: the system keychain, and a small state file in the user's state
folder, authenticated with a key derived from the vault's raw key (HKDF, then HMAC-SHA256),
so that neither can be edited into agreement with an older copy without the key. Opening a
vault older than its anchor is refused until the user chooses to continue.

An anchor belongs to one vault in one folder: a backup opened where it was written is a
copy in its own right (it keeps the vault's id), not an older vault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select

from app.database.engine import Database
from app.vault.atomic import write_atomically
from app.vault.errors import KeychainError, VaultOlder
from app.vault.keychain import Keychain
from models import Base
from models.base import SyncColumns

log = logging.getLogger(__name__)

FORMAT = "circlekeeper-anchor"
KEYCHAIN_SUFFIX = "/anchor"
Key = bytes | bytearray


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A vault's state: its highest version and a digest of each synced table's extent."""

    version: int
    digest: str

    def changed_at(self) -> str:
        if self.version <= 0:
            return "none"
        moment = dt.datetime.fromtimestamp((self.version >> 16) / 1000, dt.UTC)
        return f"{moment.astimezone():%Y-%m-%d %H:%M:%S}"


def fingerprint(database: Database) -> Fingerprint:
    """Highest version of the synced rows, and a digest of every table's rows and top version.

    Cheap (counts and indexed maxima), and it changes with every write: a synced write
    raises a version, and any other (a trusted peer, a device key, a purge) changes a count.
    """
    digest = hashlib.sha256()
    highest = 0
    synced = {m.tables[0].name for m in Base.registry.mappers if issubclass(m.class_, SyncColumns)}
    with database.read() as session:
        for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
            columns: list[Any] = [func.count()]
            if table.name in synced:
                columns.append(func.max(table.c.version))
            row = session.execute(select(*columns).select_from(table)).one()
            rows, top = int(row[0]), int(row[1] or 0) if len(row) > 1 else 0
            highest = max(highest, top)
            digest.update(f"{table.name} {rows} {top}\n".encode())
    return Fingerprint(highest, digest.hexdigest())


def _mac_key(key: Key, vault_id: uuid.UUID) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=vault_id.bytes, info=b"circlekeeper anchor 1"
    ).derive(bytes(key))


def _body(vault_id: uuid.UUID, found: Fingerprint) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "vault_id": str(vault_id),
        "version": found.version,
        "digest": found.digest,
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _sign(body: dict[str, Any], keys: Iterable[Key], vault_id: uuid.UUID) -> str:
    macs = [
        hmac.new(_mac_key(key, vault_id), _canonical(body), hashlib.sha256).hexdigest()
        for key in keys
    ]
    return json.dumps({"anchor": body, "macs": macs}, indent=2) + "\n"


def _verified(text: str, key: Key, vault_id: uuid.UUID) -> Fingerprint | None:
    """The anchor in ``text`` if one of its MACs is ours for this vault, else None."""
    try:
        document = json.loads(text)
        body, macs = document["anchor"], document["macs"]
        expected = hmac.new(_mac_key(key, vault_id), _canonical(body), hashlib.sha256)
        if not any(hmac.compare_digest(str(mac), expected.hexdigest()) for mac in macs):
            return None
        if body.get("format") != FORMAT or body.get("vault_id") != str(vault_id):
            return None
        return Fingerprint(int(body["version"]), str(body["digest"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class AnchorStore:
    """The anchors of this device: a state file per vault in ``folder``, and the keychain."""

    def __init__(self, folder: Path, keychain: Keychain | None = None) -> None:
        self.folder = folder
        self.keychain = keychain

    @classmethod
    def for_user(cls, keychain: Keychain | None) -> AnchorStore:
        state = Path(platformdirs.user_state_dir("Circlekeeper", appauthor=False))
        return cls(state / "anchors", keychain)

    @staticmethod
    def _place(vault_id: uuid.UUID, where: Path) -> str:
        folder = hashlib.sha256(str(where.resolve()).encode("utf-8", "surrogatepass"))
        return f"{vault_id}-{folder.hexdigest()[:16]}"

    def _file(self, vault_id: uuid.UUID, where: Path) -> Path:
        return self.folder / f"{self._place(vault_id, where)}.json"

    def load(self, vault_id: uuid.UUID, where: Path, key: Key) -> Fingerprint | None:
        """The newest anchor that proves itself (a forged or foreign one counts for nothing)."""
        found: list[Fingerprint] = []
        try:
            text = self._file(vault_id, where).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if text:
            anchor = _verified(text, key, vault_id)
            if anchor is None:
                log.warning("the anchor file of vault %s does not verify; ignored", vault_id)
            else:
                found.append(anchor)
        if self.keychain is not None and self.keychain.available:
            try:
                stored = self.keychain.load_text(self._place(vault_id, where) + KEYCHAIN_SUFFIX)
            except KeychainError as error:
                log.warning("%s", error)
                stored = None
            anchor = _verified(stored, key, vault_id) if stored else None
            if anchor is not None:
                found.append(anchor)
        return max(found, key=lambda a: a.version, default=None)

    def check(self, vault_id: uuid.UUID, where: Path, key: Key, now: Fingerprint) -> None:
        """Raise ``VaultOlder`` when ``now`` is older than, or differs from, the anchor."""
        anchor = self.load(vault_id, where, key)
        if anchor is None:
            return
        if now.version < anchor.version:
            raise VaultOlder(anchor.changed_at(), now.changed_at(), older=True)
        if now.version == anchor.version and now.digest != anchor.digest:
            raise VaultOlder(anchor.changed_at(), now.changed_at(), older=False)

    def record(
        self, vault_id: uuid.UUID, where: Path, keys: Iterable[Key], now: Fingerprint
    ) -> None:
        """Note ``now`` as this device's last write, signed with each of ``keys``.

        Best effort: a failure is logged, never raised (the vault itself is fine).
        """
        text = _sign(_body(vault_id, now), list(keys), vault_id)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomically(self._file(vault_id, where), text.encode("utf-8"))
        except OSError as error:
            log.warning("could not write the anchor file: %s", error.strerror)
        if self.keychain is not None and self.keychain.available:
            try:
                self.keychain.store_text(self._place(vault_id, where) + KEYCHAIN_SUFFIX, text)
            except KeychainError as error:
                log.warning("%s", error)

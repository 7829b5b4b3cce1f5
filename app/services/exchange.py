"""Exchanging bundles with other devices: identity, trust, export and import, for any front end.

The window's export/import dialog and the command line call these same use cases; both
report progress through ``progress(stage, done, total)`` and an import can be cancelled
(``cancelled()`` is polled between batches; the transaction then rolls back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.services import changes
from app.services.changes import EVERYTHING
from app.services.context import ServiceContext
from app.sync import agefile, fieldlog, peers
from app.sync.export import ExportReport, ExportRequest, export_bundle
from app.sync.importer import ImportReport, import_bundle, read_bundle_file
from app.sync.keys import ContactCard, DeviceIdentity, device_identity
from app.sync.peers import PeerRow
from app.vault.atomic import write_atomically

Progress = Callable[[str, int, int], None]


class ExchangeService:
    """This device's contact card, trusted peers, and bundles in and out."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def _device(self) -> DeviceIdentity:
        return device_identity(self._context.database)

    def contact_card(self) -> ContactCard:
        return self._device().card

    def save_contact_card(self, path: Path) -> ContactCard:
        card = self.contact_card()
        write_atomically(path, card.to_text().encode(), mode=0o644)
        return card

    @staticmethod
    def read_contact_card(path: Path) -> ContactCard:
        """Parse a peer's card (and check its fingerprint against its keys); trusts nothing."""
        return ContactCard.parse(path.read_text(encoding="utf-8", errors="replace")[:10_000])

    def trust(self, card: ContactCard) -> PeerRow:
        """Trust ``card``: call only after a person compared its fingerprint with the owner."""
        return peers.trust(self._context.database, card)

    def peers(self) -> list[PeerRow]:
        return peers.list_peers(self._context.database)

    def export(self, request: ExportRequest, progress: Progress | None = None) -> ExportReport:
        return export_bundle(
            self._context.database,
            self._device(),
            request,
            actor=self._context.actor,
            now=self._context.now,
            progress=progress,
        )

    @staticmethod
    def needs_passphrase(path: Path) -> bool:
        """Whether the bundle at ``path`` is protected by a passphrase; reads its header only.

        Refuses (``BundleRejected``) a file that is not an age file before anything is
        decrypted, so a front end asks for a passphrase only when one is needed.
        """
        with path.open("rb") as file:
            head = file.read(agefile.MAX_HEADER_BYTES + agefile.CHUNK)
        return agefile.parse_header(head).passphrase

    def import_file(
        self,
        path: Path,
        *,
        trust: str | None = None,
        passphrase: str = "",
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> ImportReport:
        report = import_bundle(
            self._context.database,
            self._device(),
            read_bundle_file(path),
            actor=self._context.actor,
            trust=trust,
            passphrase=passphrase,
            now=lambda: dt.datetime.now(dt.UTC),
            progress=progress,
            cancelled=cancelled,
        )
        # This process's clock moves past everything the import accepted.
        with self._context.database.read() as db:
            self._context.clock.observe(fieldlog.read_clock(fieldlog.raw_connection(db)))
        if not report.already_imported:
            changes.committed(EVERYTHING)  # merged past the ORM: every screen reloads
        return report

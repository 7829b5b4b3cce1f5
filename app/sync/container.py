"""The plaintext inside the age file: a gzip-compressed tar of named members, strictly read.

``age -d -i key bundle.ckb | tar -xz`` unpacks it with standard tools. Reading is strict
because a bundle is untrusted until its signature is checked: regular files only, names
from a fixed pattern, sizes bounded before anything is decompressed past the limit, no
trailing data after the gzip stream or the end of the archive.
"""

from __future__ import annotations

import io
import re
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from app.sync.errors import BundleRejected

MAX_PLAINTEXT = 4 * 1024**3  # decompressed, all members together
COMPRESS_LEVEL = 1  # JSON Lines of UUIDs: level 1 gets most of the gain at a tenth of the time
_NAME = re.compile(
    r"(rows/[a-z][a-z0-9_]{0,59}\.jsonl|history\.jsonl|manifest\.json|manifest\.sig)"
)
_DAMAGED = "The bundle's contents are damaged or were altered."


class TarWriter:
    """Appends members one at a time to a compressed tar held in memory."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._tar = tarfile.open(  # noqa: SIM115 (closed in finish())
            fileobj=self._buffer,
            mode="w:gz",
            compresslevel=COMPRESS_LEVEL,
            format=tarfile.USTAR_FORMAT,
        )

    def add(self, name: str, data: bytes) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"bad member name {name!r}")
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = 0
        self._tar.addfile(info, io.BytesIO(data))

    def finish(self) -> bytes:
        self._tar.close()
        return self._buffer.getvalue()


@contextmanager
def _refusing_damage() -> Iterator[None]:
    try:
        yield
    except BundleRejected:
        raise
    except (tarfile.TarError, EOFError, ValueError, UnicodeError, OverflowError, zlib.error):
        raise BundleRejected(_DAMAGED) from None


def _gunzip(data: bytes, limit: int) -> bytes:
    with _refusing_damage():
        inflater = zlib.decompressobj(wbits=31)  # gzip framing
        plain = inflater.decompress(data, limit + 1)
        if len(plain) > limit or inflater.unconsumed_tail:
            raise BundleRejected("The bundle unpacks to more data than this app accepts.")
        if not inflater.eof or inflater.unused_data:
            raise BundleRejected(_DAMAGED)
        return plain


def unpack(data: bytes, *, limit: int = MAX_PLAINTEXT) -> list[tuple[str, bytes]]:
    """The members of a packed bundle, in order; refuses anything it did not write."""
    plain = _gunzip(data, limit)
    members: list[tuple[str, bytes]] = []
    with _refusing_damage(), tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as tar:
        while (member := tar.next()) is not None:
            if not member.isreg() or member.pax_headers or not _NAME.fullmatch(member.name):
                raise BundleRejected(_DAMAGED)
            extracted = tar.extractfile(member)
            if extracted is None:
                raise BundleRejected(_DAMAGED)
            content = extracted.read()
            if len(content) != member.size:
                raise BundleRejected(_DAMAGED)
            members.append((member.name, content))
        end = tar.offset
    if plain[end:].strip(b"\0"):
        raise BundleRejected(_DAMAGED)
    return members

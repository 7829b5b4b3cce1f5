"""2,000 damaged or forged bundles: none accepted, none crashes, the vault's digest unchanged.

One receiving vault is reused; verify-before-apply means almost every attempt is refused
before the database is touched. Forgeries that need a valid encryption are rebuilt from the
real bundle's members with this module's helpers and encrypted to the receiver again.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.sync import agefile
from app.sync.container import TarWriter
from app.sync.errors import SyncError
from app.sync.importer import import_bundle
from app.sync.manifest import SIGNATURE_CONTEXT
from bench.bench_sync import bulk_program
from tests.unit.test_sync_support import Machine, make_machine

CIPHER_CHUNK = agefile.CHUNK + 16


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Machine, Machine, bytes]]:
    root = tmp_path_factory.mktemp("mutations")
    a, b, stranger = (make_machine(root / n, n) for n in ("a", "b", "stranger"))
    a.trust(b)
    b.trust(a)
    bulk_program(a.vault, cohorts=4, people_per_cohort=10, weeks=20)
    a.services.participants.set_clinician_notes(
        a.services.participants.search("")[0].id, "a note with history"
    )
    bundle = a.export(b).read_bytes()
    stranger_keys = stranger.device
    stranger.vault.close()
    b.stranger = stranger_keys  # type: ignore[attr-defined]
    yield a, b, bundle
    a.vault.close()
    b.vault.close()


def _members(machine: Machine, bundle: bytes) -> list[tuple[str, bytes]]:
    plain = agefile.decrypt(bundle, identity=machine.device.age_identity)
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]


def _pack(members: list[tuple[str, bytes]], recipient: str) -> bytes:
    writer = TarWriter()
    for name, data in members:
        writer.add(name, data)
    return agefile.encrypt(writer.finish(), recipients=[recipient])


def _resign(
    members: list[tuple[str, bytes]], sign: Callable[[bytes], bytes]
) -> list[tuple[str, bytes]]:
    """Recompute the manifest's hashes over (changed) members and sign it again."""
    content = dict(members)
    manifest = json.loads(content["manifest.json"])
    for entry in manifest["members"]:
        data = content[entry["name"]]
        entry.update(
            bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), rows=data.count(b"\n")
        )
    manifest_bytes = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    out = [(n, d) for n, d in members if n not in ("manifest.json", "manifest.sig")]
    return [
        *out,
        ("manifest.json", manifest_bytes),
        ("manifest.sig", sign(SIGNATURE_CONTEXT + manifest_bytes)),
    ]


def _forgeries(a: Machine, b: Machine, bundle: bytes, rnd: random.Random) -> Iterator[bytes]:
    members = _members(b, bundle)
    to_b = b.device.age_recipient
    names = [n for n, _ in members]
    row_members = [i for i, n in enumerate(names) if n.startswith("rows/") and members[i][1]]
    # swapped, duplicated, missing, reordered, extra members
    for i, j in [(0, 1), (row_members[0], row_members[-1]), (len(members) - 2, len(members) - 1)]:
        swapped = list(members)
        swapped[i], swapped[j] = (members[i][0], members[j][1]), (members[j][0], members[i][1])
        yield _pack(swapped, to_b)
        reordered = list(members)
        reordered[i], reordered[j] = reordered[j], reordered[i]
        yield _pack(reordered, to_b)
    for i in range(len(members)):
        yield _pack([*members[: i + 1], members[i], *members[i + 1 :]], to_b)
        yield _pack(members[:i] + members[i + 1 :], to_b)
    yield _pack([*members, ("rows/extra.jsonl", b"{}\n")], to_b)
    # the manifest edited inside a valid encryption (signature kept)
    manifest_index = names.index("manifest.json")
    for old, new in [(b'"max"', b'"max" '), (b"checkin", b"checkiN"), (b'"rows": 1', b'"rows": 2')]:
        edited = list(members)
        edited[manifest_index] = ("manifest.json", members[manifest_index][1].replace(old, new, 1))
        yield _pack(edited, to_b)
    # changed rows under the original signature, and under a valid signature of another key
    stranger = b.stranger  # type: ignore[attr-defined]
    for _ in range(20):
        index = rnd.choice(row_members)
        name, data = members[index]
        position = rnd.randrange(len(data))
        changed = list(members)
        changed[index] = (
            name,
            data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :],
        )
        yield _pack(changed, to_b)
        yield _pack(_resign(changed, stranger.sign), to_b)
        forged = _resign(changed, stranger.sign)
        yield _pack(forged, to_b)
    # plaintext that is not what we write
    for junk in (b"", b"not gzip", agefile.encrypt(b"x", recipients=[to_b])):
        yield agefile.encrypt(junk, recipients=[to_b])
    armored = agefile.encrypt(b"x", recipients=[to_b])
    yield b"-----BEGIN AGE ENCRYPTED FILE-----\n" + armored


def _damaged(bundle: bytes, rnd: random.Random, count: int) -> Iterator[bytes]:
    header = agefile.parse_header(bundle).length
    payload_start = header + agefile.PAYLOAD_NONCE
    boundaries = [0, header, payload_start]
    boundaries += list(range(payload_start + CIPHER_CHUNK, len(bundle) + 1, CIPHER_CHUNK))
    boundaries.append(len(bundle))
    for boundary in boundaries:  # truncation at every chunk boundary and one byte either side
        for cut in (boundary - 1, boundary, boundary + 1):
            if 0 <= cut < len(bundle):
                yield bundle[:cut]
    for extra in (b"\0", b"x" * 16, bundle[-CIPHER_CHUNK:], rnd.randbytes(100)):
        yield bundle + extra
    while count > 0:  # bit flips, a fifth of them in the header
        count -= 1
        position = rnd.randrange(header) if rnd.random() < 0.2 else rnd.randrange(len(bundle))
        yield (
            bundle[:position]
            + bytes([bundle[position] ^ (1 << rnd.randrange(8))])
            + bundle[position + 1 :]
        )


def test_two_thousand_bad_bundles_are_refused_and_change_nothing(
    pair: tuple[Machine, Machine, bytes], tmp_path: Path
) -> None:
    a, b, bundle = pair
    assert len(bundle) > 4 * CIPHER_CHUNK  # several payload chunks to cut between
    rnd = random.Random(5)
    before = b.digest()
    forged = list(_forgeries(a, b, bundle, rnd))
    damaged = list(_damaged(bundle, rnd, 2000 - len(forged) - 20))
    attempts = forged + damaged
    assert len(attempts) >= 2000
    accepted, crashes = 0, []
    for data in attempts:
        try:
            import_bundle(b.vault.database, b.device, data, actor="b")
        except SyncError:
            continue
        except Exception as error:  # any other exception is a crash
            crashes.append(repr(error))
            continue
        accepted += 1
    assert (accepted, crashes[:3]) == (0, [])
    assert b.digest() == before
    with b.vault.database.read() as db:
        from sqlalchemy import text

        assert db.execute(text("SELECT count(*) FROM sync_log")).scalar_one() == 0
    assert import_bundle(b.vault.database, b.device, bundle, actor="b").changed_rows > 0

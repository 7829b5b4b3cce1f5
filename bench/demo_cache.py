"""Demo vaults generated once per shape and schema, kept under ~/.cache/circlekeeper-bench."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from app import database, demo
from app.database.migrate import head_revision
from app.demo import DemoSummary, generate_demo
from app.demo.generator import DemoShape
from app.vault.keyfile import KdfParameters
from app.vault.vault import UnlockedVault, VaultPaths, create_vault, unlock_with_passphrase

MIGRATIONS = Path(database.__file__).parent / "migrations" / "versions"
DEMO = Path(demo.__file__).parent
PASSPHRASE = "benchmark passphrase"  # throwaway vaults in a cache folder, never real data
CHEAP_KDF = KdfParameters(iterations=1, lanes=1, memory_kib=8 * 1024)
BENCH_TODAY = dt.date(2026, 3, 4)  # fixed, so a cached program never goes stale
# The issues' five-year program; every benchmark on it shares one cached vault.
FIVE_YEARS = DemoShape(
    cohorts=50, participants=10_000, weeks=260, seed=7, today=BENCH_TODAY, actor="bench"
)


def cache_root() -> Path:
    """``$CIRCLEKEEPER_BENCH_CACHE``, else ``~/.cache/circlekeeper-bench``."""
    configured = os.environ.get("CIRCLEKEEPER_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "circlekeeper-bench"


def cache_key(shape: DemoShape) -> str:
    """Everything that changes the vault's bytes: the shape, the migrations, the generator."""
    return (
        f"demo-c{shape.cohorts}-p{shape.participants}-w{shape.weeks}-s{shape.seed}"
        f"-{shape.today:%Y%m%d}-{shape.actor}-schema{head_revision()}-{code_digest()}"
    )


def code_digest() -> str:
    """A digest of the migration scripts and the demo generator's source (revision ids alone
    miss a re-chained migration or a generator that fills a new column)."""
    digest = hashlib.sha256()
    for folder in (MIGRATIONS, DEMO):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def generate(vault: UnlockedVault, shape: DemoShape) -> DemoSummary:
    """``shape``'s demo program written into the empty ``vault``."""
    return generate_demo(
        vault,
        cohorts=shape.cohorts,
        participants=shape.participants,
        weeks=shape.weeks,
        seed=shape.seed,
        today=shape.today,
        actor=shape.actor,
    )


def cached_demo(shape: DemoShape) -> VaultPaths:
    """The vault holding ``shape``'s demo, generated on first use (atomically) and then reused."""
    folder = cache_root() / cache_key(shape)
    paths = VaultPaths(folder)
    if paths.database.exists() and paths.key_file.exists():
        return paths
    folder.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {folder.name} (once; later runs reuse it) …", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder.parent))
    try:
        vault = create_vault(VaultPaths(scratch / "vault"), PASSPHRASE, kdf=CHEAP_KDF).vault
        try:
            generate(vault, shape)
        finally:
            vault.close()
        (scratch / "vault").rename(folder)  # a half-written vault is never found
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return paths


def open_demo(shape: DemoShape) -> UnlockedVault:
    return unlock_with_passphrase(cached_demo(shape), PASSPHRASE)

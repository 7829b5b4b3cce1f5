"""The key file's KDF parameters are bounded, and a new passphrase brings today's cost."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from app.vault.errors import KeyFileDamaged
from app.vault.keyfile import KdfParameters, KeyFile
from tests.conftest import CHEAP_KDF


def _edited(tmp_path: Path, **changes: int) -> Path:
    wrapped = KeyFile.wrap(b"k" * 32, "a long passphrase", vault_id=uuid.uuid4(), kdf=CHEAP_KDF)
    document = json.loads(wrapped.to_json())
    document["passphrase"].update(changes)
    path = tmp_path / "edited.key"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    "changes",
    [{"memory_kib": 2 * 1024 * 1024}, {"iterations": 1000}, {"lanes": 255}],
    ids=["2 GiB of memory", "1000 passes", "255 lanes"],
)
def test_costly_parameters_are_damage_and_refused_at_once(
    tmp_path: Path, changes: dict[str, int]
) -> None:
    path = _edited(tmp_path, **changes)
    start = time.perf_counter()
    with pytest.raises(KeyFileDamaged):
        KeyFile.read(path)
    assert time.perf_counter() - start < 0.5


def test_a_new_passphrase_moves_the_file_to_todays_cost() -> None:
    old = KeyFile.wrap(b"k" * 32, "a long passphrase", vault_id=uuid.uuid4(), kdf=CHEAP_KDF)
    new = old.rewrapped(b"k" * 32, "another long passphrase")
    assert new.kdf == KdfParameters()
    assert new.unwrap("another long passphrase") == b"k" * 32
    assert new.recovery_ciphertext == old.recovery_ciphertext

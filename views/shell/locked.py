"""Stand-ins for collaborators while the vault is locked: any use fails loudly, never silently."""

from __future__ import annotations

from typing import Any, NoReturn


class VaultLocked(RuntimeError):
    """Something used the vault's services while it was locked: a defect, not a user's doing."""


class _Locked:
    def __init__(self, what: str) -> None:
        self._what = what

    def __getattr__(self, name: str) -> NoReturn:
        raise VaultLocked(f"{self._what}.{name} used while the vault is locked")


def locked_stand_in(what: str) -> Any:
    """An object whose every attribute raises ``VaultLocked`` (typed Any: it stands in for
    any service).

    Whoever held services over the closed vault swaps them for this, so that the engine
    (and the key its connect hook holds) can be freed, and a stray use is a clear error.
    """
    return _Locked(what)

"""The OS keychain as a cache of the database key, only where the backend really is one."""

from __future__ import annotations

import binascii
import importlib
import logging
from typing import Any

from app.vault.errors import KeychainError

log = logging.getLogger(__name__)

SERVICE = "Circlekeeper"

# Backends that keep secrets encrypted by the operating system. Anything else (plaintext
# files, "fail", "null", an unknown third-party class) is refused: the passphrase is asked.
TRUSTED_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    }
)


def backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_trusted(backend: Any) -> bool:
    """True for an instance of one of keyring's own trusted classes, not a look-alike.

    A name is not proof: a plaintext backend could be called ``...SecretService.Keyring``.
    The class must be the very one keyring's module of that name defines.
    """
    name = backend_name(backend)
    if name not in TRUSTED_BACKENDS:
        return False
    module_name, _, class_name = name.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception:  # a backend module that can't load on this platform is no proof
        return False
    return type(backend) is getattr(module, class_name, None)


def trusted_backends_of(backend: Any) -> list[Any]:
    """The trustworthy backends inside ``backend`` (a chainer holds several)."""
    inner = getattr(backend, "backends", None)
    candidates = list(inner) if isinstance(inner, list | tuple) else [backend]
    return [b for b in candidates if is_trusted(b)]


class Keychain:
    """Reads, writes and forgets the database key for one vault id.

    Every call to the backend, read as well as write, is wrapped: any failure becomes a
    ``KeychainError`` whose message says what happened in plain words and never contains
    the key. A keychain made with ``backend=None`` is "unavailable": it stores nothing.
    """

    def __init__(self, backend: Any | None, description: str = "") -> None:
        self._backend = backend
        self.description = description or (backend_name(backend) if backend else "none")

    @classmethod
    def from_system(cls) -> Keychain:
        """The system keychain when keyring finds a trustworthy one, else an unavailable one."""
        try:
            import keyring

            chosen = keyring.get_keyring()
            trusted = trusted_backends_of(chosen)
        except Exception as error:
            log.warning("no keychain: %s", type(error).__name__)
            return cls(None, "no keychain could be loaded")
        if not trusted:
            log.info("keychain backend %s refused as untrustworthy", backend_name(chosen))
            return cls(None, f"{backend_name(chosen)} (refused: not a secure keychain)")
        return cls(trusted[0])

    @property
    def available(self) -> bool:
        return self._backend is not None

    def load(self, vault_id: str) -> bytearray | None:
        if self._backend is None:
            return None
        try:
            stored = self._backend.get_password(SERVICE, vault_id)
        except Exception as error:
            raise KeychainError(
                f"The system keychain could not be read ({type(error).__name__}); "
                "unlock with the passphrase instead."
            ) from None
        if stored is None:
            return None
        try:
            key = bytes.fromhex(stored)
        except (ValueError, TypeError, binascii.Error):
            key = b""
        if len(key) != 32:
            raise KeychainError(
                "The key stored in the system keychain is damaged; "
                "unlock with the passphrase and it will be stored again."
            )
        return bytearray(key)

    def store(self, vault_id: str, key: bytes | bytearray) -> None:
        if self._backend is None:
            return
        try:
            self._backend.set_password(SERVICE, vault_id, key.hex())
        except Exception as error:
            raise KeychainError(
                f"The system keychain refused to store the key ({type(error).__name__}); "
                "you will be asked for the passphrase next time."
            ) from None

    def load_text(self, name: str) -> str | None:
        """A small non-key record kept beside the key (the rollback anchor)."""
        if self._backend is None:
            return None
        try:
            stored = self._backend.get_password(SERVICE, name)
        except Exception as error:
            raise KeychainError(
                f"The system keychain could not be read ({type(error).__name__})."
            ) from None
        return stored if isinstance(stored, str) else None

    def store_text(self, name: str, value: str) -> None:
        if self._backend is None:
            return
        try:
            self._backend.set_password(SERVICE, name, value)
        except Exception as error:
            raise KeychainError(
                f"The system keychain refused to store a record ({type(error).__name__})."
            ) from None

    def forget(self, vault_id: str) -> None:
        if self._backend is None:
            return
        try:
            if self._backend.get_password(SERVICE, vault_id) is not None:
                self._backend.delete_password(SERVICE, vault_id)
        except Exception as error:
            raise KeychainError(
                f"The system keychain could not forget the key ({type(error).__name__})."
            ) from None

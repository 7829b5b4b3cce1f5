"""The SQLCipher engine: a raw 256-bit key, the pragmas, and the cipher settings we insist on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlcipher import SQLiteDialect_pysqlcipher
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from app.database.errors import (
    CipherSettingsMismatch,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseNotFound,
    DatabaseTooShort,
    DatabaseUnreadable,
)
from app.database.storage import sqlite_storage_error

log = logging.getLogger(__name__)

KEY_BYTES = 32
PAGE_BYTES = 4096  # SQLCipher 4's page size; a real database file is at least one page
PAGE_CACHE_KIB = (
    64 * 1024
)  # 64 MiB: bulk writes into SQLCipher are ~4x slower with the 2 MiB default

# SQLCipher 4's defaults. A build with other defaults could write files other builds can't read.
EXPECTED_CIPHER_SETTINGS = {
    "cipher_page_size": "4096",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "cipher_use_hmac": "1",
    "cipher_plaintext_header_size": "0",
}

CONNECTION_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    f"PRAGMA cache_size = -{PAGE_CACHE_KIB}",
    "PRAGMA busy_timeout = 5000",
)


class RawKeySQLCipherDialect(SQLiteDialect_pysqlcipher):
    """SQLAlchemy's ``sqlite+pysqlcipher`` dialect, keyed by a connect hook instead of the URL.

    The stock dialect reads the passphrase from the URL's password, which would put the key
    into a string that SQLAlchemy may log or echo. Here the URL carries only the path and
    ``open_engine`` installs the key with ``PRAGMA key = "x'…'"`` on every new connection.
    """

    supports_statement_cache = True

    def on_connect_url(self, url: URL) -> Any:
        # Skip the parent's "pragma key=<url password>"; keep pysqlite's own setup.
        return SQLiteDialect_pysqlite.on_connect_url(self, url)

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # One connection per unit of work, shared across threads (the task runner's workers).
        return pool.QueuePool


registry.register("sqlite.pysqlcipher_rawkey", __name__, "RawKeySQLCipherDialect")


Key = bytes | bytearray


def _execute_key(dbapi_connection: Any, key: Key) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Silence SQLCipher's own stderr logging before anything can log (e.g. a wrong key).
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    finally:
        cursor.close()


# SQLite's result codes for a file whose pages fail their checks (SQLCipher's HMAC included).
_DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED


def is_damage(error: BaseException) -> bool:
    """True when ``error`` is the driver saying that the file's pages are damaged."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _DAMAGE_CODES


def is_busy(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _BUSY_CODES


def check_size(path: Path) -> None:
    """Refuse a missing, empty or shorter-than-a-page database before SQLite sees it.

    SQLite takes an empty (or a few-byte) file for a new database and would fill it with
    a fresh, empty schema: a damaged vault would turn into an empty one.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatabaseNotFound(path) from None
    if not path.is_file():
        raise DatabaseNotFound(path)
    if size < PAGE_BYTES:
        raise DatabaseTooShort(path, size)


def verify_key(path: Path, key: Key) -> None:
    """Raise unless ``key`` opens ``path``; never writes to the file, never leaves one behind.

    ``DatabaseUnreadable`` when the first page does not decrypt (a wrong key, or damage there),
    ``DatabaseDamaged`` when it does but the schema's pages don't.
    """
    import sqlcipher3

    check_size(path)
    # "rw", not "ro": no new file is created, a wrong key fails before the WAL is looked at,
    # and a read-write connection removes the -wal and -shm it opened when it closes (a
    # read-only one leaves them beside a damaged file).
    try:
        connection = sqlcipher3.connect(f"{path.as_uri()}?mode=rw", uri=True)
    except sqlcipher3.DatabaseError as error:
        raise (sqlite_storage_error(path, error) or DatabaseUnreadable(path)) from None
    try:
        _execute_key(connection, key)
        try:
            connection.execute("PRAGMA user_version").fetchone()  # decrypts the first page
        except sqlcipher3.DatabaseError as error:
            raise _classified(path, error) from None
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as error:
            storage = sqlite_storage_error(path, error)
            if storage is not None:
                raise storage from None
            raise DatabaseDamaged(path) from error
    finally:
        connection.close()


def _classified(path: Path, error: BaseException) -> Exception:
    """The driver's failure at open: the disk or folder, a busy file, or a wrong key/damage."""
    storage = sqlite_storage_error(path, error)
    if storage is not None:
        return storage
    if is_busy(error):
        return DatabaseBusy(path)
    return DatabaseUnreadable(path)


def _check_cipher_settings(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        version = cursor.execute("PRAGMA cipher_version").fetchone()
        if not version or not str(version[0]).startswith("4."):
            raise CipherSettingsMismatch("cipher_version", str(version), "SQLCipher 4")
        for name, expected in EXPECTED_CIPHER_SETTINGS.items():
            row = cursor.execute(f"PRAGMA {name}").fetchone()
            found = str(row[0]) if row else "nothing"
            if found != expected:
                raise CipherSettingsMismatch(name, found, expected)
    finally:
        cursor.close()


def open_engine(path: Path, key: Key, *, create: bool = False) -> Engine:
    """An engine on the SQLCipher file ``path`` keyed with the raw ``key``.

    Unless ``create`` is set, the file must exist and ``key`` must open it; otherwise nothing
    is written and ``DatabaseNotFound`` or ``DatabaseUnreadable`` is raised. A ``bytearray``
    key is read at each new connection: overwriting it (``UnlockedVault.close``) leaves the
    engine unable to connect again.
    """
    if len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    if create:
        if path.exists():
            raise FileExistsError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        verify_key(path, key)

    url = URL.create("sqlite+pysqlcipher_rawkey", database=str(path))
    engine = create_engine(
        url,
        poolclass=pool.QueuePool,
        pool_size=4,
        max_overflow=8,
        connect_args={"check_same_thread": False},
        # Statement errors and echo would otherwise quote the bound values (names, notes,
        # check-in text) into messages that can reach a log or a crash report on disk.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        import sqlcipher3

        try:
            _execute_key(dbapi_connection, key)
            _check_cipher_settings(dbapi_connection)
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
                for pragma in CONNECTION_PRAGMAS:
                    cursor.execute(pragma).fetchall()
            finally:
                cursor.close()
        except sqlcipher3.DatabaseError as error:
            # Never chain the driver's error: keep the key's statement out of any traceback.
            raise _classified(path, error) from None

    @event.listens_for(engine, "handle_error")
    def _damaged(context: ExceptionContext) -> None:
        # A damaged page found mid-query becomes one sentence that names the file; so do a
        # full disk, a read-only folder and a lock another program kept too long.
        original = context.original_exception
        if is_damage(original):
            raise DatabaseDamaged(path) from original
        storage = sqlite_storage_error(path, original)
        if storage is not None:
            raise storage from original
        if is_busy(original):
            raise DatabaseBusy(path) from original

    # pysqlite's default (deferred BEGIN issued lazily by the driver) loses SAVEPOINTs and
    # lets a reader upgrade to a writer mid-transaction; begin explicitly instead.
    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    if create:
        with engine.connect():  # the first keyed connection writes the encrypted header
            pass
    return engine


_IMMEDIATE = "circlekeeper_begin_immediate"


class Database:
    """Short units of work on one engine: ``read()`` for queries, ``write()`` for changes.

    Writers begin with ``BEGIN IMMEDIATE`` so that two writers queue on the busy timeout
    instead of failing when a deferred reader tries to upgrade; readers never block on them
    (WAL). Both commit on success and roll back on any exception, with nothing in between.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reader: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        self.writer: sessionmaker[Session] = sessionmaker(
            engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )
        self._write_hooks: list[tuple[str, Callable[..., None]]] = []

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.reader.begin() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.writer.begin() as session:
            yield session

    def on_write_flush(
        self,
        hook: Callable[[Session, Any, Any], None],
        *,
        committed: Callable[[Session], None] | None = None,
        rolled_back: Callable[[Session], None] | None = None,
    ) -> None:
        """Install the one ``before_flush`` hook of writer sessions (the services' stamping),
        and what to do once such a session has committed or rolled back (the change bus)."""
        if self._write_hooks:
            raise RuntimeError("this database already has its write hook")
        hooks: list[tuple[str, Callable[..., None] | None]] = [
            ("before_flush", hook),
            ("after_commit", committed),
            ("after_rollback", rolled_back),
        ]
        for name, function in hooks:
            if function is not None:
                event.listen(self.writer, name, function)
                self._write_hooks.append((name, function))

    def dispose(self) -> None:
        # The hooks are registered on the sessionmaker's Session class, in a registry that
        # would keep them (and through them this engine, whose connect hook holds the key)
        # alive for as long as the process runs.
        for name, function in self._write_hooks:
            event.remove(self.writer, name, function)
        self._write_hooks = []
        self.engine.dispose()


def rekey_database(path: Path, key: Key, new_key: Key) -> None:
    """Re-encrypt ``path`` from ``key`` to ``new_key`` in one transaction (``PRAGMA rekey``).

    In WAL mode SQLCipher writes every page, under the new key, to the log and commits
    once: killed before the commit the file opens with ``key``, after it with ``new_key``,
    never neither. The caller must hold the vault's writer lock, with the vault closed.
    """
    import sqlcipher3

    if len(new_key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    verify_key(path, key)
    connection = sqlcipher3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=5.0)
    try:
        _execute_key(connection, key)
        _check_cipher_settings(connection)
        try:
            connection.execute("PRAGMA synchronous = FULL").fetchall()
            connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"").fetchall()
        except sqlcipher3.DatabaseError as error:
            raise _classified(path, error) from None  # never the statement: it holds the key
    finally:
        connection.close()
    verify_key(path, new_key)

"""The PostgreSQL store: the same seam as the SQLite one (``db``, ``transaction``, ``grouped``, ``lock``, ``close``).

Through psycopg 3 and a connection pool (issue 16):

- :attr:`PostgresStore.db` is a reader: each statement borrows a pooled connection in autocommit
  mode, so it sees what is committed, and returns its rows fetched (tuples from ``execute``, dicts
  from ``query``, as ``sqlite_utils`` gives them); ``db.conn`` is the reader itself.
- :meth:`PostgresStore.transaction` is one transaction on a pooled connection, answered after its
  ``COMMIT`` (``synchronous_commit`` on: durable, as SQLite's ``synchronous=FULL``). Within one
  process writers take turns under :attr:`PostgresStore.lock`, as on SQLite, so code that reads
  through ``store.db`` inside a transaction sees the same thing on both. Across processes (several
  app servers on one database) the sequences that devices pull "after N" are taken under an
  advisory lock held to ``COMMIT`` (:func:`sync.db.dialect.lock_sequence`).
- :meth:`PostgresStore.grouped` is a plain transaction: PostgreSQL groups concurrent commits itself.

Every statement goes through :func:`sync.db.dialect.to_postgresql` (long ``IN`` lists as one array,
:func:`sync.db.dialect.to_postgresql_call`); values come back as SQLite
gives them (``numeric`` sums as ``int``/``float``, Python ``bool`` parameters as 0/1).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg_pool import ConnectionPool

from sync.db.dialect import POSTGRESQL, to_postgresql, to_postgresql_call
from sync.db.pg_migrations import apply_migrations
from sync.db.store import Store
from sync.errors import StorageFull

POOL_SIZE = 20


class _BoolAsInt(Dumper):
    """Python ``bool`` as 0/1 (SQLite's booleans are integers; the columns are integer on both)."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _BytesAsText(Dumper):
    """Python ``bytes`` (encoded JSON) as text: the schema has no binary column, SQLite keeps them in TEXT ones."""

    oid = psycopg.postgres.types["text"].oid

    def dump(self, obj: bytes) -> bytes:
        return obj


class _NumericAsNumber(Loader):
    """``numeric`` (PostgreSQL's ``sum`` of integers, ``avg``) as ``int`` when whole, else ``float``."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_dumper(bytes, _BytesAsText)
    conn.adapters.register_loader("numeric", _NumericAsNumber)


def _params(params: Any) -> Any:
    return () if params is None else params


class Rows:
    """A fetched result, read as a ``sqlite3.Cursor`` is: iterate, ``fetchone``, ``fetchall``, ``description``."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        """Fetch every row of ``cursor`` (the connection goes back to the pool)."""
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self._rows: list[tuple[Any, ...]] = cursor.fetchall() if cursor.description else []
        self._at = 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        rows, self._at = self._rows[self._at :], len(self._rows)
        return iter(rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        """The next row, or ``None``."""
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        """The rows not read yet."""
        return list(self)


class Reader:
    """``store.db`` on PostgreSQL: committed data, a pooled connection per statement."""

    dialect = POSTGRESQL

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        """A reader over ``pool``."""
        self._pool = pool

    @property
    def conn(self) -> Reader:
        """The reader itself (``sqlite_utils.Database.conn`` is the connection that ``execute`` runs on)."""
        return self

    def execute(self, sql: str, params: Any = None) -> Rows:
        """Run one statement; its rows, fetched."""
        with self._pool.connection() as conn:
            return Rows(conn.execute(*to_postgresql_call(sql, _params(params))))

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """The rows as dicts by column name (``sqlite_utils.Database.query``)."""
        rows = self.execute(sql, params)
        names = [column.name for column in rows.description or []]
        for values in rows:
            yield dict(zip(names, values, strict=True))


class Connection:
    """The writer in a transaction: ``execute``/``executemany`` with SQLite's placeholders, tuples back."""

    dialect = POSTGRESQL
    in_transaction = True

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        """The transaction's connection."""
        self._conn = conn
        self.sequence_locked = False  # set by sync.db.dialect.lock_sequence: the lock is held to COMMIT

    def execute(self, sql: str, params: Any = None) -> psycopg.Cursor[Any]:
        """Run one statement in the transaction."""
        return self._conn.execute(*to_postgresql_call(sql, _params(params)))

    def raw_execute(self, sql: str, params: Any) -> psycopg.Cursor[Any]:
        """Run one statement already in PostgreSQL's spelling (the migrations')."""
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        """Run one statement for each set of parameters (none: nothing sent)."""
        cursor = self._conn.cursor()
        rows = list(params)
        if rows:
            cursor.executemany(to_postgresql(sql), rows)
        return cursor


class PostgresStore(Store):
    """The database on a PostgreSQL server (see the module): migrated on opening."""

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.path = url
        self.lock = threading.RLock()
        self.commits = 0
        self._pool: ConnectionPool[Any] = ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs={"autocommit": True}, configure=_configure, open=True
        )
        self._reader = Reader(self._pool)
        with self.transaction() as conn:
            apply_migrations(conn)

    @property
    def db(self) -> Any:
        """The reader: committed data, read-only by convention (writes go through :meth:`transaction`)."""
        return self._reader

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction, committed (durably) on success, rolled back on any error."""
        with self.lock, self._pool.connection() as conn:
            try:
                with conn.transaction():
                    yield Connection(conn)
            except psycopg.errors.DiskFull as exc:
                raise StorageFull() from exc
            self.commits += 1

    @contextmanager
    def grouped(self) -> Iterator[Any]:
        """A write transaction (PostgreSQL groups concurrent commits by itself)."""
        with self.transaction() as conn:
            yield conn

    @property
    def queued(self) -> int:
        """Grouped transactions waiting (none are held back on PostgreSQL)."""
        return 0

    def wait_for_checkpoint(self) -> None:
        """Nothing to wait for: PostgreSQL checkpoints by itself."""

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()

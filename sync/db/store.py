"""The SQLite database: readers and the writer, transactions (the schema is in ``sync/db/migrations.py``).

Concurrency model — concurrent readers, one writer at a time:

- The database is in WAL mode, so readers never wait for the writer and the writer never
  waits for readers.
- :attr:`Store.db` is the calling thread's own reader (a ``sqlite_utils.Database`` opened on
  first use in that thread, ``query_only``): it sees what is committed, and any number of
  worker threads read at once. A reader cannot write; every write goes through
- :meth:`Store.transaction`: the one writer connection, under :attr:`Store.lock`, in
  ``BEGIN IMMEDIATE`` … ``COMMIT``, so a write acknowledged to a device is on disk
  (``synchronous=FULL``). Code inside a transaction that reads through ``store.db`` rather
  than the transaction's ``conn`` sees the data as committed before the transaction began
  (the lock keeps other writers out meanwhile), never the transaction's own writes.
- ``Store(":memory:")`` (tests, ``data_dir`` ``None``) is a private temporary file, not an
  SQLite in-memory database, which one connection alone could see: the same WAL, readers and
  writer as a real file, with ``synchronous=OFF`` (nothing to keep), removed at :meth:`Store.close`
  (or when the store is garbage-collected).

Readers of threads that have ended are closed when the next reader opens; the rest at
:meth:`Store.close`. The seam is narrow on purpose (``db``, ``transaction``, ``lock``,
``close``) so that PostgreSQL can come behind it.

Checkpoints (copying the WAL back into the database file): while the database
grows fast (bulk pushes), every ``GROWTH_PAGES`` new pages a short-lived thread
runs a ``PASSIVE`` checkpoint on its own connection, which never blocks the writer,
while the next request is served. Small edits leave checkpoints to SQLite's own,
taken by the commit that brings the WAL to 1,000 pages, as a thread per handful of
small commits would cost them more than it saves.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from sync.db.migrations import migrations
from sync.errors import StorageFull, is_storage_full

GROWTH_PAGES = 400  # new database pages (1.6 MB) between background checkpoints
BUSY_TIMEOUT_MS = 5000


class Store:
    """The database for the server's lifetime: a reader per thread, one writer under a lock (see the module)."""

    def __init__(self, path: Path | str, *, durable: bool = True) -> None:
        """Open (and migrate) the database at ``path``; ``durable=False`` skips the fsync per commit (bulk builds)."""
        throwaway = str(path) == ":memory:"
        durable = durable and not throwaway
        self._remove: Callable[[], object] | None = None
        if throwaway:
            folder = tempfile.mkdtemp(prefix="xunjian-store-")
            self._remove = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            path = Path(folder) / "xunjian.db"
        self.path = str(path)
        self.lock = threading.RLock()
        self._synchronous = "FULL" if durable else "OFF"
        self._writer = self._connect()
        self._writer.execute("PRAGMA journal_mode=WAL")
        self._writer.execute("PRAGMA foreign_keys=ON")
        migrations.apply(sqlite_utils.Database(self._writer))
        self._local = threading.local()
        self._readers: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._checkpointer: threading.Thread | None = None
        self._checkpointed_at = self._pages()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        return conn

    @property
    def db(self) -> Any:
        """This thread's reader (a ``sqlite_utils.Database``): committed data, read-only, opened on first use."""
        reader = getattr(self._local, "db", None)
        if reader is None:
            reader = sqlite_utils.Database(self._open_reader())
            self._local.db = reader
        return reader

    def _open_reader(self) -> sqlite3.Connection:
        """A read-only connection for the calling thread; closes those of threads that have ended."""
        with self._readers_lock:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            ended = [conn for thread, conn in self._readers if not thread.is_alive()]
            self._readers = [(thread, conn) for thread, conn in self._readers if thread.is_alive()]
            for conn in ended:
                conn.close()
            conn = self._connect()
            conn.execute("PRAGMA query_only=ON")
            self._readers.append((threading.current_thread(), conn))
            return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on the writer: committed durably on success, rolled back on any error."""
        with self.lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                # read inside the transaction, where the pager knows it (outside, it costs a read lock)
                grown = self._pages() - self._checkpointed_at >= GROWTH_PAGES
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:  # SQLITE_FULL may have rolled it back already; a failed COMMIT did not
                    conn.execute("ROLLBACK")
                if is_storage_full(exc):
                    raise StorageFull() from exc
                raise
            if grown:
                self._start_checkpoint()

    def _pages(self) -> int:
        pages: int = self._writer.execute("PRAGMA page_count").fetchone()[0]
        return pages

    def _start_checkpoint(self) -> None:
        """Checkpoint in a background thread unless one is still at it (called holding the lock)."""
        if self._checkpointer is not None and self._checkpointer.is_alive():
            return
        self._checkpointed_at = self._pages()
        self._checkpointer = threading.Thread(target=checkpoint, args=[self.path], name="checkpoint", daemon=True)
        self._checkpointer.start()

    def wait_for_checkpoint(self) -> None:
        """Return once no background checkpoint is running."""
        running = self._checkpointer
        if running is not None:
            running.join()

    def close(self) -> None:
        """Wait for a running checkpoint, then close every reader and the writer (and remove a throwaway store)."""
        with self.lock:
            self.wait_for_checkpoint()
            with self._readers_lock:
                self._closed = True
                readers, self._readers = self._readers, []
            for _, conn in readers:
                conn.close()
            self._writer.close()
        if self._remove is not None:
            self._remove()


def checkpoint(path: str) -> tuple[int, int, int]:
    """Copy what the WAL holds into the database file without waiting for, or blocking, anyone.

    Returns SQLite's answer: (busy, WAL frames, frames now in the database file);
    a checkpoint already running elsewhere counts as busy, and the next one catches up.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(frames), int(done)
    except sqlite3.OperationalError:
        return 1, -1, -1
    finally:
        conn.close()


def open_store(data_dir: Path | None) -> Store:
    """The store in ``data_dir/xunjian.db`` (created if needed), or a throwaway one for ``None``."""
    if data_dir is None:
        return Store(":memory:")
    data_dir.mkdir(parents=True, exist_ok=True)
    return Store(data_dir / "xunjian.db")

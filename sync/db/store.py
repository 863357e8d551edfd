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

Group commit (:meth:`Store.grouped`, the pushes'): a ``COMMIT`` with ``synchronous=FULL``
waits for an fsync of the WAL (milliseconds on this disk, longer than applying a small push), so
one fsync per push caps pushes at a few hundred a second whatever the CPU does. A grouped
transaction runs under the same lock inside a ``SAVEPOINT`` of a SQLite transaction that several
of them share; the one that finds no other grouped transaction queued for the lock (or the
``MAX_GROUP``-th) commits them all with one ``COMMIT``, and each returns only once that commit is
durable. One that fails rolls back its own savepoint only; the others commit. Under light load
nobody is queued, so every grouped transaction commits on its own, as :meth:`Store.transaction`
does; a plain transaction first commits a group left open.

Readers of threads that have ended are closed when the next reader opens; the rest at
:meth:`Store.close`. The seam is narrow on purpose (``db``, ``transaction``, ``lock``,
``close``) so that PostgreSQL can come behind it.

Checkpoints (copying the WAL back into the database file) run in a short-lived thread, a
``PASSIVE`` checkpoint on its own connection that never blocks the writer, while the next
request is served: after the commit that brings ``GROWTH_PAGES`` new pages (bulk pushes) or
``CHECKPOINT_ROWS`` rows written since the last one (so not a thread per handful of small
edits). SQLite's own checkpoint, which the commit that brings the WAL to its threshold runs
itself, is put off to ``BACKSTOP_PAGES``: in a large database it writes a push's pages back all
over the file and fsyncs it inside the ``COMMIT`` (a 50-inspection push at 100k inspections
spent three quarters of its SQL time there), so it only catches up if the background falls behind.
"""

from __future__ import annotations

import copy
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
CHECKPOINT_ROWS = 2000  # rows written between background checkpoints (a push of 50 inspections writes ~1,500)
BACKSTOP_PAGES = 10_000  # WAL pages (40 MB) at which a commit checkpoints itself: only if the background lags
BUSY_TIMEOUT_MS = 5000
# The writer's page cache (SQLite's default is 2 MB). A push of 50 inspections walks some forty
# B-trees; in a store of a million inspections their upper pages outgrow 2 MB, and every miss is
# a read from the OS: pushes at 1M ran at 0.85-0.91x the pace of a small store's with 2 MB and
# 0.95-1.00x with 32 MB (fresh servers, in turns: docs/benchmarks.md). Filled only as pages are used.
WRITER_CACHE_KIB = 32 * 1024
MAX_GROUP = 32  # grouped transactions made durable by one commit, at most


class Group:
    """Grouped transactions sharing one SQLite transaction: done once its commit is durable (or failed)."""

    def __init__(self) -> None:
        """An open group with no member yet."""
        self.members = 0
        self.done = threading.Event()
        self.error: BaseException | None = None

    def wait(self) -> None:
        """Return once the group's commit is durable; raise (a copy of) its error if the commit failed."""
        self.done.wait()
        if self.error is not None:
            if is_storage_full(self.error):
                raise StorageFull() from self.error
            raise copy.copy(self.error) from self.error


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
        self._writer.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        self._writer.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
        migrations.apply(sqlite_utils.Database(self._writer))
        self._local = threading.local()
        self._readers: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._checkpointer: threading.Thread | None = None
        self._checkpointed_at = self._pages()
        self._changes_at = self._writer.total_changes
        self._group: Group | None = None  # the open group: a SQLite transaction on the writer awaiting its commit
        self._queued = 0  # grouped transactions waiting for the lock
        self._queued_lock = threading.Lock()
        self.commits = 0  # COMMITs of the writer (read by tests and benchmarks)

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
            if self._group is not None:
                self._commit_group()
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                due = self._checkpoint_due()
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:  # SQLITE_FULL may have rolled it back already; a failed COMMIT did not
                    conn.execute("ROLLBACK")
                if is_storage_full(exc):
                    raise StorageFull() from exc
                raise
            self.commits += 1
            if due:
                self._start_checkpoint()

    @contextmanager
    def grouped(self) -> Iterator[sqlite3.Connection]:
        """A write transaction committed with those queued beside it (see the module); durable once it returns.

        On an error only this transaction's writes are rolled back; the error is raised.
        If the group's commit fails, every member raises (a copy of) its error.
        """
        with self._queued_lock:
            self._queued += 1
        try:
            self.lock.acquire()
        finally:
            with self._queued_lock:
                self._queued -= 1
        try:
            group = self._join()
            try:
                self._writer.execute("SAVEPOINT grouped")
                yield self._writer
            except BaseException as exc:
                self._undo(group, exc)
                if is_storage_full(exc):
                    raise StorageFull() from exc
                raise
            else:
                self._writer.execute("RELEASE grouped")
                group.members += 1
            finally:
                if self._group is group and (self._queued == 0 or group.members >= MAX_GROUP):
                    self._commit_group()
        finally:
            self.lock.release()
        group.wait()

    @property
    def queued(self) -> int:
        """Grouped transactions waiting for the writer's lock now."""
        return self._queued

    def _join(self) -> Group:
        """The open group, or a new one in a new SQLite transaction (called holding the lock)."""
        if self._group is None:
            self._writer.execute("BEGIN IMMEDIATE")
            self._group = Group()
        return self._group

    def _undo(self, group: Group, error: BaseException) -> None:
        """Roll back one member's savepoint; if even that fails, the whole group: its members raise ``error``.

        (SQLITE_FULL may have rolled back the whole transaction already.)
        """
        try:
            self._writer.execute("ROLLBACK TO grouped")
            self._writer.execute("RELEASE grouped")
        except sqlite3.Error:
            self._group = None
            group.error = error
            if self._writer.in_transaction:
                self._writer.execute("ROLLBACK")
            group.done.set()

    def _commit_group(self) -> None:
        """Commit the open group with one durable ``COMMIT`` and release its members (called holding the lock)."""
        group, self._group = self._group, None
        assert group is not None
        try:
            due = self._checkpoint_due()
            self._writer.execute("COMMIT")
            self.commits += 1
        except sqlite3.Error as failed:
            group.error = failed
            if self._writer.in_transaction:
                self._writer.execute("ROLLBACK")
        else:
            if due:
                self._start_checkpoint()
        finally:
            group.done.set()

    def _checkpoint_due(self) -> bool:
        """Whether the commit about to be made brings ``GROWTH_PAGES`` or ``CHECKPOINT_ROWS`` since the last checkpoint.

        Called inside the transaction, where the pager knows the page count (outside, it costs a read lock).
        """
        grown = self._pages() - self._checkpointed_at >= GROWTH_PAGES
        return grown or self._writer.total_changes - self._changes_at >= CHECKPOINT_ROWS

    def _pages(self) -> int:
        pages: int = self._writer.execute("PRAGMA page_count").fetchone()[0]
        return pages

    def _start_checkpoint(self) -> None:
        """Checkpoint in a background thread unless one is still at it (called holding the lock)."""
        if self._checkpointer is not None and self._checkpointer.is_alive():
            return
        self._checkpointed_at, self._changes_at = self._pages(), self._writer.total_changes
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
            if self._group is not None:
                self._commit_group()
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

"""The SQLite database: opening it durably and transactions (the schema is in ``sync/db/migrations.py``).

All writes go through :func:`transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``), so a
write acknowledged to a device is on disk (WAL, ``synchronous=FULL``).

Checkpoints (copying the WAL back into the database file): while the database
grows fast (bulk pushes), every ``GROWTH_PAGES`` new pages a short-lived thread
runs a ``PASSIVE`` checkpoint on its own connection, which never blocks the writer,
while the next request is served. Small edits leave checkpoints to SQLite's own,
taken by the commit that brings the WAL to 1,000 pages, as a thread per handful of
small commits would cost them more than it saves.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from sync.db.migrations import migrations

GROWTH_PAGES = 400  # new database pages (1.6 MB) between background checkpoints


class Store:
    """One connection to the database for the server's lifetime, with a write lock."""

    def __init__(self, path: Path | str) -> None:
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self.path = None if str(path) == ":memory:" else str(path)
        self._checkpointer: threading.Thread | None = None
        if self.path is not None:
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")
        migrations.apply(self.db)
        self._checkpointed_at = self._pages()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed durably on success, rolled back on any error."""
        with self.lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                # read inside the transaction, where the pager knows it (outside, it costs a read lock)
                grown = self.path is not None and self._pages() - self._checkpointed_at >= GROWTH_PAGES
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            if grown:
                self._start_checkpoint()

    def _pages(self) -> int:
        pages: int = self.db.conn.execute("PRAGMA page_count").fetchone()[0]
        return pages

    def _start_checkpoint(self) -> None:
        """Checkpoint in a background thread unless one is still at it (called holding the lock)."""
        if self.path is None or (self._checkpointer is not None and self._checkpointer.is_alive()):
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
        """Wait for a running checkpoint, then close the connection."""
        with self.lock:
            self.wait_for_checkpoint()
            self.db.close()


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
    """The store in ``data_dir/xunjian.db`` (created if needed), or in memory for ``None``."""
    if data_dir is None:
        return Store(":memory:")
    data_dir.mkdir(parents=True, exist_ok=True)
    return Store(data_dir / "xunjian.db")

"""The SQLite database: opening it durably and transactions (the schema is in ``sync/migrations.py``).

All writes go through :func:`transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``), so a
write acknowledged to a device is on disk (WAL, ``synchronous=FULL``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from sync.migrations import migrations


class Store:
    """One connection to the database for the server's lifetime, with a write lock."""

    def __init__(self, path: Path | str) -> None:
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        if str(path) != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")
        migrations.apply(self.db)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed durably on success, rolled back on any error."""
        with self.lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


def open_store(data_dir: Path | None) -> Store:
    """The store in ``data_dir/xunjian.db`` (created if needed), or in memory for ``None``."""
    if data_dir is None:
        return Store(":memory:")
    data_dir.mkdir(parents=True, exist_ok=True)
    return Store(data_dir / "xunjian.db")

"""The SQLite side of a migration: the stopped server's database, read under an exclusive lock.

The source must be quiesced: a server writing while rows are copied would leave the copy behind
it. :func:`open_source` takes SQLite's exclusive locking mode and an exclusive transaction, with no
waiting: while any other connection has the database open (a running server keeps its readers and
its writer open, idle or not) that fails at once and the migration refuses to start; once taken,
nobody else can read or write the file until the copy is over, and every batch reads the one
snapshot the transaction holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sync.db.epochs import Epoch, current_epoch
from sync.db.pg_migrations import MIGRATIONS_TABLE
from sync.migrate import MigrateError


def quoted(name: str) -> str:
    """An identifier in double quotes (``user`` is reserved on PostgreSQL, ``key`` and ``cursor`` are words)."""
    return '"' + name.replace('"', '""') + '"'


class Source:
    """The source database, open under an exclusive lock, in one read transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        """Over ``conn``, already holding the lock."""
        self.conn = conn
        self.path = path

    def tables(self) -> set[str]:
        """The tables of the schema (not SQLite's own, not the migration bookkeeping)."""
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return {str(row[0]) for row in rows} - {MIGRATIONS_TABLE}

    def columns(self, table: str) -> list[str]:
        """The table's column names, in order."""
        return [str(row[1]) for row in self.conn.execute(f"PRAGMA table_info({quoted(table)})")]

    def migrations(self) -> list[str]:
        """The names of the migrations applied to the source, in order."""
        try:
            rows = self.conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY id").fetchall()
        except sqlite3.OperationalError as exc:
            raise MigrateError(f"{self.path} is not a Xunjian database (no {MIGRATIONS_TABLE})") from exc
        return [str(row[0]) for row in rows]

    def epoch(self) -> Epoch:
        """The database's epoch (kept by the copy, so devices do not take it for a restore)."""
        return current_epoch(self.conn)

    def op_log_seq(self) -> int:
        """The largest op-log sequence number."""
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()[0])

    def count(self, table: str) -> int:
        """The table's rows."""
        return int(self.conn.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0])

    def autoincrement(self) -> dict[str, int]:
        """SQLite's ``AUTOINCREMENT`` high-water marks (at least the largest id ever handed out, deleted or not)."""
        try:
            return {str(name): int(seq) for name, seq in self.conn.execute("SELECT name, seq FROM sqlite_sequence")}
        except sqlite3.OperationalError:  # no AUTOINCREMENT table yet
            return {}

    def batch(self, table: str, columns: list[str], after: int, limit: int) -> list[tuple[Any, ...]]:
        """Up to ``limit`` rows after rowid ``after``, in rowid order: (rowid, *values) — keyset, never OFFSET."""
        names = ", ".join(quoted(column) for column in columns)
        sql = f"SELECT rowid, {names} FROM {quoted(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?"
        return list(self.conn.execute(sql, [after, limit]))

    def unfinished_uploads(self) -> list[tuple[str, int]]:
        """The unfinished uploads: (id, length)."""
        rows = self.conn.execute("SELECT id, length FROM upload WHERE completed_at IS NULL ORDER BY id")
        return [(str(row[0]), int(row[1])) for row in rows]

    def blobs(self) -> list[tuple[str, str]]:
        """Every blob row: (org_id, sha256)."""
        return [
            (str(o), str(s)) for o, s in self.conn.execute("SELECT org_id, sha256 FROM blob ORDER BY org_id, sha256")
        ]


@contextmanager
def open_source(path: Path) -> Iterator[Source]:
    """The database at ``path`` under an exclusive lock for the block (see the module); refused while in use."""
    if not path.is_file():
        raise MigrateError(f"no SQLite database at {path}")
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise MigrateError(
            f"{path} is in use ({exc}): stop every server on it (and anything else that has it open) first"
        ) from exc
    try:
        yield Source(conn, path)
    finally:
        conn.execute("ROLLBACK")
        conn.close()

"""The store: readers per thread beside one writer; checkpoints taken by a background thread and safe to close under."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from sync.db.store import GROWTH_PAGES, Store, checkpoint, open_store


def write_commits(data_dir: Path, commits: int, size: int) -> int:
    """Commit ``commits`` rows of ``size`` random bytes; how much the database file grew before closing.

    (Closing the last connection checkpoints the rest, so the growth is measured before.)
    """
    store = open_store(data_dir)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    store.wait_for_checkpoint()
    checkpoint(str(data_dir / "xunjian.db"))
    before = (data_dir / "xunjian.db").stat().st_size
    for n in range(commits):
        with store.transaction() as conn:
            conn.execute("INSERT INTO scratch (n, body) VALUES (?, ?)", [n, os.urandom(size)])
    store.wait_for_checkpoint()
    grown = (data_dir / "xunjian.db").stat().st_size - before
    store.close()
    return grown


def test_a_fast_growing_database_is_checkpointed_in_the_background(tmp_path: Path) -> None:
    # 24 commits of 100 kB: 2.4 MB, 600 pages of WAL, below the 1,000 at which a commit checkpoints itself
    grown = write_commits(tmp_path, 24, 100_000)
    # what a background checkpoint copied (after GROWTH_PAGES new pages) is in the database file already
    assert grown >= GROWTH_PAGES * 4096


def test_closing_waits_for_a_checkpoint_and_leaves_every_row_intact(tmp_path: Path) -> None:
    write_commits(tmp_path, 40, 50_000)
    conn = sqlite3.connect(tmp_path / "xunjian.db")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT count(*), sum(length(body)) FROM scratch").fetchone()
    assert rows == (40, 40 * 50_000)
    conn.close()


def test_a_checkpoint_reports_what_it_copied(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (body BLOB NOT NULL)")
        conn.execute("INSERT INTO scratch VALUES (?)", [os.urandom(20_000)])
    busy, frames, done = checkpoint(str(tmp_path / "xunjian.db"))
    store.close()
    assert busy == 0
    assert frames == done > 5


def count(store: Store) -> int:
    found: int = store.db.execute("SELECT count(*) FROM scratch").fetchone()[0]
    return found


def test_readers_read_what_is_committed_while_a_write_transaction_is_open(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER)")
    seen: list[int] = []
    with store.transaction() as conn:
        conn.execute("INSERT INTO scratch VALUES (1)")
        other = threading.Thread(target=lambda: seen.append(count(store)))
        other.start()
        other.join(60)
        assert not other.is_alive()  # another thread's read did not wait for this transaction
        assert count(store) == 0  # reading through the store inside a transaction: what was committed before it
    assert seen == [0]
    assert count(store) == 1
    store.close()


def test_a_reader_cannot_write(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.db.execute("CREATE TABLE scratch (n INTEGER)")
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.db.execute("SELECT 1")


def test_an_in_memory_store_is_a_private_file_shared_by_threads_and_gone_at_close() -> None:
    store = Store(":memory:")
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER)")
        conn.execute("INSERT INTO scratch VALUES (1)")
    seen: list[int] = []
    reader = threading.Thread(target=lambda: seen.append(count(store)))
    reader.start()
    reader.join()
    assert seen == [1]
    folder = Path(store.path).parent
    assert folder.is_dir()
    store.close()
    assert not folder.exists()

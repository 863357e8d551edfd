"""The store: readers per thread beside one writer; checkpoints taken by a background thread and safe to close under;
group commit (transactions queued for the writer made durable by one COMMIT, each answered after it)."""

from __future__ import annotations

import os
import sqlite3
import threading
from functools import partial
from pathlib import Path

import pytest

from sync.db.store import CHECKPOINT_ROWS, GROWTH_PAGES, WRITER_CACHE_KIB, Store, checkpoint, open_store
from tests.sync.db.writer_queue import queued_behind_the_writer

pytestmark = pytest.mark.sqlite_only(
    reason="the SQLite store itself: WAL checkpoints, group commit, query_only readers"
)


def scratch_store(data_dir: Path) -> tuple[Store, int]:
    """A store with an empty ``scratch`` table, checkpointed; and its database file's size then."""
    store = open_store(data_dir)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    store.wait_for_checkpoint()
    checkpoint(str(data_dir / "xunjian.db"))
    return store, (data_dir / "xunjian.db").stat().st_size


def write_commits(data_dir: Path, commits: int, size: int) -> int:
    """Commit ``commits`` rows of ``size`` random bytes; how much the database file grew before closing.

    (Closing the last connection checkpoints the rest, so the growth is measured before.)
    """
    store, before = scratch_store(data_dir)
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


def test_many_small_rows_are_checkpointed_in_the_background_not_by_a_commit(tmp_path: Path) -> None:
    """Commits writing CHECKPOINT_ROWS small rows (a few pages, far below GROWTH_PAGES and SQLite's 1,000-page
    threshold) are copied into the database file by a background checkpoint; the writer's own is put off."""
    store, before = scratch_store(tmp_path)
    rows, per_commit = 2100, 100
    assert rows > CHECKPOINT_ROWS
    for start in range(0, rows, per_commit):
        with store.transaction() as conn:
            conn.executemany("INSERT INTO scratch VALUES (?, ?)", [(n, b"x") for n in range(start, start + per_commit)])
    store.wait_for_checkpoint()
    grown = (tmp_path / "xunjian.db").stat().st_size - before
    reader = sqlite3.connect(tmp_path / "xunjian.db")
    threshold = reader.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    with store.transaction() as conn:  # the writer's own threshold
        writer_threshold = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    store.close()
    reader.close()
    assert grown > 0  # the rows' pages are in the database file, copied by the background checkpoint
    assert grown < GROWTH_PAGES * 4096  # which page growth alone would not have started
    assert threshold == 1000 and writer_threshold > 1000


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


def test_the_writer_keeps_a_larger_page_cache_than_the_readers(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.transaction() as conn:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
    assert -store.db.execute("PRAGMA cache_size").fetchone()[0] < WRITER_CACHE_KIB  # SQLite's default, per reader
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


# ---- group commit: the test holds the writer's lock while transactions queue, so the order is fixed, not timed


def write(store: Store, n: int, *, fail: bool = False) -> str:
    """A grouped transaction writing row ``n`` (then failing, if ``fail``); once answered, a reader must see it."""
    with store.grouped() as conn:
        conn.execute("INSERT INTO scratch (n) VALUES (?)", [n])
        if fail:
            raise ValueError(f"transaction {n} fails after writing")
    seen = store.db.execute("SELECT count(*) FROM scratch WHERE n = ?", [n]).fetchone()[0]
    return "committed" if seen == 1 else "answered before its commit"


@pytest.fixture
def scratch(store: Store) -> Store:
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
    return store


def test_transactions_queued_for_the_writer_commit_once_and_each_returns_after_the_commit(scratch: Store) -> None:
    before = scratch.commits
    results = queued_behind_the_writer(scratch, [partial(write, scratch, n) for n in range(8)])
    assert results == ["committed"] * 8
    assert scratch.commits == before + 1
    assert scratch.db.execute("SELECT count(*) FROM scratch").fetchone()[0] == 8


def test_a_transaction_alone_commits_at_once(scratch: Store) -> None:
    before = scratch.commits
    assert [write(scratch, n) for n in range(3)] == ["committed"] * 3
    assert scratch.commits == before + 3


def test_a_failing_transaction_in_a_group_rolls_back_alone(scratch: Store) -> None:
    before = scratch.commits
    jobs = [partial(write, scratch, n, fail=n in (0, 4, 7)) for n in range(8)]
    results = queued_behind_the_writer(scratch, jobs)
    for n, result in enumerate(results):
        if n in (0, 4, 7):
            assert isinstance(result, ValueError)
        else:
            assert result == "committed"
    assert scratch.commits == before + 1
    rows = [r[0] for r in scratch.db.execute("SELECT n FROM scratch ORDER BY n")]
    assert rows == [1, 2, 3, 5, 6]


def test_a_plain_transaction_commits_a_group_left_open_first(scratch: Store) -> None:
    def plain() -> str:
        with scratch.transaction() as conn:
            conn.execute("INSERT INTO scratch (n) VALUES (100)")
        return "committed"

    before = scratch.commits
    results = queued_behind_the_writer(scratch, [partial(write, scratch, 1), plain, partial(write, scratch, 2)], 2)
    assert results == ["committed"] * 3
    assert scratch.commits - before in (2, 3)  # the plain one alone; the grouped ones with each other or not
    assert [r[0] for r in scratch.db.execute("SELECT n FROM scratch ORDER BY n")] == [1, 2, 100]

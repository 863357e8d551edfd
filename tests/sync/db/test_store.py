"""The store's checkpoints: taken by a background thread, never by a request, and safe to close under."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sync.db.store import GROWTH_PAGES, checkpoint, open_store


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

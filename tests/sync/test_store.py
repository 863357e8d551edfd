"""The store's checkpoints: taken by a background thread, never by a request, and safe to close under."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sync.store import BACKSTOP_PAGES, CHECKPOINT_EVERY, checkpoint, open_store


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


def test_commits_reach_the_database_file_through_background_checkpoints(tmp_path: Path) -> None:
    written = 4 * CHECKPOINT_EVERY * 100_000
    assert written < BACKSTOP_PAGES * 4096 / 10  # far below the size at which a commit would checkpoint itself
    grown = write_commits(tmp_path, 4 * CHECKPOINT_EVERY, 100_000)
    # every commit but those after the last background checkpoint is in the database file already
    assert grown >= written - CHECKPOINT_EVERY * 100_000


def test_closing_waits_for_a_checkpoint_and_leaves_every_row_intact(tmp_path: Path) -> None:
    write_commits(tmp_path, 3 * CHECKPOINT_EVERY + 2, 50_000)
    conn = sqlite3.connect(tmp_path / "xunjian.db")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT count(*), sum(length(body)) FROM scratch").fetchone()
    assert rows == (3 * CHECKPOINT_EVERY + 2, (3 * CHECKPOINT_EVERY + 2) * 50_000)
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

"""The one list of migrations (sqlite-utils ``Migrations``) and the helper their DDL runs through."""

from __future__ import annotations

import sys
import time

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("xunjian")


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run ``;``-separated DDL statement by statement, inside the migration's transaction.

    (``executescript`` would commit the transaction first.)
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def run_timed(db: sqlite_utils.Database, what: str, script: str) -> None:
    """:func:`run_script`, printing what it does and how long it took (a backfill or an index at 1M takes a while)."""
    started = time.monotonic()
    print(f"迁移 migrating: {what} …", file=sys.stderr, flush=True)
    run_script(db, script)
    print(f"迁移 migrated: {what} in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)

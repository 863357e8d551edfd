"""The one list of migrations (sqlite-utils ``Migrations``) and the helper their DDL runs through."""

from __future__ import annotations

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

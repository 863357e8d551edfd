"""m070 (issue 18): voice memos on item notes are evidence: the ``blob`` table takes the kind ``audio``."""

from __future__ import annotations

import re

import sqlite_utils

from sync.db.dialect import POSTGRESQL, dialect_of
from sync.db.migrations.registry import migrations, run_script

_OLD_KINDS = "CHECK (kind IN ('photo', 'signature'))"
_KINDS = "CHECK (kind IN ('photo', 'signature', 'audio'))"


@migrations()
def m070_audio_blobs(db: sqlite_utils.Database) -> None:
    """Blobs may be ``audio`` (an item note's voice memo) as well as ``photo`` and ``signature``.

    PostgreSQL changes the column's check in place. SQLite cannot alter a check, so the table is
    rebuilt from its own definition with only the check changed: every column (whatever earlier
    migrations added), row and index is kept; nothing references ``blob``.
    """
    if dialect_of(db) == POSTGRESQL:
        run_script(
            db,
            "ALTER TABLE blob DROP CONSTRAINT blob_kind_check;"
            f" ALTER TABLE blob ADD CONSTRAINT blob_kind_check {_KINDS}",
        )
        return
    [definition] = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'blob'").fetchone()
    indexes = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blob' AND sql IS NOT NULL"
        )
    ]
    if _OLD_KINDS not in definition:
        raise RuntimeError(f"m070 expected the blob table's check {_OLD_KINDS}; its definition is {definition}")
    rebuilt = re.sub(r'^CREATE TABLE "?blob"?', "CREATE TABLE blob_audio", definition.replace(_OLD_KINDS, _KINDS))
    columns = ", ".join(row[1] for row in db.execute("PRAGMA table_info(blob)"))
    db.execute(rebuilt)
    db.execute(f"INSERT INTO blob_audio ({columns}) SELECT {columns} FROM blob")
    db.execute("DROP TABLE blob")
    db.execute("ALTER TABLE blob_audio RENAME TO blob")
    for index in indexes:
        db.execute(index)

"""m070 (issue 18): voice memos on item notes are evidence: the ``blob`` table takes the kind ``audio``."""

from __future__ import annotations

import sqlite_utils

from sync.db.dialect import POSTGRESQL, dialect_of
from sync.db.migrations.registry import migrations, run_script

_COLUMNS = "org_id, sha256, kind, media_type, size, width, height, uploaded_by, created_at, metadata_json"
_KINDS = "CHECK (kind IN ('photo', 'signature', 'audio'))"


@migrations()
def m070_audio_blobs(db: sqlite_utils.Database) -> None:
    """Blobs may be ``audio`` (an item note's voice memo) as well as ``photo`` and ``signature``.

    PostgreSQL changes the column's check in place; SQLite cannot alter a check, so the table is
    rebuilt with the same columns, rows and index (nothing references ``blob``).
    """
    if dialect_of(db) == POSTGRESQL:
        run_script(
            db,
            "ALTER TABLE blob DROP CONSTRAINT blob_kind_check;"
            f" ALTER TABLE blob ADD CONSTRAINT blob_kind_check {_KINDS}",
        )
        return
    run_script(
        db,
        f"""
        CREATE TABLE blob_audio (
            org_id TEXT NOT NULL REFERENCES organisation(id),
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL {_KINDS},
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
            uploaded_by TEXT NOT NULL REFERENCES user(id),
            created_at TEXT NOT NULL,
            metadata_json TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256)
        );
        INSERT INTO blob_audio ({_COLUMNS}) SELECT {_COLUMNS} FROM blob;
        DROP TABLE blob;
        ALTER TABLE blob_audio RENAME TO blob;
        CREATE INDEX blob_created ON blob(created_at)""",
    )

"""m020–m021: the database's epoch and what a restore brought back from devices (issue 15, recovery)."""

from __future__ import annotations

import uuid

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m020_epoch(db: sqlite_utils.Database) -> None:
    """A random epoch in ``server_meta``; a restore sets a new one, so devices can tell the history changed."""
    db.execute(
        "INSERT INTO server_meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING", [uuid.uuid4().hex]
    )


@migrations()
def m021_restores(db: sqlite_utils.Database) -> None:
    """Each restore (its epoch, the backup's time and op-log mark), devices back since, ops they recovered."""
    run_script(
        db,
        """
        CREATE TABLE restore_log (
            epoch TEXT PRIMARY KEY,
            previous_epoch TEXT NOT NULL,
            backup_at TEXT NOT NULL,
            restored_seq INTEGER NOT NULL,
            restored_at TEXT NOT NULL
        );
        CREATE TABLE client_epoch (
            client_id TEXT NOT NULL,
            epoch TEXT NOT NULL,
            back_at TEXT NOT NULL,
            PRIMARY KEY (client_id, epoch)
        );
        CREATE TABLE recovered_op (
            op_id TEXT PRIMARY KEY,
            epoch TEXT NOT NULL,
            client_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            outcome TEXT NOT NULL,
            seq INTEGER,
            at TEXT NOT NULL
        );
        CREATE INDEX recovered_op_epoch ON recovered_op(epoch, inspection_id)
        """,
    )

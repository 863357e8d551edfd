"""m035: evidence in an object store (issue 16): how many bytes of an unfinished upload the store holds."""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m035_upload_received(db: sqlite_utils.Database) -> None:
    """``upload.received``: in an object store, the bytes of an upload's chunks stored, recorded once durable.

    Every app server reads an upload's offset here; a local folder keeps counting the upload file's size.
    """
    run_script(db, "ALTER TABLE upload ADD COLUMN received INTEGER NOT NULL DEFAULT 0;")

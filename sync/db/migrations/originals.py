"""m055: evidence as the camera took it (issue 18): each light photo's chain of custody and its camera original."""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m055_photo_custody(db: sqlite_utils.Database) -> None:
    """``photo_custody``: the light version a phone uploads (``sha256``), linked to the camera file it came from.

    ``capture_sha256`` is the SHA-256 the phone took of the camera's bytes at capture; the original
    is held once a blob with that hash is stored and was uploaded by the one who declared it
    (``declared_by``), checked by hash like any upload. Capture time, device and position are as
    the phone knew them; each may be unknown.
    """
    run_script(
        db,
        """
        CREATE TABLE photo_custody (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            capture_sha256 TEXT NOT NULL,
            captured_at TEXT,
            device TEXT,
            lat REAL,
            lon REAL,
            accuracy_m REAL,
            declared_by TEXT NOT NULL REFERENCES user(id),
            declared_at TEXT NOT NULL,
            PRIMARY KEY (org_id, sha256)
        );
        CREATE INDEX photo_custody_capture ON photo_custody (org_id, capture_sha256);
        """,
    )

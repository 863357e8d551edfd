"""m015: who holds each blob's bytes, and who added each evidence reference (issue 14, evidence by hash).

Knowing a photo's SHA-256 must not let anyone read it: a user reads a blob they uploaded
themselves (``blob_holder``), or one that an inspection or finding in their scope references
where the reference was added by a holder (``added_by``). References made before this
migration are kept as they were: those to a stored blob count as added by its uploader, those
to a blob still awaiting upload as added by the inspection's inspector (or nobody, for a
finding), who proves possession by uploading the bytes.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m015_blob_holders(db: sqlite_utils.Database) -> None:
    """``blob_holder`` (uploaders of a blob's bytes) and ``added_by`` on evidence and finding photo references."""
    run_script(
        db,
        """
        CREATE TABLE blob_holder (
            org_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES user(id),
            PRIMARY KEY (org_id, sha256, user_id)
        );
        INSERT INTO blob_holder (org_id, sha256, user_id) SELECT org_id, sha256, uploaded_by FROM blob;
        ALTER TABLE evidence_ref ADD COLUMN added_by TEXT;
        UPDATE evidence_ref SET added_by = coalesce(
            (SELECT b.uploaded_by FROM blob b WHERE b.org_id = evidence_ref.org_id AND b.sha256 = evidence_ref.sha256),
            (SELECT i.inspector_id FROM inspection i WHERE i.id = evidence_ref.inspection_id));
        ALTER TABLE finding_photo ADD COLUMN added_by TEXT;
        UPDATE finding_photo SET added_by =
            (SELECT b.uploaded_by FROM blob b WHERE b.org_id = finding_photo.org_id AND b.sha256 = finding_photo.sha256)
        """,
    )

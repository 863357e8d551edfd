"""m015 on a database from before it: references made then keep letting those in scope read the photo."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from sync.db.store import Store, open_store
from sync.evidence.blobs import readable_hashes
from tests.evidence import PHOTOS, Org, reference, sha256, store_blob


def _as_before_m015(path: Path) -> None:
    """Undo m015 in a database file: no holders, no ``added_by``, m015 not recorded as applied."""
    db = sqlite_utils.Database(path)
    db.execute("DROP TABLE blob_holder")
    db.execute("ALTER TABLE evidence_ref DROP COLUMN added_by")
    db.execute("ALTER TABLE finding_photo DROP COLUMN added_by")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_blob_holders'")
    db.conn.commit()
    db.close()


def test_m015_keeps_older_references_readable(tmp_path: Path, store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    org = orgs[0]
    stored = store_blob(store, root, org.uploader, PHOTOS[0]).sha256
    awaited = sha256(PHOTOS[1])
    reference(store, org.id, stored, org.sites[0], org.colleague.id)  # attached by another, before holders existed
    reference(store, org.id, awaited, org.sites[0], org.colleague.id)
    store.close()
    _as_before_m015(tmp_path / "store" / "xunjian.db")
    migrated = open_store(tmp_path / "store")
    try:
        assert readable_hashes(migrated, org.admin, [stored]) == {stored}  # counted as added by its uploader
        assert readable_hashes(migrated, org.outsider, [stored]) == set()
        store_blob(migrated, root, org.colleague, PHOTOS[1])  # the inspector uploads the awaited photo
        assert readable_hashes(migrated, org.admin, [awaited]) == {awaited}
        holders = migrated.db.execute("SELECT user_id FROM blob_holder WHERE sha256 = ?", [stored]).fetchall()
        assert holders == [(org.uploader.id,)]
    finally:
        migrated.close()

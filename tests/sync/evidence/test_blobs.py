"""Blob states per organisation, who may read a blob, and m015 (holders) on a database from before it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from sync.db.store import Store, open_store
from sync.errors import Forbidden, NotFound
from sync.evidence.blobs import blob_states, missing_hashes, readable_blob, readable_hashes
from sync.evidence.objects import BlobStore
from tests.evidence import PHOTOS, Org, reference, sha256, store_blob, stored


def test_a_referenced_photo_is_awaiting_until_it_arrives(
    store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    org = orgs[0]
    hashes = [sha256(p) for p in PHOTOS]
    for digest in hashes:
        reference(store, org.id, digest, org.sites[0], org.uploader.id)
    assert blob_states(store, org.id, hashes) == dict.fromkeys(hashes, "awaiting")
    store_blob(store, objects, org.uploader, PHOTOS[1])
    assert blob_states(store, org.id, hashes) == {hashes[0]: "awaiting", hashes[1]: "ready", hashes[2]: "awaiting"}
    for photo in PHOTOS:
        store_blob(store, objects, org.uploader, photo)
    assert blob_states(store, org.id, hashes) == dict.fromkeys(hashes, "ready")


def test_blobs_are_per_organisation(store: Store, objects: BlobStore, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    store_blob(store, objects, a.uploader, PHOTOS[0])
    digest = sha256(PHOTOS[0])
    assert blob_states(store, b.id, [digest]) == {digest: "awaiting"}
    assert missing_hashes(store, b.uploader, [digest]) == [digest]
    store_blob(store, objects, b.uploader, PHOTOS[0])
    assert stored(objects, a.id, digest) == stored(objects, b.id, digest) == PHOTOS[0]


def test_missing_hashes_keep_the_order_asked_without_repeats(
    store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    org = orgs[0]
    store_blob(store, objects, org.uploader, PHOTOS[1])
    a, b, c = (sha256(p) for p in PHOTOS)
    assert missing_hashes(store, org.uploader, [c, b, a, c]) == [c, a]
    many = [f"{n:064x}" for n in range(1200)]
    assert missing_hashes(store, org.uploader, many) == many


def test_who_may_read_a_blob(store: Store, objects: BlobStore, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    blob = store_blob(store, objects, a.uploader, PHOTOS[0])
    assert readable_blob(store, a.uploader, blob.sha256, "original") == blob
    for user in (a.admin, a.colleague, a.outsider, b.admin):
        with pytest.raises(NotFound):
            readable_blob(store, user, blob.sha256, "display")
    reference(store, a.id, blob.sha256, a.sites[0], a.uploader.id)
    assert readable_blob(store, a.admin, blob.sha256, "original") == blob
    assert readable_blob(store, a.colleague, blob.sha256, "display") == blob
    with pytest.raises(Forbidden):
        readable_blob(store, a.colleague, blob.sha256, "original")
    for user in (a.outsider, b.admin):
        with pytest.raises(NotFound):
            readable_blob(store, user, blob.sha256, "thumb")


def test_not_found_reads_the_same_for_a_hidden_and_an_absent_blob(
    store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    a, b = orgs
    blob = store_blob(store, objects, a.uploader, PHOTOS[0])
    store_blob(store, objects, b.uploader, PHOTOS[1])
    messages = []
    for digest in (blob.sha256, sha256(PHOTOS[1]), sha256(b"never uploaded")):
        with pytest.raises(NotFound) as hidden:
            readable_blob(store, a.outsider, digest, "display")
        messages.append(str(hidden.value).replace(digest, "<hash>"))
    assert len(set(messages)) == 1


def _as_before_m015(path: Path) -> None:
    """Undo m015 in a database file: no holders, no ``added_by``, m015 not recorded as applied."""
    db = sqlite_utils.Database(path)
    db.execute("DROP TABLE blob_holder")
    db.execute("ALTER TABLE evidence_ref DROP COLUMN added_by")
    db.execute("ALTER TABLE finding_photo DROP COLUMN added_by")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_blob_holders'")
    db.conn.commit()
    db.close()


@pytest.mark.sqlite_only(reason="rewinds a SQLite file to before m015")
def test_m015_keeps_older_references_readable(
    tmp_path: Path, store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    org = orgs[0]
    stored = store_blob(store, objects, org.uploader, PHOTOS[0]).sha256
    awaited = sha256(PHOTOS[1])
    reference(store, org.id, stored, org.sites[0], org.colleague.id)  # attached by another, before holders existed
    reference(store, org.id, awaited, org.sites[0], org.colleague.id)
    store.close()
    _as_before_m015(tmp_path / "store" / "xunjian.db")
    migrated = open_store(tmp_path / "store")
    try:
        assert readable_hashes(migrated, org.admin, [stored]) == {stored}  # counted as added by its uploader
        assert readable_hashes(migrated, org.outsider, [stored]) == set()
        store_blob(migrated, objects, org.colleague, PHOTOS[1])  # the inspector uploads the awaited photo
        assert readable_hashes(migrated, org.admin, [awaited]) == {awaited}
        holders = migrated.db.execute("SELECT user_id FROM blob_holder WHERE sha256 = ?", [stored]).fetchall()
        assert holders == [(org.uploader.id,)]
    finally:
        migrated.close()

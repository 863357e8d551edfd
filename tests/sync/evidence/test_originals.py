"""Custody records in the store: GC keeps a kept photo's camera original, and drops it with its photo."""

from __future__ import annotations

import time

from sync.db.store import Store
from sync.evidence import gc
from sync.evidence.blobs import get_blob
from sync.evidence.objects import BlobStore
from sync.evidence.originals import Custody, custody_views, declare_custody
from tests.evidence import PHOTOS, Org, reference, store_blob, stored

DAY = 24 * 3600


def test_the_original_of_a_referenced_photo_is_no_garbage(
    store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    org = orgs[0]
    light, original = (store_blob(store, objects, org.uploader, p) for p in PHOTOS[:2])
    declare_custody(store, org.uploader, light.sha256, Custody(original.sha256, device="phone"))
    assert custody_views(store, org.id, [light.sha256])[light.sha256].original_held
    reference(store, org.id, light.sha256, org.sites[0], org.uploader.id)
    later = time.time() + 8 * DAY
    assert gc.find_garbage(store, grace_s=7 * DAY, now=later) == []
    # the reference goes: the photo, then its original, are garbage
    with store.transaction() as conn:
        conn.execute("DELETE FROM evidence_ref WHERE sha256 = ?", [light.sha256])
    assert [g.sha256 for g in gc.collect_garbage(store, objects, grace_s=7 * DAY, now=later)] == [light.sha256]
    assert custody_views(store, org.id, [light.sha256]) == {}
    assert [g.sha256 for g in gc.collect_garbage(store, objects, grace_s=7 * DAY, now=later)] == [original.sha256]
    assert get_blob(store, org.id, original.sha256) is None
    assert stored(objects, org.id, original.sha256) is None

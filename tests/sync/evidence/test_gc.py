"""Garbage collection of blobs: only unreferenced ones past their grace period, and from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.evidence import gc
from sync.evidence.blobs import get_blob
from sync.evidence.objects import BlobStore
from sync.evidence.store_url import open_blob_store
from tests.evidence import PHOTOS, Org, reference, store_blob, stored
from tests.images import encode, quadrants
from tests.s3 import new_bucket

DAY = 24 * 3600


def test_garbage_is_unreferenced_and_past_its_grace_period(
    store: Store, objects: BlobStore, orgs: tuple[Org, Org]
) -> None:
    org = orgs[0]
    kept, dropped = (store_blob(store, objects, org.uploader, p) for p in PHOTOS[:2])
    reference(store, org.id, kept.sha256, org.sites[0], org.uploader.id)
    assert gc.find_garbage(store, grace_s=7 * DAY) == []
    later = time.time() + 8 * DAY
    listed = gc.collect_garbage(store, objects, grace_s=7 * DAY, now=later, dry_run=True)
    assert [g.sha256 for g in listed] == [dropped.sha256]
    assert get_blob(store, org.id, dropped.sha256) is not None
    assert stored(objects, org.id, dropped.sha256) is not None
    removed = gc.collect_garbage(store, objects, grace_s=7 * DAY, now=later)
    assert removed == listed
    assert get_blob(store, org.id, dropped.sha256) is None
    assert stored(objects, org.id, dropped.sha256, "display") is None
    assert stored(objects, org.id, dropped.sha256) is None
    assert get_blob(store, org.id, kept.sha256) is not None
    assert stored(objects, org.id, kept.sha256, "thumb") is not None


@pytest.mark.parametrize("kind", ["file", "s3"])
def test_gc_from_the_command_line(
    kind: str,
    tmp_path: Path,
    hasher: PasswordHasher,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    from sync.db.store import open_store

    data_dir = tmp_path / "data"
    url = "file:" if kind == "file" else new_bucket(request.getfixturevalue("s3_endpoint"))
    objects = open_blob_store(url, data_dir)
    store = open_store(data_dir)
    org = Org(store, hasher, "cli")
    blob = store_blob(store, objects, org.uploader, encode(quadrants(), "PNG"), media_type="image/png")
    store.close()
    options = ["--data-dir", str(data_dir), "--blob-store", url, "--grace-s", "-60"]
    assert gc.main([*options, "--dry-run"]) == 0
    out = capsys.readouterr()
    assert blob.sha256 in out.out
    assert "would remove 1 blob(s)" in out.err
    assert stored(objects, org.id, blob.sha256) is not None
    assert gc.main(options) == 0
    assert "removed 1 blob(s)" in capsys.readouterr().err
    assert stored(objects, org.id, blob.sha256) is None

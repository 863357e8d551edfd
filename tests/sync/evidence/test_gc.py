"""Garbage collection of blobs: only unreferenced ones past their grace period, and from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.evidence import gc
from sync.evidence.blobs import blob_path, get_blob
from tests.evidence import PHOTOS, Org, reference, store_blob
from tests.images import encode, quadrants

DAY = 24 * 3600


def test_garbage_is_unreferenced_and_past_its_grace_period(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    org = orgs[0]
    kept, dropped = (store_blob(store, root, org.uploader, p) for p in PHOTOS[:2])
    reference(store, org.id, kept.sha256, org.sites[0], org.uploader.id)
    assert gc.find_garbage(store, grace_s=7 * DAY) == []
    later = time.time() + 8 * DAY
    listed = gc.collect_garbage(store, root, grace_s=7 * DAY, now=later, dry_run=True)
    assert [g.sha256 for g in listed] == [dropped.sha256]
    assert get_blob(store, org.id, dropped.sha256) is not None
    assert blob_path(root, org.id, dropped.sha256).exists()
    removed = gc.collect_garbage(store, root, grace_s=7 * DAY, now=later)
    assert removed == listed
    assert get_blob(store, org.id, dropped.sha256) is None
    assert not blob_path(root, org.id, dropped.sha256).parent.joinpath(f"{dropped.sha256}.display.jpg").exists()
    assert not blob_path(root, org.id, dropped.sha256).exists()
    assert get_blob(store, org.id, kept.sha256) is not None
    assert blob_path(root, org.id, kept.sha256, "thumb").exists()


def test_gc_from_the_command_line(tmp_path: Path, hasher: PasswordHasher, capsys: pytest.CaptureFixture[str]) -> None:
    from sync.db.store import open_store

    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    org = Org(store, hasher, "cli")
    blob = store_blob(store, data_dir, org.uploader, encode(quadrants(), "PNG"), media_type="image/png")
    store.close()
    assert gc.main(["--data-dir", str(data_dir), "--grace-s", "-60", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert blob.sha256 in out.out
    assert "would remove 1 blob(s)" in out.err
    assert blob_path(data_dir, org.id, blob.sha256).exists()
    assert gc.main(["--data-dir", str(data_dir), "--grace-s", "-60"]) == 0
    assert "removed 1 blob(s)" in capsys.readouterr().err
    assert not blob_path(data_dir, org.id, blob.sha256).exists()

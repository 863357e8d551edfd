"""``create``: an online, consistent backup, incremental for evidence, verified as written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sync.backup.__main__ import main
from sync.backup.create import create_backup
from sync.backup.manifest import read_manifest
from sync.backup.verify import verify_backup
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.evidence.blobs import blob_key, blob_path
from sync.evidence.objects import FileObjects, read_all
from sync.evidence.store_url import open_blob_store
from tests.audio import WEBM, ogg_opus
from tests.evidence import store_blob
from tests.s3 import new_bucket
from tests.sync.backup.stored import add_blob
from tests.sync.office import Office


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
def test_a_backup_is_consistent_incremental_and_verified(store: Store, office: Office, tmp_path: Path) -> None:
    data_dir, folder = Path(store.path).parent, tmp_path / "backup"
    first = add_blob(store, office, b"first photo")
    made = create_backup(data_dir, folder)  # the store stays open: an online backup
    assert made.epoch == current_epoch(store.db.conn).id
    assert made.op_log_seq == int(store.db.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()[0])
    assert sorted(Path(b.path).name for b in made.blobs) == sorted([first, f"{first}.thumb.jpg"])
    assert verify_backup(folder) == []
    original = folder / blob_path(Path("."), office.users["inspector"].org_id, first)
    stamp = original.stat().st_mtime_ns

    second = add_blob(store, office, b"second photo")
    again = create_backup(data_dir, folder)
    assert original.stat().st_mtime_ns == stamp  # held already: not copied again
    assert len(again.blobs) == 4 and second in {Path(b.path).name for b in again.blobs}
    assert read_manifest(folder) == again
    assert verify_backup(folder) == []


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
def test_create_verify_and_restore_with_evidence_in_buckets(
    store: Store, office: Office, tmp_path: Path, s3_endpoint: str
) -> None:
    data_dir = Path(store.path).parent
    url = new_bucket(s3_endpoint)
    bucket = open_blob_store(url, data_dir)
    org_id, user_id = office.users["inspector"].org_id, office.users["inspector"].id
    sha = "5d41402abc4b2a76b9719d911017c592" * 2  # not its hash: a damaged object must be caught
    good = b"photo"
    good_sha = hashlib.sha256(good).hexdigest()
    bucket.put_bytes(blob_key(org_id, good_sha), good)
    bucket.put_bytes(blob_key(org_id, good_sha, "thumb"), b"thumb")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO blob (org_id, sha256, kind, media_type, size, uploaded_by, created_at, metadata_json)"
            " VALUES (?, ?, 'photo', 'image/jpeg', 5, ?, '2026-01-01T00:00:00Z', '{}')",
            [org_id, good_sha, user_id],
        )
    folder = tmp_path / "backup"
    assert main(["create", str(folder), "--data-dir", str(data_dir), "--blob-store", url]) == 0
    manifest = read_manifest(folder)
    assert manifest is not None
    assert sorted(b.path for b in manifest.blobs) == sorted(
        [blob_key(org_id, good_sha), blob_key(org_id, good_sha, "thumb")]
    )
    assert verify_backup(folder) == []
    assert not (data_dir / "blobs").exists()  # nothing of the evidence is on the server's disk

    target = new_bucket(s3_endpoint)
    assert main(["restore", str(folder), "--data-dir", str(tmp_path / "new"), "--blob-store", target]) == 0
    assert read_all(open_blob_store(target, tmp_path / "new"), blob_key(org_id, good_sha)) == good

    bucket.put_bytes(blob_key(org_id, sha), b"bytes that do not hash to the name")
    assert main(["create", str(tmp_path / "second"), "--data-dir", str(data_dir), "--blob-store", url]) == 1


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
def test_a_backup_holds_the_voice_memos(store: Store, office: Office, tmp_path: Path) -> None:
    data_dir, folder = Path(store.path).parent, tmp_path / "backup"
    user = office.users["inspector"]
    memos = [
        store_blob(store, FileObjects(data_dir), user, data, kind="audio", media_type="audio/webm")
        for data in (WEBM.read_bytes(), ogg_opus(1.0))
    ]
    assert [m.media_type for m in memos] == ["audio/webm", "audio/ogg"]
    made = create_backup(data_dir, folder)
    assert sorted(b.path for b in made.blobs) == sorted(blob_key(user.org_id, m.sha256) for m in memos)
    for memo, data in zip(memos, (WEBM.read_bytes(), ogg_opus(1.0)), strict=True):
        assert (folder / blob_key(user.org_id, memo.sha256)).read_bytes() == data
    assert verify_backup(folder) == []

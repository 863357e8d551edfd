"""Backups: online, consistent, incremental for evidence, verified; a restore wants an empty folder, a new epoch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from sync.backup.__main__ import main
from sync.backup.create import BackupError, create_backup
from sync.backup.manifest import read_manifest
from sync.backup.restore import restore_backup
from sync.backup.verify import verify_backup
from sync.clock import now_iso
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.sync.office import Office


def add_blob(store: Store, office: Office, data: bytes) -> str:
    """A stored photo: its original and a derived variant on disk, its row in the database."""
    sha = hashlib.sha256(data).hexdigest()
    root = Path(store.path).parent
    org_id, user_id = office.users["inspector"].org_id, office.users["inspector"].id
    for variant, content in (("original", data), ("thumb", data[:5])):
        path = blob_path(root, org_id, sha, variant)  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO blob (org_id, sha256, kind, media_type, size, uploaded_by, created_at, metadata_json)"
            " VALUES (?, ?, 'photo', 'image/jpeg', ?, ?, ?, '{}')",
            [org_id, sha, len(data), user_id, now_iso()],
        )
    return sha


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


def test_verify_finds_a_changed_blob_a_missing_one_and_a_changed_database(
    store: Store, office: Office, tmp_path: Path
) -> None:
    sha = add_blob(store, office, b"photo")
    folder = tmp_path / "backup"
    create_backup(Path(store.path).parent, folder)
    original = folder / blob_path(Path("."), office.users["inspector"].org_id, sha)
    original.write_bytes(b"tampered")
    tampered = hashlib.sha256(b"tampered").hexdigest()
    relative = original.relative_to(folder).as_posix()
    assert verify_backup(folder) == [f"{relative}: hashes to {tampered}, not to its name or its manifest entry"]
    original.unlink()
    assert verify_backup(folder) == [f"{relative}: missing"]
    with sqlite3.connect(folder / "xunjian.db") as conn:
        conn.execute("INSERT INTO server_meta (key, value) VALUES ('x', 'y')")
    conn.close()
    assert "xunjian.db does not hash to the manifest's database_sha256" in verify_backup(folder)
    assert main(["verify", str(folder)]) == 1


def test_restore_refuses_a_used_folder_and_a_bad_backup_and_sets_a_new_epoch(
    store: Store, office: Office, tmp_path: Path
) -> None:
    sha = add_blob(store, office, b"photo")
    folder = tmp_path / "backup"
    assert main(["create", str(folder), "--data-dir", str(Path(store.path).parent)]) == 0
    used = tmp_path / "used"
    used.mkdir()
    (used / "anything").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(folder, used)
    assert main(["restore", str(folder), "--data-dir", str(used)]) == 1

    assert main(["restore", str(folder), "--data-dir", str(tmp_path / "new")]) == 0
    restored = Store(tmp_path / "new" / "xunjian.db")
    try:
        epoch = current_epoch(restored.db.conn)
        assert epoch.id != current_epoch(store.db.conn).id
        manifest = read_manifest(folder)
        assert manifest is not None and epoch.restored_seq == manifest.op_log_seq
        assert restored.db.execute("SELECT count(*) FROM restore_log").fetchone() == (1,)
    finally:
        restored.close()
    assert blob_path(tmp_path / "new", office.users["inspector"].org_id, sha).read_bytes() == b"photo"

    (folder / "xunjian.db").write_bytes(b"not a database")
    with pytest.raises(BackupError, match="does not verify"):
        restore_backup(folder, tmp_path / "other")
    assert not (tmp_path / "other").exists()

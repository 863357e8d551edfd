"""``restore``: only into an empty folder, only a backup that verifies; a new epoch, the evidence back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.backup.__main__ import main
from sync.backup.create import BackupError
from sync.backup.manifest import read_manifest
from sync.backup.restore import restore_backup
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.sync.backup.stored import add_blob
from tests.sync.office import Office


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
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

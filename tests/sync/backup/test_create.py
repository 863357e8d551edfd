"""``create``: an online, consistent backup, incremental for evidence, verified as written."""

from __future__ import annotations

from pathlib import Path

from sync.backup.create import create_backup
from sync.backup.manifest import read_manifest
from sync.backup.verify import verify_backup
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.sync.backup.stored import add_blob
from tests.sync.office import Office


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

"""A voice memo is evidence like a photo: a backup copies it (its one object, no derived versions) and verifies it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.backup.create import create_backup
from sync.backup.verify import verify_backup
from sync.db.store import Store
from sync.evidence.blobs import blob_key
from sync.evidence.objects import FileObjects
from tests.audio import WEBM, ogg_opus
from tests.evidence import store_blob
from tests.sync.office import Office


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

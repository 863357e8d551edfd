"""``verify``: a changed or missing evidence file, a changed database, a file that is not a database."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from sync.backup.__main__ import main
from sync.backup.create import create_backup
from sync.backup.verify import verify_backup
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.sync.backup.stored import add_blob
from tests.sync.office import Office


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
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

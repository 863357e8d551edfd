"""Backups on PostgreSQL: ``pg_dump`` of one moment plus the evidence, verified, restored into an empty database."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from sync.backup.__main__ import main
from sync.backup.manifest import read_manifest
from sync.backup.postgresql import DUMP
from sync.clock import now_iso
from sync.db.epochs import current_epoch
from sync.db.postgresql import PostgresStore
from sync.engine.oplog import log_server_op
from sync.evidence.blobs import blob_path
from tests.pg import Databases
from tests.sync.backup.stored import add_blob
from tests.sync.office import new_office


def test_a_postgresql_backup_is_verified_and_restored_into_an_empty_database_under_a_new_epoch(
    pg_databases: Databases, hasher: PasswordHasher, tmp_path: Path
) -> None:
    cluster = pg_databases.cluster
    url = cluster.url(pg_databases.fresh())
    store = PostgresStore(url)
    data_dir = tmp_path / "data"
    store.path = str(data_dir / "xunjian.db")  # add_blob keeps evidence beside the store's path
    try:
        office = new_office(store, hasher)
        sha = add_blob(store, office, b"photo")
        office.inspect("n1", {"licence": "fail"})
        with store.transaction() as conn:
            for n in range(3):
                log_server_op(conn, f"inspection-{n}", "note", {}, {}, office.users["admin"].id, now_iso())
        before = current_epoch(store.db.conn).id
        ops = store.db.execute("SELECT seq, op_id FROM op_log ORDER BY seq").fetchall()
    finally:
        store.close()
    folder = tmp_path / "backup"
    assert main(["create", str(folder), "--data-dir", str(data_dir), "--database-url", url]) == 0
    manifest = read_manifest(folder)
    assert manifest is not None and manifest.database == DUMP and manifest.epoch == before
    assert manifest.op_log_seq == ops[-1][0]

    assert main(["restore", str(folder), "--data-dir", str(tmp_path / "new"), "--database-url", url]) == 1  # used
    target = cluster.url(cluster.create())
    assert main(["restore", str(folder), "--data-dir", str(tmp_path / "new"), "--database-url", target]) == 0
    restored = PostgresStore(target)
    try:
        epoch = current_epoch(restored.db.conn)
        assert epoch.id != before and epoch.restored_seq == manifest.op_log_seq
        assert restored.db.execute("SELECT seq, op_id FROM op_log ORDER BY seq").fetchall() == ops
        assert restored.db.execute("SELECT count(*) FROM blob WHERE sha256 = ?", [sha]).fetchone() == (1,)
        org_id = office.users["inspector"].org_id
        assert blob_path(tmp_path / "new", org_id, sha, "original").read_bytes() == b"photo"
    finally:
        restored.close()

    (folder / DUMP).write_bytes(b"not a dump")
    assert main(["verify", str(folder)]) == 1

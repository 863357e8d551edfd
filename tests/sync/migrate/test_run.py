"""``python -m sync.migrate`` on a populated SQLite data folder: every row and object copied, resumed, refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher

from sync.clock import now_iso
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.engine.oplog import log_server_op
from sync.evidence.blobs import blob_path
from sync.faults import FaultInjected, armed
from sync.migrate.__main__ import main
from sync.migrate.rows import BATCH_FAULT
from sync.migrate.run import migrate
from tests.pg import Databases
from tests.sync.backup.stored import add_blob
from tests.sync.migrate.dumps import source_dump, target_dump
from tests.sync.office import new_office


@pytest.fixture
def data_dir(tmp_path: Path, hasher: PasswordHasher) -> Path:
    """A stopped server's data folder: an office, inspections with findings, server ops, a photo, deleted ops."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = Store(folder / "xunjian.db")
    try:
        office = new_office(store, hasher)
        add_blob(store, office, b"photo one")
        add_blob(store, office, b"photo two")
        for n in range(5):
            office.inspect("n1", {"licence": "fail", "frozen_temp": -n})
        with store.transaction() as conn:
            for n in range(12):
                log_server_op(conn, f"inspection-{n}", "note", {}, {}, office.users["admin"].id, now_iso())
            conn.execute("DELETE FROM finding_event WHERE id = (SELECT max(id) FROM finding_event)")
    finally:
        store.close()
    return folder


@pytest.fixture
def empty_url(pg_databases: Databases) -> Iterator[str]:
    """A new, empty PostgreSQL database."""
    cluster = pg_databases.cluster
    name = cluster.create()
    yield cluster.url(name)
    cluster.drop(name)


def args(data_dir: Path, url: str, *more: str) -> list[str]:
    return ["--to", url, "--data-dir", str(data_dir), "--batch", "3", *more]


def test_every_row_is_copied_with_its_ids_and_the_epoch_and_sequences_go_on(
    data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args(data_dir, empty_url)) == 0
    printed = capsys.readouterr().out
    assert "校验通过 verified" in printed and "op_log" in printed
    assert target_dump(empty_url) == source_dump(data_dir / "xunjian.db", empty_url)
    with psycopg.connect(empty_url) as conn:  # analyzed: the planner knows the copied rows (-1: never)
        assert conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'inspection'").fetchone() == (5,)
    assert main(args(data_dir, empty_url)) == 0  # a re-run of a finished copy only verifies
    with psycopg.connect(empty_url) as conn:
        deleted_max = conn.execute("SELECT max(id) FROM finding_event").fetchone()
        next_id = conn.execute(
            "INSERT INTO finding_event (finding_id, kind, at, detail_json)"
            " SELECT finding_id, kind, at, detail_json FROM finding_event LIMIT 1 RETURNING id"
        ).fetchone()
    assert deleted_max is not None and next_id is not None
    assert next_id[0] == deleted_max[0] + 2  # past the id SQLite handed out and deleted: never used again


def test_an_interrupted_copy_resumes_and_equals_an_uninterrupted_one(
    data_dir: Path, empty_url: str, pg_databases: Databases
) -> None:
    with armed(f"{BATCH_FAULT}.inspection"), pytest.raises(FaultInjected):
        migrate(data_dir / "xunjian.db", empty_url, batch=3)
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("SELECT count(*) FROM inspection").fetchone() == (0,)  # the batch was rolled back
        assert conn.execute("SELECT count(*) FROM site").fetchone() == (3,)  # tables before it are kept
    assert main(args(data_dir, empty_url)) == 0
    clean = pg_databases.cluster.url(pg_databases.cluster.create())
    assert main(args(data_dir, clean)) == 0
    assert target_dump(empty_url) == target_dump(clean)


def test_a_target_with_another_deployments_data_is_refused(
    data_dir: Path, empty_url: str, pg_databases: Databases, capsys: pytest.CaptureFixture[str]
) -> None:
    used = pg_databases.cluster.url(pg_databases.fresh())  # migrated by a server: its own epoch
    assert main(args(data_dir, used)) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(args(data_dir, empty_url)) == 0
    (data_dir.parent / "other").mkdir()
    other = Store(data_dir.parent / "other" / "xunjian.db")  # another deployment (another epoch) into that copy
    other.close()
    assert main(["--to", empty_url, "--data-dir", str(data_dir.parent / "other")]) == 1
    assert "not a copy of this source" in capsys.readouterr().err


def test_a_source_in_use_is_refused(data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    running = Store(data_dir / "xunjian.db")  # as a server holds it: a writer and readers open
    try:
        assert current_epoch(running.db.conn).id
        assert main(args(data_dir, empty_url)) == 1
        assert "in use" in capsys.readouterr().err
    finally:
        running.close()
    with psycopg.connect(empty_url) as conn:  # nothing was done to the target
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_a_difference_found_by_the_check_fails_the_run(
    data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args(data_dir, empty_url)) == 0
    capsys.readouterr()
    with psycopg.connect(empty_url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    with closing(sqlite3.connect(data_dir / "xunjian.db")) as source:
        org_id, sha = source.execute("SELECT org_id, sha256 FROM blob").fetchone()
    blob_path(data_dir, org_id, sha).write_bytes(b"rotten")
    assert main(args(data_dir, empty_url)) == 1
    printed = capsys.readouterr().out
    assert "audit_event:" in printed and "not to its name" in printed and "verification failed" in printed


def test_a_source_that_applied_its_migrations_in_another_order_is_the_same_schema(
    data_dir: Path, empty_url: str
) -> None:
    with closing(sqlite3.connect(data_dir / "xunjian.db")) as source, source:
        first, second = source.execute("SELECT id FROM _sqlite_migrations ORDER BY id LIMIT 2").fetchall()
        # a store upgraded across versions: a later-numbered migration applied before an earlier one
        source.execute("UPDATE _sqlite_migrations SET id = -1 WHERE id = ?", first)
        source.execute("UPDATE _sqlite_migrations SET id = ? WHERE id = ?", [first[0], second[0]])
        source.execute("UPDATE _sqlite_migrations SET id = ? WHERE id = -1", second)
    assert main(args(data_dir, empty_url)) == 0
    assert target_dump(empty_url) == source_dump(data_dir / "xunjian.db", empty_url)


def test_a_source_of_another_schema_version_is_refused(
    data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(data_dir / "xunjian.db")) as source, source:
        source.execute("DELETE FROM _sqlite_migrations WHERE id = (SELECT max(id) FROM _sqlite_migrations)")
    assert main(args(data_dir, empty_url)) == 1
    assert "migrations applied" in capsys.readouterr().err


def test_a_source_that_is_not_a_database_is_refused_with_a_reason(
    data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("xunjian.db-wal", "xunjian.db-shm"):
        (data_dir / name).unlink(missing_ok=True)
    (data_dir / "xunjian.db").write_bytes(b"not a database, " * 512)
    assert main(args(data_dir, empty_url)) == 1
    assert "the SQLite source" in capsys.readouterr().err


def test_a_statement_the_target_refuses_is_reported_not_raised(
    data_dir: Path, empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn:  # no table, but a name the schema needs is taken
        conn.execute("CREATE TYPE site AS (id integer)")
    assert main(args(data_dir, empty_url)) == 1
    assert "PostgreSQL:" in capsys.readouterr().err

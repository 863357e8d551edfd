"""m070: blobs may be voice memos (``audio``); the SQLite table is rebuilt with every row kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from sync.db.migrations import migrations

ROW = ("o1", "a" * 64, "photo", "image/jpeg", 1000, 40, 30, "u1", "2026-12-05T01:00:00Z", '{"orientation":1}')
COLUMNS = "org_id, sha256, kind, media_type, size, width, height, uploaded_by, created_at, metadata_json"


def test_the_blob_table_takes_audio_and_keeps_its_rows(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "x.db")
    migrations.apply(db, stop_before="m070_audio_blobs")
    db.execute("INSERT INTO organisation (id, name) VALUES ('o1', '上城区')")
    db.execute(
        "INSERT INTO user (id, org_id, username, display_name, role, password_hash, created_at)"
        " VALUES ('u1', 'o1', 'inspector1', '检查员', 'inspector', 'x', '2026-01-01')"
    )
    db.execute(f"INSERT INTO blob ({COLUMNS}) VALUES ({', '.join('?' * 10)})", ROW)
    db.conn.commit()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            f"INSERT INTO blob ({COLUMNS}) VALUES ({', '.join('?' * 10)})", (*ROW[:1], "b" * 64, "audio", *ROW[3:])
        )
    migrations.apply(db)
    assert db.execute(f"SELECT {COLUMNS} FROM blob").fetchall() == [ROW]
    db.execute(f"INSERT INTO blob ({COLUMNS}) VALUES ({', '.join('?' * 10)})", (*ROW[:1], "b" * 64, "audio", *ROW[3:]))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            f"INSERT INTO blob ({COLUMNS}) VALUES ({', '.join('?' * 10)})", (*ROW[:1], "c" * 64, "video", *ROW[3:])
        )
    indexes = {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blob'")
    }
    assert "blob_created" in indexes


def test_columns_and_indexes_an_earlier_migration_added_to_blob_are_kept(tmp_path: Path) -> None:
    """Another stage (numbered before m070) may add to ``blob``: the rebuild keeps what it finds."""
    db = sqlite_utils.Database(tmp_path / "x.db")
    migrations.apply(db, stop_before="m070_audio_blobs")
    db.execute("INSERT INTO organisation (id, name) VALUES ('o1', '上城区')")
    db.execute(
        "INSERT INTO user (id, org_id, username, display_name, role, password_hash, created_at)"
        " VALUES ('u1', 'o1', 'inspector1', '检查员', 'inspector', 'x', '2026-01-01')"
    )
    db.execute("ALTER TABLE blob ADD COLUMN storage_class TEXT NOT NULL DEFAULT 'hot'")
    db.execute("CREATE INDEX blob_storage_class ON blob(org_id, storage_class)")
    db.execute(f"INSERT INTO blob ({COLUMNS}, storage_class) VALUES ({', '.join('?' * 11)})", (*ROW, "cold"))
    db.conn.commit()
    migrations.apply(db)
    assert db.execute(f"SELECT {COLUMNS}, storage_class FROM blob").fetchall() == [(*ROW, "cold")]
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blob'")}
    assert {"blob_created", "blob_storage_class"} <= indexes

"""``verify``: a backup folder checked against its manifest.

The database file hashes to the manifest's hash and passes ``PRAGMA integrity_check``; its epoch
and op-log mark are the manifest's; every listed evidence file is there and hashes to its entry
(an original to its own name); every blob the database holds has its original listed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.backup.manifest import BLOBS, DATABASE, Manifest, file_sha256, is_original, read_manifest
from sync.backup.postgresql import DUMP, check_dump
from sync.db.epochs import current_epoch


def verify_backup(folder: Path) -> list[str]:
    """What is wrong with the backup in ``folder`` (an empty list: nothing)."""
    manifest = read_manifest(folder)
    if manifest is None:
        return [f"no manifest in {folder}"]
    database = folder / manifest.database
    if manifest.database not in (DATABASE, DUMP) or not database.is_file():
        return [f"no database file {manifest.database}"]
    wrong = []
    if file_sha256(database) != manifest.database_sha256:
        wrong.append(f"{manifest.database} does not hash to the manifest's database_sha256")
    if manifest.database == DUMP:  # a PostgreSQL dump: its table of contents read back (the rest on restoring)
        return wrong + check_dump(database) + _check_blobs(folder, manifest)
    try:
        wrong += _check_database(database, manifest)
    except sqlite3.DatabaseError as exc:  # not a database at all, or damaged beyond reading
        wrong.append(f"{DATABASE}: {exc}")
    wrong += _check_blobs(folder, manifest)
    return wrong


def _check_database(database: Path, manifest: Manifest) -> list[str]:
    """The database's integrity, epoch and op-log mark; every blob row with its original listed."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        checked = conn.execute("PRAGMA integrity_check").fetchall()
        if checked != [("ok",)]:
            return [f"integrity_check: {row[0]}" for row in checked[:20]]
        wrong = []
        if current_epoch(conn).id != manifest.epoch:
            wrong.append("the database's epoch is not the manifest's")
        if int(conn.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()[0]) != manifest.op_log_seq:
            wrong.append("the database's op-log mark is not the manifest's")
        listed = {Path(b.path).name for b in manifest.blobs if is_original(b.path)}
        for org_id, sha in conn.execute("SELECT org_id, sha256 FROM blob ORDER BY org_id, sha256"):
            if sha not in listed:
                wrong.append(f"blob {org_id}/{sha} is in the database but not in the backup")
        return wrong
    finally:
        conn.close()


def _check_blobs(folder: Path, manifest: Manifest) -> list[str]:
    """Every listed evidence file is there, inside ``blobs/``, and hashes to its entry (an original to its name)."""
    wrong = []
    for blob in manifest.blobs:
        path = folder / blob.path
        if not blob.path.startswith(f"{BLOBS}/") or ".." in Path(blob.path).parts:
            wrong.append(f"{blob.path}: not a path inside {BLOBS}/")
        elif not path.is_file():
            wrong.append(f"{blob.path}: missing")
        elif (actual := file_sha256(path)) != blob.sha256 or (is_original(blob.path) and actual != path.name):
            wrong.append(f"{blob.path}: hashes to {actual}, not to its name or its manifest entry")
    return wrong

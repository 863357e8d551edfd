"""``create``: an online, consistent backup of a data folder, while the server runs.

The database is copied with SQLite's online backup API (a snapshot of one moment, the WAL
included; the server keeps writing meanwhile), checked (``PRAGMA integrity_check``) and
hashed; its epoch and op-log mark are read from the copy. Then the evidence: every blob row of
the snapshot has its objects already (a blob's objects are placed before its row commits), in
the data folder or in the object store (``--blob-store``, :mod:`sync.evidence.objects`). Files
already in the backup folder are not copied again (content-addressed: a name never changes its
bytes); each object copied is hashed as it is read and again as written, and compared with its
name (an original) or with the bytes read (a variant). The manifest is written last, so a backup interrupted
half-way keeps the previous manifest, which still describes a whole backup (its database file
is replaced only once the new one is complete).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from sync.backup.manifest import (
    BLOBS,
    DATABASE,
    BlobFile,
    Manifest,
    file_sha256,
    is_original,
    read_manifest,
    write_manifest,
)
from sync.backup.postgresql import DUMP, DumpError, dump_database
from sync.clock import now_iso
from sync.db.epochs import current_epoch
from sync.evidence.objects import BlobStore, FileObjects


class BackupError(Exception):
    """A backup or restore that cannot be made or trusted; the message says why."""


def create_backup(data_dir: Path, folder: Path, objects: BlobStore | None = None, database_url: str = "") -> Manifest:
    """Back up ``data_dir``'s ``xunjian.db`` (or the PostgreSQL database at ``database_url``) and the evidence.

    The evidence is ``blobs/`` of ``objects`` when given (an object store), else of the data folder.
    """
    name = DUMP if database_url else DATABASE
    source = data_dir / DATABASE
    if not database_url and not source.is_file():
        raise BackupError(f"no database at {source}")
    folder.mkdir(parents=True, exist_ok=True)
    created_at = now_iso()
    snapshot = folder / f".{name}.tmp"
    try:
        epoch, op_log_seq = dump_database(database_url, snapshot) if database_url else _snapshot(source, snapshot)
    except DumpError as exc:
        raise BackupError(str(exc)) from exc
    database_sha = file_sha256(snapshot)
    size = snapshot.stat().st_size
    previous = read_manifest(folder)
    known = {b.path: b for b in previous.blobs} if previous else {}
    blobs = copy_blobs(FileObjects(data_dir) if objects is None else objects, folder, known)
    snapshot.replace(folder / name)
    manifest = Manifest(created_at, database_sha, size, epoch, op_log_seq, blobs, database=name)
    write_manifest(folder, manifest)
    return manifest


def _snapshot(source: Path, target: Path) -> tuple[str, int]:
    """Copy the database at ``source`` into ``target`` at one moment; check it; its epoch and op-log mark."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # in one step: one moment's snapshot (writers go on meanwhile, in WAL mode)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        checked = dst.execute("PRAGMA integrity_check").fetchall()
        if checked != [("ok",)]:
            raise BackupError(f"the copied database fails its integrity check: {checked[:5]}")
        epoch = current_epoch(dst).id
        seq = int(dst.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()[0])
    finally:
        dst.close()
        src.close()
    with target.open("rb") as f:
        os.fsync(f.fileno())
    return epoch, seq


def copy_blobs(objects: BlobStore, folder: Path, known: dict[str, BlobFile]) -> list[BlobFile]:
    """Copy the evidence objects under ``blobs/`` that ``folder`` lacks, each verified; all of them, listed."""
    listed: list[BlobFile] = []
    for item in objects.listing(f"{BLOBS}/"):
        name = item.key.rpartition("/")[2]
        if name.startswith(".") or name.endswith(".partial"):
            continue
        target = folder / item.key
        if target.is_file():
            held = known.get(item.key)
            listed.append(held if held is not None else BlobFile(item.key, file_sha256(target), target.stat().st_size))
            continue
        listed.append(copy_object(objects, item.key, target))
    return listed


def copy_object(objects: BlobStore, key: str, target: Path) -> BlobFile:
    """Copy one object into ``target`` (a temporary name, synced, renamed), hashed as read and as written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    read = hashlib.sha256()
    with temporary.open("wb") as file:
        for block in objects.read(key):
            read.update(block)
            file.write(block)
        file.flush()
        os.fsync(file.fileno())
    copied = file_sha256(temporary)
    expected = target.name if is_original(key) else read.hexdigest()
    if copied != expected or read.hexdigest() != expected:
        temporary.unlink(missing_ok=True)
        raise BackupError(
            f"{key}: the object hashes to {read.hexdigest()} and its copy to {copied}, expected {expected}"
        )
    temporary.replace(target)
    return BlobFile(key, copied, target.stat().st_size)


def copy_verified(source: Path, target: Path, relative: str) -> BlobFile:
    """Copy one file (to a temporary name, synced, renamed) and check the copy's hash against the source."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, temporary)
    with temporary.open("rb") as f:
        os.fsync(f.fileno())
    copied = file_sha256(temporary)
    expected = source.name if is_original(relative) else file_sha256(source)
    if copied != expected:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"{relative}: the copy hashes to {copied}, expected {expected}")
    temporary.replace(target)
    return BlobFile(relative, copied, target.stat().st_size)

"""``restore``: a verified backup into a new, empty data folder, under a new epoch.

The backup is verified first (a backup that fails is not restored). The database and the
evidence files are copied (the evidence into the data folder, or into an object store given as
``--blob-store``), each checked as written (an object read back and hashed); the database is opened as the
server opens it (migrated, if the backup is older than the code); then, in one transaction,
uploads in progress are forgotten (their bytes were never in a backup: devices upload them
again) and a new epoch is set, noting the backup's time and op-log mark (:mod:`sync.db.epochs`).
Devices that synced after the backup see the new epoch and recover (see the module there).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sync.backup.create import BackupError, copy_verified
from sync.backup.manifest import DATABASE, Manifest, read_manifest
from sync.backup.postgresql import DUMP, DumpError, restore_dump
from sync.backup.verify import verify_backup
from sync.clock import now_iso
from sync.db.epochs import start_epoch
from sync.db.open import open_store
from sync.evidence.objects import BlobStore


def restore_backup(
    folder: Path, data_dir: Path, objects: BlobStore | None = None, database_url: str = ""
) -> tuple[Manifest, str]:
    """Restore the backup in ``folder`` into ``data_dir`` (absent or empty); its manifest and the new epoch.

    The evidence goes into ``data_dir`` too, or into ``objects`` when given (an object store). A PostgreSQL
    backup is restored into the empty database at ``database_url``.
    """
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"{data_dir} is not empty: restore into a new folder, then point the server at it")
    wrong = verify_backup(folder)
    manifest = read_manifest(folder)
    if wrong or manifest is None:
        raise BackupError("the backup does not verify: " + "; ".join(wrong[:10]))
    if (manifest.database == DUMP) != bool(database_url):
        raise BackupError("a PostgreSQL backup is restored with --database-url, a SQLite one without")
    data_dir.mkdir(parents=True, exist_ok=True)
    if database_url:
        try:
            restore_dump(folder / DUMP, database_url)
        except DumpError as exc:
            raise BackupError(str(exc)) from exc
    else:
        copy_verified(folder / DATABASE, data_dir / DATABASE, DATABASE)
    for blob in manifest.blobs:
        if objects is None:
            copied = copy_verified(folder / blob.path, data_dir / blob.path, blob.path).sha256
        else:
            objects.put_file(blob.path, folder / blob.path)
            digest = hashlib.sha256()
            for block in objects.read(blob.path):
                digest.update(block)
            copied = digest.hexdigest()
        if copied != blob.sha256:
            raise BackupError(f"{blob.path}: restored bytes hash to {copied}, not {blob.sha256}")
    epoch = uuid.uuid4().hex
    store = open_store(database_url, data_dir)
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM upload WHERE completed_at IS NULL")
            start_epoch(conn, epoch, manifest.created_at, manifest.op_log_seq, now_iso())
    finally:
        store.close()
    return manifest, epoch

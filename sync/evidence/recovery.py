"""Recovery of uploads after a crash: a resume that finds a half-finished upload, and start-up reconciliation.

:func:`sync.evidence.uploads.finish_upload` places the blob's files, then commits the blob's
row with the upload's completion, then removes the upload's file. A crash can stop it
between any two steps (and servers before it moved the upload's file into the blob store
before the commit). What each crash leaves, and what finishes it:

- an unfinished upload whose file is whole: :func:`open_upload` (the client's ``HEAD`` or
  ``PATCH``) or :func:`reconcile` (start-up) finishes it;
- an unfinished upload whose file is gone, but whose blob is recorded: it is completed;
  whose blob file is there without a row and hashes right: the file is adopted (linked back
  as the upload's bytes) and the upload finished; otherwise it starts again at offset 0;
- a completed upload whose file is still there, or an upload file without a row: removed;
- blob files without a row (a finish that failed, a crash): removed by :func:`sweep_blob_files`,
  beside the server after start-up, once older than the grace period (``XUNJIAN_BLOB_GRACE_S``)
  and only when no unfinished upload claims them, so nothing a finish in flight placed is touched.

In an object store (:mod:`sync.evidence.parts`) the same holds with "file" read as "objects": an
upload's chunks stay until its completion commits; chunk objects of a completed or unknown upload
are removed at start-up, and blob objects without a row by the sweep.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from itertools import groupby
from pathlib import Path

import msgspec
from msgspec import Struct

from sync.clock import now_iso
from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import DomainError
from sync.evidence.blobs import SHA256, blob_path, get_blob
from sync.evidence.objects import BlobStore, Listed
from sync.evidence.parts import forget_parts, stray_part_uploads
from sync.evidence.uploads import (
    _COLUMNS,
    Upload,
    finish_upload,
    get_upload,
    purge_expired,
    upload_offset,
    upload_path,
)
from sync.org.accounts import User


class Reconciled(Struct):
    """What start-up reconciliation did."""

    finished: int = 0  # unfinished uploads whose bytes were whole (or adopted), now blobs
    completed: int = 0  # unfinished uploads whose blob was recorded already
    restarted: int = 0  # unfinished uploads whose file was gone: they resume at offset 0
    refused: int = 0  # whole uploads that failed their check (hash, image): removed
    files_removed: int = 0  # upload files without a row or of completed uploads, orphan blob files


def open_upload(store: Store, objects: BlobStore, user: User, upload_id: str) -> Upload:
    """The user's upload (as :func:`get_upload`), made whole after any crash: finished when all its bytes are in."""
    upload = recover_upload(store, objects, get_upload(store, objects, user, upload_id))
    if upload.completed_at is None and upload_offset(objects, upload) == upload.length:
        finish_upload(store, objects, upload)
        upload = get_upload(store, objects, user, upload_id)
    return upload


def recover_upload(store: Store, objects: BlobStore, upload: Upload) -> Upload:
    """An unfinished upload whose bytes are gone: completed, adopted from its blob file, or restarted empty.

    In an object store an upload's chunks are gone only once its completion committed, or with
    its row: only an upload whose blob is recorded is completed here.
    """
    if upload.completed_at is not None:
        return upload
    root = objects.root
    if root is not None and upload_path(root, upload.id).exists():
        return upload
    if get_blob(store, upload.org_id, upload.sha256) is not None:
        completed = now_iso()
        with store.transaction() as conn:
            conn.execute("UPDATE upload SET completed_at = ? WHERE id = ?", [completed, upload.id])
        return msgspec.structs.replace(upload, completed_at=completed)
    if root is None:
        return upload
    path = upload_path(root, upload.id)
    original = blob_path(root, upload.org_id, upload.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _size(original) == upload.length and _sha256(original) == upload.sha256:
        try:
            os.link(original, path)
        except OSError:
            shutil.copyfile(original, path)
    else:
        path.touch()
    return upload


def reconcile(store: Store, objects: BlobStore, *, grace_s: float, now: float | None = None) -> Reconciled:
    """Start-up, before serving: finish, complete or restart every unfinished upload, remove upload files nothing needs.

    Blob files without a row are left to :func:`sweep_blob_files`, which reads the whole blob
    store and so runs beside the server rather than before it.
    """
    at = time.time() if now is None else now
    done = Reconciled()
    purge_expired(store, objects, now=at)
    unfinished = rows_as(store.db.execute(f"SELECT {_COLUMNS} FROM upload WHERE completed_at IS NULL"), Upload)
    for upload in unfinished:
        _reconcile_upload(store, objects, upload, done)
    done.files_removed += _remove_stray_upload_files(store, objects)
    return done


def _reconcile_upload(store: Store, objects: BlobStore, upload: Upload, done: Reconciled) -> None:
    had_file = objects.root is None or upload_path(objects.root, upload.id).exists()
    recovered = recover_upload(store, objects, upload)
    if recovered.completed_at is not None:
        done.completed += 1
        return
    if upload_offset(objects, recovered) != upload.length:
        done.restarted += 0 if had_file else 1
        return
    try:
        finish_upload(store, objects, recovered)
    except DomainError:
        done.refused += 1
        return
    done.finished += 1


def _remove_stray_upload_files(store: Store, objects: BlobStore) -> int:
    """Upload files (or chunk objects) of completed uploads (a crash after the commit) or without a row."""
    unfinished = {r[0] for r in store.db.execute("SELECT id FROM upload WHERE completed_at IS NULL")}
    if objects.root is None:
        return sum(forget_parts(objects, upload_id) for upload_id in stray_part_uploads(objects, unfinished))
    folder = objects.root / "uploads"
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.name not in unfinished:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep_blob_files(
    store: Store,
    objects: BlobStore,
    *,
    grace_s: float,
    now: float | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Remove blob objects (original, versions, partial files) that have no row and are older than ``grace_s``.

    Safe beside the server: an object is removed only inside a write transaction that finds
    neither the blob's row nor an unfinished upload of its hash, and a finish places its
    objects while its upload is unfinished and records the row as it completes it. Stops early
    when ``stop`` is set; returns how many objects went.
    """
    cutoff = (time.time() if now is None else now) - grace_s
    removed = 0
    for folder, listed in groupby(objects.listing("blobs/"), key=lambda item: item.key.rpartition("/")[0]):
        if stop is not None and stop.is_set():
            return removed
        org_id = folder.split("/")[1] if folder.count("/") == 2 else ""
        if not org_id:
            continue
        items = list(listed)
        held = _held(store, org_id, {_name(item)[:64] for item in items})
        for item in items:
            if _name(item)[:64] not in held and item.modified < cutoff:
                removed += _remove_unclaimed(store, objects, org_id, item.key)
    return removed


def _name(item: Listed) -> str:
    return item.key.rpartition("/")[2]


def _remove_unclaimed(store: Store, objects: BlobStore, org_id: str, key: str) -> int:
    sha256 = key.rpartition("/")[2][:64]
    with store.transaction() as conn:
        claimed = conn.execute(
            "SELECT 1 FROM blob WHERE org_id = ? AND sha256 = ?"
            " UNION ALL SELECT 1 FROM upload WHERE org_id = ? AND sha256 = ? AND completed_at IS NULL",
            [org_id, sha256, org_id, sha256],
        ).fetchone()
        if claimed:
            return 0
        objects.delete(key)
        return 1


def _held(store: Store, org_id: str, hashes: set[str]) -> set[str]:
    wanted, held = sorted(h for h in hashes if SHA256.match(h)), set[str]()
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        marks = ", ".join("?" * len(batch))
        rows = store.db.execute(f"SELECT sha256 FROM blob WHERE org_id = ? AND sha256 IN ({marks})", [org_id, *batch])
        held.update(r[0] for r in rows)
    return held


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()

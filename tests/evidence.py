"""Helpers for the evidence tests: storing a blob through an upload, referencing it from an inspection."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sync.clock import new_id, now_iso
from sync.db.store import Store
from sync.evidence import uploads
from sync.evidence.blobs import Blob
from sync.evidence.uploads import ChunkWriter, Upload, UploadLimits
from sync.org.accounts import User


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start(
    store: Store,
    root: Path,
    user: User,
    data: bytes,
    *,
    kind: str = "photo",
    media_type: str = "image/jpeg",
    digest: str | None = None,
    now: float | None = None,
) -> Upload | Blob:
    return uploads.create_upload(
        store,
        root,
        user,
        sha256=digest or sha256(data),
        length=len(data),
        media_type=media_type,
        kind=kind,
        filename="IMG_0001.jpg",
        limits=UploadLimits(),
        now=now,
    )


def store_blob(
    store: Store, root: Path, user: User, data: bytes, *, kind: str = "photo", media_type: str = "image/jpeg"
) -> Blob:
    """Upload ``data`` in one chunk and finish it, as the server does."""
    upload = start(store, root, user, data, kind=kind, media_type=media_type)
    if isinstance(upload, Blob):
        return upload
    writer = ChunkWriter(root, upload, 0, announced=len(data), checksum=None)
    writer.write(data)
    assert writer.finish() == len(data)
    return uploads.finish_upload(store, root, upload)


def reference(store: Store, org_id: str, digest: str, site_id: str, inspector_id: str, path: str = "/p1") -> str:
    """What the sync engine does when an answer names a photo: a minimal inspection and an evidence_ref."""
    inspection_id = new_id()
    stamp = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO inspection (id, org_id, site_id, checklist_id, version, inspector_id, status, created_at,"
            " updated_at, created_seq, updated_seq, state_json) VALUES (?, ?, ?, 'market_order', 1, ?, 'draft',"
            " ?, ?, 0, 0, '{}')",
            [inspection_id, org_id, site_id, inspector_id, stamp, stamp],
        )
        conn.execute(
            "INSERT INTO evidence_ref (org_id, sha256, inspection_id, site_id, path, kind) VALUES (?, ?, ?, ?, ?, ?)",
            [org_id, digest, inspection_id, site_id, path, "photo"],
        )
    return inspection_id

"""Evidence stored as the server stores it, for the backup tests: files under ``blobs/`` and their rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sync.clock import now_iso
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.sync.office import Office


def add_blob(store: Store, office: Office, data: bytes) -> str:
    """A stored photo: its original and a derived variant on disk, its row in the database."""
    sha = hashlib.sha256(data).hexdigest()
    root = Path(store.path).parent
    org_id, user_id = office.users["inspector"].org_id, office.users["inspector"].id
    for variant, content in (("original", data), ("thumb", data[:5])):
        path = blob_path(root, org_id, sha, variant)  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO blob (org_id, sha256, kind, media_type, size, uploaded_by, created_at, metadata_json)"
            " VALUES (?, ?, 'photo', 'image/jpeg', ?, ?, ?, '{}')",
            [org_id, sha, len(data), user_id, now_iso()],
        )
    return sha

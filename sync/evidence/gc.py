"""Garbage collection of evidence: blobs no inspection references, once a grace period has passed.

A photo may arrive before the answer that names it is pushed, so a blob is only garbage
when nothing references it *and* it is older than the grace period (seven days by
default). ``python -m sync.evidence.gc --data-dir data --dry-run`` lists what would go; with
``--blob-store s3://…`` the objects go from the object store the server uses (``XUNJIAN_BLOB_STORE``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from msgspec import Struct

from sync.clock import iso_from_epoch
from sync.db.named import rows_as
from sync.db.store import Store, open_store
from sync.evidence.blobs import remove_blob_files
from sync.evidence.objects import BlobStore
from sync.evidence.store_url import open_blob_store

DEFAULT_GRACE_S = 7 * 24 * 3600

# referenced: by an inspection's answers, as a finding's fix or verification photo, or as the camera
# original of a photo (whose custody record goes with that photo)
_UNREFERENCED = (
    "NOT EXISTS (SELECT 1 FROM evidence_ref r WHERE r.org_id = blob.org_id AND r.sha256 = blob.sha256)"
    " AND NOT EXISTS (SELECT 1 FROM finding_photo p WHERE p.org_id = blob.org_id AND p.sha256 = blob.sha256)"
    " AND NOT EXISTS (SELECT 1 FROM photo_custody c WHERE c.org_id = blob.org_id AND c.capture_sha256 = blob.sha256)"
)


class Garbage(Struct, frozen=True):
    """One unreferenced blob past its grace period."""

    org_id: str
    sha256: str
    size: int
    created_at: str


def find_garbage(store: Store, *, grace_s: float = DEFAULT_GRACE_S, now: float | None = None) -> list[Garbage]:
    """Blobs that no evidence reference names and that were stored more than ``grace_s`` ago."""
    cutoff = iso_from_epoch((time.time() if now is None else now) - grace_s)
    rows = store.db.execute(
        f"SELECT org_id, sha256, size, created_at FROM blob WHERE created_at < ? AND {_UNREFERENCED}"
        " ORDER BY created_at, org_id, sha256",
        [cutoff],
    )
    return rows_as(rows, Garbage)


def collect_garbage(
    store: Store,
    objects: BlobStore,
    *,
    grace_s: float = DEFAULT_GRACE_S,
    now: float | None = None,
    dry_run: bool = False,
) -> list[Garbage]:
    """Delete unreferenced blobs past the grace period, rows and objects; returns what went.

    With ``dry_run`` nothing is deleted and the list says what would go. Each blob is
    deleted in its own transaction that checks again that nothing references it, so a
    reference added meanwhile keeps it.
    """
    found = find_garbage(store, grace_s=grace_s, now=now)
    if dry_run:
        return found
    removed = []
    for item in found:
        with store.transaction() as conn:
            deleted = conn.execute(
                f"DELETE FROM blob WHERE org_id = ? AND sha256 = ? AND {_UNREFERENCED}", [item.org_id, item.sha256]
            ).rowcount
            if deleted:
                conn.execute("DELETE FROM blob_holder WHERE org_id = ? AND sha256 = ?", [item.org_id, item.sha256])
                conn.execute("DELETE FROM photo_custody WHERE org_id = ? AND sha256 = ?", [item.org_id, item.sha256])
                remove_blob_files(objects, item.org_id, item.sha256)
                removed.append(item)
    return removed


def main(argv: list[str]) -> int:
    """``python -m sync.evidence.gc``: list, or remove, the blobs past their grace period."""
    parser = argparse.ArgumentParser(
        prog="python -m sync.evidence.gc", description="remove unreferenced evidence blobs"
    )
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="the server's data folder")
    parser.add_argument("--grace-s", type=float, default=DEFAULT_GRACE_S, help="keep blobs younger than this")
    parser.add_argument(
        "--blob-store", default="file:", help="the evidence store (XUNJIAN_BLOB_STORE), file: or s3://…"
    )
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed; remove nothing")
    args = parser.parse_args(argv)
    store = open_store(args.data_dir)
    try:
        objects = open_blob_store(args.blob_store, args.data_dir)
        items = collect_garbage(store, objects, grace_s=args.grace_s, dry_run=args.dry_run)
    finally:
        store.close()
    for item in items:
        print(f"{item.org_id} {item.sha256} {item.size} {item.created_at}")
    verb = "would remove" if args.dry_run else "removed"
    print(f"{verb} {len(items)} blob(s), {sum(i.size for i in items)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Evidence blobs: content-addressed by SHA-256 within one organisation, and who may read them.

Files live under ``<root>/blobs/<org_id>/<first two hex>/<sha256>``, with a photo's
derived versions beside the original (``<sha256>.display.jpg``, ``<sha256>.thumb.jpg``).
There is no dedupe across organisations: it would tell one organisation whether another
holds a photo. A row in ``blob`` exists only for a complete, verified blob.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec
from msgspec import Struct

from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import Forbidden, NotFound
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope

Kind = Literal["photo", "signature"]
Variant = Literal["original", "display", "thumb"]
BlobState = Literal["ready", "awaiting"]
KINDS: tuple[Kind, ...] = ("photo", "signature")
VARIANTS: tuple[Variant, ...] = ("original", "display", "thumb")
SHA256 = re.compile(r"^[0-9a-f]{64}$")

# the blob table's columns, named as Blob's fields but for ``metadata``, held as JSON in ``metadata_json``
_COLUMNS = ("sha256", "kind", "media_type", "size", "width", "height", "uploaded_by", "created_at")
_SELECT = f"SELECT {', '.join(_COLUMNS)}, metadata_json AS metadata FROM blob"
_INSERT = (
    f"INSERT OR IGNORE INTO blob (org_id, {', '.join(_COLUMNS)}, metadata_json)"
    f" VALUES (:org_id, {', '.join(f':{name}' for name in _COLUMNS)}, :metadata_json)"
)


class Blob(Struct, frozen=True):
    """One stored blob of an organisation; ``metadata`` holds what the photo pipeline read."""

    sha256: str
    kind: Kind
    media_type: str
    size: int
    width: int | None
    height: int | None
    uploaded_by: str
    created_at: str
    metadata: dict[str, Any]


def blob_path(root: Path, org_id: str, sha256: str, variant: Variant = "original") -> Path:
    """Where one variant of a blob is kept; a signature has only its original."""
    folder = root / "blobs" / org_id / sha256[:2]
    return folder / (sha256 if variant == "original" else f"{sha256}.{variant}.jpg")


def blob_states(store: Store, org_id: str, hashes: Iterable[str]) -> dict[str, BlobState]:
    """For each hash, ``ready`` if the organisation holds that blob, else ``awaiting``.

    An answer may name a photo before its bytes arrive; this says which have arrived.
    """
    wanted = list(dict.fromkeys(hashes))
    ready: set[str] = set()
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        marks = ", ".join("?" * len(batch))
        rows = store.db.execute(f"SELECT sha256 FROM blob WHERE org_id = ? AND sha256 IN ({marks})", [org_id, *batch])
        ready.update(r[0] for r in rows)
    return {h: "ready" if h in ready else "awaiting" for h in wanted}


def missing_hashes(store: Store, org_id: str, hashes: Iterable[str]) -> list[str]:
    """The hashes the organisation does not hold yet, in the order asked, without repeats."""
    return [h for h, state in blob_states(store, org_id, hashes).items() if state == "awaiting"]


def get_blob(store: Store, org_id: str, sha256: str) -> Blob | None:
    """The organisation's blob with this hash, if stored."""
    found = rows_as(
        store.db.execute(f"{_SELECT} WHERE org_id = ? AND sha256 = ?", [org_id, sha256]), Blob, json=("metadata",)
    )
    return found[0] if found else None


def place_blob_files(
    root: Path, org_id: str, sha256: str, source: Path, derived: Mapping[Variant, bytes] | None = None
) -> None:
    """Put a verified blob's files in the store, before its row is recorded; ``source`` stays where it is.

    The original is linked (or copied, across file systems) from ``source``, and a photo's
    ``derived`` display and thumbnail versions written beside it; each goes in under a
    temporary name, is made durable, then renamed, so a crash leaves whole files or none.
    Placing the same blob again replaces them with the same bytes. Files without a row are
    what start-up reconciliation (``sync.evidence.recovery``) finishes or removes.
    """
    target = blob_path(root, org_id, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    for variant, data in (derived or {}).items():
        partial = target.with_name(f"{sha256}.{variant}.partial")
        with partial.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, blob_path(root, org_id, sha256, variant))
    if target.exists() and os.path.samefile(source, target):  # placed before a crash: the same file, linked
        return
    partial = target.with_name(f"{sha256}.partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:  # another file system, or no hard links: copy
        shutil.copyfile(source, partial)
        with partial.open("rb") as file:
            os.fsync(file.fileno())
    os.replace(partial, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def record_blob(conn: sqlite3.Connection, org_id: str, blob: Blob) -> bool:
    """Inside a transaction: record a blob whose files are placed; ``False`` if the organisation holds it already."""
    params = msgspec.structs.asdict(blob)
    params["org_id"], params["metadata_json"] = org_id, msgspec.json.encode(blob.metadata).decode()
    return bool(conn.execute(_INSERT, params).rowcount)


def remove_blob_files(root: Path, org_id: str, sha256: str) -> None:
    """Delete a blob's files (original and derived versions), whichever exist."""
    for variant in VARIANTS:
        blob_path(root, org_id, sha256, variant).unlink(missing_ok=True)


def may_read_original(user: User, blob: Blob) -> bool:
    """Whether ``user`` may fetch the original: its uploader, admins and supervisors may.

    The original keeps the camera's EXIF (GPS included); other inspectors get the display and
    thumbnail versions. A signature has no separate versions, so anyone who may read it reads the original.
    """
    return blob.kind == "signature" or user.id == blob.uploaded_by or user.role in ("admin", "supervisor")


def readable_blob(store: Store, user: User, sha256: str, variant: Variant = "original") -> Blob:
    """The blob, if ``user`` may read this variant of it.

    A user may read a blob of their own organisation that they uploaded, or that an
    inspection at a site in their scope references. Otherwise :class:`NotFound`, worded
    the same whether or not the blob exists, so nobody can probe for hashes. An inspector
    who may read a photo but not its original gets :class:`Forbidden` for the original.
    """
    blob = get_blob(store, user.org_id, sha256) if SHA256.match(sha256) else None
    if blob is None or not _in_reach(store, user, blob):
        raise NotFound(f"no blob {sha256[:64]!r} that you may read")
    if variant == "original" and not may_read_original(user, blob):
        raise Forbidden("inspectors other than the uploader get the display or thumb version of a photo")
    return blob


def _in_reach(store: Store, user: User, blob: Blob) -> bool:
    if blob.uploaded_by == user.id:
        return True
    sites = {
        r[0]
        for r in store.db.execute(
            "SELECT site_id FROM evidence_ref WHERE org_id = ? AND sha256 = ?"
            " UNION SELECT site_id FROM finding_photo WHERE org_id = ? AND sha256 = ?",
            [user.org_id, blob.sha256, user.org_id, blob.sha256],
        )
    }
    return bool(sites) and not sites.isdisjoint(site_ids_in_scope(store, user))

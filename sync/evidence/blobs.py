"""Evidence blobs: content-addressed by SHA-256 within one organisation, and who may read them.

Objects are kept under ``blobs/<org_id>/<first two hex>/<sha256>`` in the evidence store (a folder
or a bucket: :mod:`sync.evidence.objects`), with a photo's derived versions beside the original
(``<sha256>.display.jpg``, ``<sha256>.thumb.jpg``).
There is no dedupe across organisations: it would tell one organisation whether another
holds a photo. A row in ``blob`` exists only for a complete, verified blob.

Knowing a hash proves nothing: a user may read a blob only if they hold it (they uploaded its
bytes: ``blob_holder``, one row per uploader, the bytes stored once) or an inspection or a
finding in their scope references it through a reference added by a holder (``added_by``).
For anyone else the blob is missing, exactly as if the organisation did not have it: they
upload the bytes to prove they have them, and may attach it meanwhile, which reveals nothing
and lets nobody read it until its adder holds it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec
from msgspec import Struct

from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import Forbidden, NotFound
from sync.evidence.objects import BlobStore
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope

Kind = Literal["photo", "signature", "audio"]
Variant = Literal["original", "display", "thumb"]
BlobState = Literal["ready", "awaiting"]
KINDS: tuple[Kind, ...] = ("photo", "signature", "audio")
VARIANTS: tuple[Variant, ...] = ("original", "display", "thumb")
SHA256 = re.compile(r"^[0-9a-f]{64}$")

# the blob table's columns, named as Blob's fields but for ``metadata``, held as JSON in ``metadata_json``
_COLUMNS = ("sha256", "kind", "media_type", "size", "width", "height", "uploaded_by", "created_at")
_SELECT = f"SELECT {', '.join(_COLUMNS)}, metadata_json AS metadata FROM blob"
_INSERT = (
    f"INSERT INTO blob (org_id, {', '.join(_COLUMNS)}, metadata_json)"
    f" VALUES (:org_id, {', '.join(f':{name}' for name in _COLUMNS)}, :metadata_json) ON CONFLICT DO NOTHING"
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


def blob_key(org_id: str, sha256: str, variant: Variant = "original") -> str:
    """The key of one variant of a blob in the evidence store; a signature or voice memo has only its original."""
    return f"blobs/{org_id}/{sha256[:2]}/{sha256 if variant == 'original' else f'{sha256}.{variant}.jpg'}"


def blob_path(root: Path, org_id: str, sha256: str, variant: Variant = "original") -> Path:
    """Where one variant of a blob is kept in a local (``file:``) store under ``root``."""
    return root / blob_key(org_id, sha256, variant)


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


def missing_hashes(store: Store, user: User, hashes: Iterable[str]) -> list[str]:
    """The hashes ``user`` cannot read, in the order asked, without repeats: for them, the blob is missing.

    Whether the organisation holds a blob the user may not read is not told: they upload
    its bytes to prove they have them.
    """
    wanted = list(dict.fromkeys(hashes))
    readable = readable_hashes(store, user, wanted)
    return [h for h in wanted if h not in readable]


def readable_hashes(store: Store, user: User, hashes: Iterable[str]) -> set[str]:
    """Which of these stored blobs ``user`` may read: held by them, or referenced in scope by a holder."""
    wanted = list(dict.fromkeys(hashes))
    readable: set[str] = set()
    referenced: dict[str, set[str]] = {}
    for start in range(0, len(wanted), 400):
        batch = wanted[start : start + 400]
        marks = ", ".join("?" * len(batch))
        readable.update(
            r[0]
            for r in store.db.execute(
                f"SELECT sha256 FROM blob_holder WHERE org_id = ? AND user_id = ? AND sha256 IN ({marks})",
                [user.org_id, user.id, *batch],
            )
        )
        for sha, site_id in store.db.execute(_VOUCHED.format(marks=marks), [user.org_id, *batch] * 2):
            referenced.setdefault(sha, set()).add(site_id)
    if referenced.keys() - readable:
        scope = site_ids_in_scope(store, user)
        readable.update(sha for sha, sites in referenced.items() if not sites.isdisjoint(scope))
    return readable


# the sites of references to these blobs added by one who holds the blob
_VOUCHED = " UNION ".join(
    f"SELECT r.sha256, r.site_id FROM {table} r WHERE r.org_id = ? AND r.sha256 IN ({{marks}}) AND EXISTS"
    " (SELECT 1 FROM blob_holder h WHERE h.org_id = r.org_id AND h.sha256 = r.sha256 AND h.user_id = r.added_by)"
    for table in ("evidence_ref", "finding_photo")
)


def holds(store: Store, user: User, sha256: str) -> bool:
    """Whether ``user`` uploaded this blob's bytes themselves."""
    found = store.db.execute(
        "SELECT 1 FROM blob_holder WHERE org_id = ? AND sha256 = ? AND user_id = ?", [user.org_id, sha256, user.id]
    )
    return found.fetchone() is not None


def get_blob(store: Store, org_id: str, sha256: str) -> Blob | None:
    """The organisation's blob with this hash, if stored."""
    found = rows_as(
        store.db.execute(f"{_SELECT} WHERE org_id = ? AND sha256 = ?", [org_id, sha256]), Blob, json=("metadata",)
    )
    return found[0] if found else None


def place_blob_files(
    objects: BlobStore, org_id: str, sha256: str, source: Path, derived: Mapping[Variant, bytes] | None = None
) -> None:
    """Put a verified blob's objects in the store, before its row is recorded; ``source`` stays where it is.

    The original is stored from ``source`` (linked in a folder, uploaded to an object store), and a
    photo's ``derived`` display and thumbnail versions beside it; each is durable and whole when
    written (:mod:`sync.evidence.objects`), the versions first. Placing the same blob again replaces
    them with the same bytes. Objects without a row are what start-up reconciliation
    (``sync.evidence.recovery``) finishes or removes.
    """
    for variant, data in (derived or {}).items():
        objects.put_bytes(blob_key(org_id, sha256, variant), data)
    objects.put_file(blob_key(org_id, sha256), source)


def record_blob(conn: sqlite3.Connection, org_id: str, blob: Blob) -> bool:
    """Inside a transaction: record a blob whose files are placed; ``False`` if the organisation holds it already.

    Either way ``blob.uploaded_by`` is recorded as a holder: they sent the bytes.
    """
    params = msgspec.structs.asdict(blob)
    params["org_id"], params["metadata_json"] = org_id, msgspec.json.encode(blob.metadata).decode()
    inserted = conn.execute(_INSERT, params).rowcount
    record_holder(conn, org_id, blob.sha256, blob.uploaded_by)
    return bool(inserted)


def record_holder(conn: sqlite3.Connection, org_id: str, sha256: str, user_id: str) -> None:
    """Inside a transaction: the user holds the blob's bytes (they uploaded them, checked by hash)."""
    conn.execute(
        "INSERT INTO blob_holder (org_id, sha256, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [org_id, sha256, user_id],
    )


def remove_blob_files(objects: BlobStore, org_id: str, sha256: str) -> None:
    """Delete a blob's objects (original and derived versions), whichever exist."""
    for variant in VARIANTS:
        objects.delete(blob_key(org_id, sha256, variant))


def may_read_original(user: User, blob: Blob, *, holder: bool = False) -> bool:
    """Whether ``user`` may fetch the original: its uploaders (``holder``), admins and supervisors may.

    The original keeps the camera's EXIF (GPS included); other inspectors get the display and
    thumbnail versions. A signature or a voice memo has no separate versions, so anyone who may read it
    reads the original.
    """
    return blob.kind != "photo" or holder or user.id == blob.uploaded_by or user.role in ("admin", "supervisor")


def readable_blob(store: Store, user: User, sha256: str, variant: Variant = "original") -> Blob:
    """The blob, if ``user`` may read this variant of it.

    A user may read a blob of their own organisation that they uploaded, or that an
    inspection or finding at a site in their scope references through a reference added
    by one who uploaded it. Otherwise :class:`NotFound`, worded the same whether or not the
    blob exists, so nobody can probe for hashes. An inspector who may read a photo but not
    its original gets :class:`Forbidden` for the original.
    """
    blob = get_blob(store, user.org_id, sha256) if SHA256.match(sha256) else None
    if blob is None or not readable_hashes(store, user, [sha256]):
        raise NotFound(f"no blob {sha256[:64]!r} that you may read")
    if variant == "original" and not may_read_original(user, blob, holder=holds(store, user, sha256)):
        raise Forbidden("inspectors other than the uploader get the display or thumb version of a photo")
    return blob

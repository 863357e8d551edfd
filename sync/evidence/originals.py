"""Evidence as the camera took it: a light photo's chain of custody and its camera original.

A phone uploads a light version of each photo (at most 2048 px) so the form syncs fast, and
records at capture the SHA-256 of the camera's own bytes (the capture hash). It declares the
custody of the light version (``photo_custody``: capture hash, time, device, position), then
uploads the camera original later, as an ordinary photo blob whose hash is the capture hash;
the upload's hash check verifies the original's bytes, as it verifies the light version's.

The original is held when the organisation stores a blob with the capture hash that the
declarer uploaded themselves: knowing a hash proves nothing, so nobody can name another's
photo as their original and read it through this link. The original may arrive before the
declaration (it is then a plain blob until linked). It is read by those who may read the light
version's original (:func:`sync.evidence.blobs.may_read_original`), and the same goes for the
recorded position.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Annotated, Any

from msgspec import Meta, Struct

from sync.clock import now_iso
from sync.db.named import named_row, named_rows
from sync.db.store import Store
from sync.engine.rows import load_rows
from sync.errors import CustodyConflict, NotFound
from sync.evidence.blobs import Blob, get_blob, holds, may_read_original, readable_blob
from sync.org.accounts import User

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]


class Custody(Struct, forbid_unknown_fields=True, frozen=True):
    """What the phone recorded when the photo was taken; ``capture_sha256`` hashes the camera file's bytes."""

    capture_sha256: Sha256
    captured_at: Annotated[str, Meta(max_length=40)] | None = None
    device: Annotated[str, Meta(max_length=200)] | None = None
    # float bounds (90.0, not 90): the OpenAPI document then writes them the same way every time
    lat: Annotated[float, Meta(ge=-90.0, le=90.0)] | None = None
    lon: Annotated[float, Meta(ge=-180.0, le=180.0)] | None = None
    accuracy_m: Annotated[float, Meta(ge=0.0, le=1_000_000.0)] | None = None


class CustodyView(Struct, frozen=True):
    """A light photo's chain of custody as shown: the position only to those who may read the original."""

    sha256: str
    capture_sha256: str
    captured_at: str | None
    device: str | None
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    declared_by: str
    declared_at: str
    original_held: bool
    original_size: int | None


_COLUMNS = "sha256, capture_sha256, captured_at, device, lat, lon, accuracy_m, declared_by, declared_at"
# whether the declarer holds the camera original's bytes (uploaded them, checked by hash), and its size
_HELD = (
    "(SELECT b.size FROM blob b JOIN blob_holder h ON h.org_id = b.org_id AND h.sha256 = b.sha256"
    " WHERE b.org_id = c.org_id AND b.sha256 = c.capture_sha256 AND h.user_id = c.declared_by) AS original_size"
)


def declare_custody(store: Store, user: User, sha256: str, custody: Custody) -> CustodyView:
    """Record the chain of custody of a light photo ``user`` uploaded; the same declaration again is harmless.

    Only its uploader declares it (:class:`NotFound` for anyone else, as for a blob they may not
    read). A different capture hash for a photo already declared is a :class:`CustodyConflict`.
    """
    blob = readable_blob(store, user, sha256, "display")
    if blob.kind != "photo" or not holds(store, user, sha256):
        raise NotFound(f"no photo {sha256!r} that you uploaded")
    with store.transaction() as conn:
        held = conn.execute(
            "SELECT capture_sha256 FROM photo_custody WHERE org_id = ? AND sha256 = ?", [user.org_id, sha256]
        ).fetchone()
        if held is not None and held[0] != custody.capture_sha256:
            raise CustodyConflict(
                f"photo {sha256} was taken as {held[0]}, not {custody.capture_sha256}: a custody record never changes"
            )
        recorded = _recorded_capture(conn, user.org_id, sha256)
        if recorded is not None and recorded != custody.capture_sha256:
            raise CustodyConflict(
                f"photo {sha256}'s answer recorded it as taken from {recorded}, not {custody.capture_sha256}"
            )
        if held is None:
            conn.execute(
                f"INSERT INTO photo_custody (org_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    user.org_id,
                    sha256,
                    custody.capture_sha256,
                    custody.captured_at,
                    custody.device,
                    custody.lat,
                    custody.lon,
                    custody.accuracy_m,
                    user.id,
                    now_iso(),
                ],
            )
    view = custody_of(store, user, sha256)
    assert view is not None
    return view


def _recorded_capture(conn: sqlite3.Connection, org_id: str, sha256: str) -> str | None:
    """The camera file's hash an answer recorded for this photo at capture (``attach``'s ``captured``), if any."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT inspection_id FROM evidence_ref WHERE org_id = ? AND sha256 = ? AND kind = 'photo'",
            [org_id, sha256],
        )
    ]
    for row in load_rows(conn, ids).values():
        recorded = row.doc.photo_captures.get(sha256)
        if recorded is not None:
            return recorded
    return None


def custody_of(store: Store, user: User, sha256: str) -> CustodyView | None:
    """The chain of custody of a photo ``user`` may read, or ``None`` when none was declared."""
    blob = readable_blob(store, user, sha256, "display")
    views = custody_views(store, user.org_id, [sha256])
    view = views.get(sha256)
    if view is None or may_read_original(user, blob, holder=holds(store, user, sha256)):
        return view
    return _without_position(view)


def custody_views(store: Store, org_id: str, hashes: Iterable[str]) -> dict[str, CustodyView]:
    """The chains of custody of these light photos (position included), for reports of who may read them."""
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, CustodyView] = {}
    for start in range(0, len(wanted), 400):
        batch = wanted[start : start + 400]
        marks = ", ".join("?" * len(batch))
        rows = store.db.execute(
            f"SELECT {', '.join(f'c.{name}' for name in _COLUMNS.split(', '))}, {_HELD} FROM photo_custody c"
            f" WHERE c.org_id = ? AND c.sha256 IN ({marks})",
            [org_id, *batch],
        )
        for row in named_rows(rows):
            found[row["sha256"]] = _view(row)
    return found


def camera_original(store: Store, user: User, sha256: str) -> Blob:
    """The camera original of the light photo ``sha256``, for one who may read that photo's original.

    :class:`NotFound` when no custody was declared or the original is not held yet;
    :class:`~sync.errors.Forbidden` for an inspector who may read only the display version.
    """
    readable_blob(store, user, sha256, "original")
    row = named_row(
        store.db.execute(
            f"SELECT c.capture_sha256, {_HELD} FROM photo_custody c WHERE c.org_id = ? AND c.sha256 = ?",
            [user.org_id, sha256],
        )
    )
    original = (
        None if row is None or row["original_size"] is None else get_blob(store, user.org_id, row["capture_sha256"])
    )
    if original is None:
        raise NotFound(f"the camera original of photo {sha256!r} is not held (yet)")
    return original


def _view(row: dict[str, Any]) -> CustodyView:
    size = row.pop("original_size")
    return CustodyView(**row, original_held=size is not None, original_size=size)


def _without_position(view: CustodyView) -> CustodyView:
    return CustodyView(
        view.sha256,
        view.capture_sha256,
        view.captured_at,
        view.device,
        None,
        None,
        None,
        view.declared_by,
        view.declared_at,
        view.original_held,
        view.original_size,
    )

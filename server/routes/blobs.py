"""Evidence blobs: which hashes the server lacks, and serving them to those who may read them.

Every blob response is immutable (the hash names the bytes) and private; a strong ETag
names the hash and the version. Anyone who may not read a blob gets the same 404 as for
a blob that does not exist; knowing a hash is no proof of possession (see
:mod:`sync.evidence.blobs`). Inspectors other than the uploader get 403 for a photo's
original, which keeps the camera's EXIF (GPS included): they read the display version.

The bytes are streamed through the server from the evidence store (a folder or a bucket), after
the same authorization, never handed out as presigned URLs: a URL, once given, can be read by
anyone who holds it until it expires and cannot be revoked, logged or scoped to a user; streaming
keeps the read rules, the audit of who read what, the ETag and ``Range`` answers the same on
every store.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from litestar.response import Stream
from msgspec import Meta, Struct

from server.compression import UNCOMPRESSED
from server.dependencies import Caller
from server.problems import problem
from sync.db.store import Store
from sync.errors import NotFound
from sync.evidence import blobs
from sync.evidence.blobs import Blob, Variant, blob_key, may_read_original, readable_blob
from sync.evidence.objects import BlobStore
from sync.evidence.originals import Custody, CustodyView, camera_original, custody_of, declare_custody
from sync.evidence.photos import Gps

IMMUTABLE = "private, max-age=31536000, immutable"
MAX_HASHES = 500

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]


class HashList(Struct, forbid_unknown_fields=True):
    hashes: Annotated[list[Sha256], Meta(max_length=MAX_HASHES)]


class Missing(Struct):
    missing: list[str]


class BlobMeta(Struct):
    """What the server knows of a blob; ``gps`` only for those who may fetch the original."""

    sha256: str
    kind: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    uploaded_by: str
    uploaded_at: str
    captured_at: str | None
    device_make: str | None
    device_model: str | None
    gps: Gps | None


@post("/missing", status_code=200, sync_to_thread=True)
def find_missing_blobs(
    data: JSONBody[HashList], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> Missing:
    """Which of these SHA-256 hashes (at most 500) the caller cannot read: upload those (possession is proof)."""
    return Missing(blobs.missing_hashes(store, caller.user, data.hashes))


@get("/{sha256:str}/meta", sync_to_thread=True)
def get_blob_meta(sha256: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> BlobMeta:
    """A blob's size, type, pixels, capture time and device; GPS for those who may fetch the original."""
    blob = readable_blob(store, caller.user, sha256, "display")
    meta = blob.metadata
    holder = blobs.holds(store, caller.user, blob.sha256)
    gps = meta.get("gps") if may_read_original(caller.user, blob, holder=holder) else None
    return BlobMeta(
        blob.sha256,
        blob.kind,
        blob.media_type,
        blob.size,
        blob.width,
        blob.height,
        blob.uploaded_by,
        blob.created_at,
        meta.get("captured_at"),
        meta.get("device_make"),
        meta.get("device_model"),
        Gps(**gps) if isinstance(gps, dict) else None,
    )


@get("/{sha256:str}", sync_to_thread=True, opt=UNCOMPRESSED)
def get_blob(
    sha256: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    variant: FromQuery[Variant] = "original",
    range_header: Annotated[str | None, HeaderParameter(name="Range")] = None,
    if_range: Annotated[str | None, HeaderParameter(name="If-Range")] = None,
    if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match")] = None,
) -> Response[bytes] | Stream:
    """One version of a blob (original, display, thumb): strong ETag, immutable, byte ranges."""
    blob = readable_blob(store, caller.user, sha256, variant)
    key, media_type = _variant_key(caller.user.org_id, blob, variant)
    return _serve(blob_store, key, media_type, f'"{blob.sha256}-{variant}"', range_header, if_range, if_none_match)


@put("/{sha256:str}/custody", sync_to_thread=True)
def put_custody(
    sha256: FromPath[str], data: JSONBody[Custody], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> CustodyView:
    """Record the chain of custody of a photo the caller uploaded: the camera file's hash, time, device, position."""
    return declare_custody(store, caller.user, sha256, data)


@get("/{sha256:str}/custody", sync_to_thread=True)
def get_custody(sha256: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> CustodyView:
    """A photo's chain of custody and whether its camera original is held; the position as for GPS in ``/meta``."""
    view = custody_of(store, caller.user, sha256)
    if view is None:
        raise NotFound(f"no chain of custody recorded for photo {sha256!r}")
    return view


@get("/{sha256:str}/camera", sync_to_thread=True, opt=UNCOMPRESSED)
def get_camera_original(
    sha256: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    range_header: Annotated[str | None, HeaderParameter(name="Range")] = None,
    if_range: Annotated[str | None, HeaderParameter(name="If-Range")] = None,
    if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match")] = None,
) -> Response[bytes] | Stream:
    """The camera original of a photo, as the camera wrote it, to those who may read the photo's original."""
    original = camera_original(store, caller.user, sha256)
    key = blob_key(caller.user.org_id, original.sha256)
    return _serve(
        blob_store, key, original.media_type, f'"{original.sha256}-camera"', range_header, if_range, if_none_match
    )


def _serve(
    blob_store: BlobStore,
    key: str,
    media_type: str,
    etag: str,
    range_header: str | None,
    if_range: str | None,
    if_none_match: str | None,
) -> Response[bytes] | Stream:
    """One stored object: strong ETag, immutable, byte ranges."""
    headers = {
        "ETag": etag,
        "Cache-Control": IMMUTABLE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")} | {"*"}:
        return Response(b"", status_code=304, headers=headers)
    size = blob_store.size(key)
    if size is None:  # removed by garbage collection a moment ago
        raise NotFound("no blob that you may read")
    wanted = parse_range(range_header, size) if if_range in (None, etag) else None
    start, end = (0, size - 1) if wanted is None else wanted
    try:  # read as the response is sent (an object store answers a missing object at once: a 404)
        blocks = blob_store.read(key, start, end + 1)
    except FileNotFoundError:
        raise NotFound("no blob that you may read") from None
    headers["Content-Length"] = str(end - start + 1)
    if wanted is None:
        return Stream(blocks, headers=headers, media_type=media_type)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Stream(blocks, status_code=206, headers=headers, media_type=media_type)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """A single ``bytes=`` range as (first, last) inclusive; ``None`` to send the whole file.

    Other units, several ranges and malformed headers are ignored (RFC 9110 allows it);
    a range that starts past the end is a 416 problem.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or "," in spec or not dash:
        return None
    if not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or first == last == "":
        return None
    if first == "":
        start, end = max(0, size - int(last)), size - 1
        if int(last) == 0:
            raise _unsatisfiable(size)
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None
    if start >= size:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> Exception:
    return problem(
        "range-not-satisfiable",
        f"the file has {size} bytes; ask for a range inside it",
        headers={"Content-Range": f"bytes */{size}"},
    )


def _variant_key(org_id: str, blob: Blob, variant: Variant) -> tuple[str, str]:
    if blob.kind != "photo" or variant == "original":  # a signature or voice memo is its original only
        return blob_key(org_id, blob.sha256), blob.media_type
    return blob_key(org_id, blob.sha256, variant), "image/jpeg"


router = Router(
    path="/api/blobs",
    route_handlers=[find_missing_blobs, get_blob_meta, get_blob, put_custody, get_custody, get_camera_original],
)

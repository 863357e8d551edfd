"""Resumable uploads (tus 1.0): an upload's record, its bytes in the evidence store, and the blob it becomes.

In a local (``file:``) store an upload's offset is the size of its file under ``<root>/uploads``;
in an object store each chunk is an object ``uploads/<id>/<offset>`` and the offset is the
``received`` column, recorded only once the chunk's object is durable (:mod:`sync.evidence.parts`),
so any app server resumes it. Bytes are kept as they arrive and made durable when a request ends,
however it ends, so a connection cut in the middle of a chunk resumes from the last byte kept.
A chunk sent with a checksum is all or nothing. When the last byte arrives the whole file is
hashed, checked by the photo pipeline, the signature check or the audio check, and only then placed in the
blob store and recorded, in an order that is safe to crash at (see :func:`finish_upload` and
``sync.evidence.recovery``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import msgspec
from msgspec import Struct

from sync.clock import new_id, now_iso
from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import (
    DomainError,
    HashMismatch,
    InvalidInput,
    NotFound,
    UnsupportedMediaType,
    UploadQuotaExceeded,
    UploadTooLarge,
)
from sync.evidence.audio import AUDIO_TYPES, MAX_AUDIO_BYTES, audio_type
from sync.evidence.blobs import (
    KINDS,
    SHA256,
    Blob,
    Kind,
    Variant,
    get_blob,
    place_blob_files,
    readable_hashes,
    record_blob,
    record_holder,
)
from sync.evidence.objects import BlobStore
from sync.evidence.parts import assemble_parts, forget_parts
from sync.evidence.photos import process_photo
from sync.evidence.signatures import MAX_SIGNATURE_BYTES, SIGNATURE_TYPES, check_signature
from sync.faults import fault
from sync.org.accounts import User

MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    "photo": ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"),
    "signature": SIGNATURE_TYPES,
    "audio": AUDIO_TYPES,
}
CHECKSUM_ALGORITHMS = ("sha1", "sha256")


class Upload(Struct, frozen=True):
    """One upload in progress (or just completed) of one user."""

    id: str
    org_id: str
    user_id: str
    sha256: str
    length: int
    media_type: str
    kind: Kind
    filename: str
    created_at: str
    expires_at: float
    completed_at: str | None = None
    received: int = 0  # in an object store: the bytes of its chunks stored (a folder counts its file)


_COLUMNS = ", ".join(Upload.__struct_fields__)  # the upload table's columns are named as Upload's fields
_INSERT = f"INSERT INTO upload ({_COLUMNS}) VALUES ({', '.join(f':{name}' for name in Upload.__struct_fields__)})"


@dataclass(frozen=True)
class UploadLimits:
    """The largest upload accepted, how long an unfinished one is kept (seconds), and each user's quota.

    A user may have at most ``max_open`` unfinished uploads, declaring at most ``max_open_bytes`` together;
    a voice memo has at most ``max_audio_bytes``.
    """

    max_bytes: int = 40 * 1024 * 1024
    expiry_s: float = 24 * 3600
    max_open: int = 20
    max_open_bytes: int = 400 * 1024 * 1024
    max_audio_bytes: int = MAX_AUDIO_BYTES


def upload_path(root: Path, upload_id: str) -> Path:
    """Where an unfinished upload's bytes are kept in a local store under ``root``."""
    return root / "uploads" / upload_id


def create_upload(
    store: Store,
    objects: BlobStore,
    user: User,
    *,
    sha256: str,
    length: int,
    media_type: str,
    kind: str,
    filename: str = "",
    limits: UploadLimits,
    now: float | None = None,
) -> Upload | Blob:
    """Start an upload, or say there is nothing to send.

    Returns the stored :class:`Blob` when the user may already read this hash (a
    duplicate is stored once), the user's unfinished upload of the same bytes when there
    is one (a replayed creation resumes it), or a new :class:`Upload`. A blob the
    organisation holds but the user may not read is, for them, missing: they upload it
    like any other (their bytes prove possession; completing it records them as a holder,
    the bytes stay stored once). Expired uploads are purged first.
    """
    at = time.time() if now is None else now
    _check_declared(sha256, length, media_type, kind, limits)
    purge_expired(store, objects, now=at)
    blob = get_blob(store, user.org_id, sha256)
    if blob is not None and readable_hashes(store, user, [sha256]):
        if blob.size != length:
            raise HashMismatch(f"this organisation holds {sha256} with {blob.size} bytes, not {length}")
        return blob
    held = _unfinished(store, user, sha256, length, kind, at)
    if held is not None:
        return held
    upload = Upload(
        new_id(),
        user.org_id,
        user.id,
        sha256,
        length,
        media_type,
        cast(Kind, kind),
        filename[:200],
        now_iso(),
        at + limits.expiry_s,
    )
    _begin(store, objects, upload, limits)
    return upload


def _unfinished(store: Store, user: User, sha256: str, length: int, kind: str, at: float) -> Upload | None:
    """The user's latest unexpired, unfinished upload of these bytes, if any."""
    held = rows_as(
        store.db.execute(
            f"SELECT {_COLUMNS} FROM upload WHERE user_id = ? AND sha256 = ? AND length = ? AND kind = ?"
            " AND completed_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
            [user.id, sha256, length, kind, at],
        ),
        Upload,
    )
    return held[0] if held else None


def _begin(store: Store, objects: BlobStore, upload: Upload, limits: UploadLimits) -> None:
    """Create the upload's empty file (a local store), then its row, within the user's quota (in one transaction)."""
    path = None if objects.root is None else upload_path(objects.root, upload.id)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    with store.transaction() as conn:
        count, declared = conn.execute(
            "SELECT count(*), coalesce(sum(length), 0) FROM upload"
            " WHERE user_id = ? AND completed_at IS NULL AND expires_at > ?",
            [upload.user_id, upload.expires_at - limits.expiry_s],  # unexpired when this one starts
        ).fetchone()
        if count + 1 > limits.max_open or declared + upload.length > limits.max_open_bytes:
            if path is not None:
                path.unlink(missing_ok=True)
            raise UploadQuotaExceeded(
                f"you have {count} unfinished upload(s) declaring {declared} bytes; at most {limits.max_open} and"
                f" {limits.max_open_bytes} bytes together: finish or cancel (DELETE) some, or wait until they expire"
            )
        conn.execute(_INSERT, msgspec.structs.asdict(upload))


def _check_declared(sha256: str, length: int, media_type: str, kind: str, limits: UploadLimits) -> None:
    if not SHA256.match(sha256):
        raise InvalidInput("sha256 must be 64 lowercase hexadecimal characters")
    if kind not in KINDS:
        raise UnsupportedMediaType(f"unknown kind of evidence {kind!r}; expected one of {', '.join(KINDS)}")
    accepted = MEDIA_TYPES[kind]
    if media_type not in accepted:
        raise UnsupportedMediaType(f"a {kind} may be {', '.join(accepted)}, not {media_type!r}")
    if length < 1:
        raise InvalidInput("Upload-Length must be at least 1: an empty file is no evidence")
    largest = {"signature": MAX_SIGNATURE_BYTES, "audio": limits.max_audio_bytes}.get(kind, limits.max_bytes)
    if length > largest:
        raise UploadTooLarge(f"a {kind} may have at most {largest} bytes; Upload-Length is {length}")


def get_upload(store: Store, objects: BlobStore, user: User, upload_id: str, *, now: float | None = None) -> Upload:
    """The user's upload; :class:`NotFound` for anyone else's, an unknown or an expired one."""
    found = rows_as(
        store.db.execute(f"SELECT {_COLUMNS} FROM upload WHERE id = ? AND user_id = ?", [upload_id, user.id]), Upload
    )
    if not found:
        raise NotFound(f"no upload {upload_id[:64]!r} of yours")
    upload = found[0]
    if upload.expires_at <= (time.time() if now is None else now):
        _forget(store, objects, upload.id)
        raise NotFound(f"no upload {upload_id[:64]!r} of yours (it expired)")
    return upload


def upload_offset(objects: BlobStore, upload: Upload) -> int:
    """How many bytes of the upload are stored: the size of its file, its chunks recorded, or all once complete."""
    if upload.completed_at is not None:
        return upload.length
    if objects.root is None:
        return upload.received
    try:
        return upload_path(objects.root, upload.id).stat().st_size
    except FileNotFoundError:
        return 0


def finish_upload(store: Store, objects: BlobStore, upload: Upload) -> Blob:
    """Turn a complete upload into a blob: verify the hash, check the image or audio, store it once.

    On a wrong hash, an invalid image or bytes that are no audio the upload and its bytes are
    removed and nothing becomes visible (:class:`HashMismatch`, :class:`InvalidImage`,
    :class:`UnsupportedMediaType`). Each step is safe to
    crash at, and the whole is safe to run again: the blob's objects are placed first (the
    upload's bytes stay), then one transaction records the blob and completes the upload,
    then the upload's bytes go. A crash before the commit leaves a whole upload that a resume
    or start-up finishes (``sync.evidence.recovery``), on this server or another; a crash after
    it leaves only upload bytes that start-up removes.
    """
    held = get_blob(store, upload.org_id, upload.sha256)
    with _whole_bytes(objects, upload) as path:
        try:
            if held is None:
                blob, derived = _checked_blob(upload, path)
            else:  # stored already: these bytes still prove the uploader holds them, once their hash is checked
                _check_digest(upload, path)
        except DomainError:
            _forget(store, objects, upload.id)
            raise
        if held is None:
            place_blob_files(objects, upload.org_id, upload.sha256, path, derived)
            fault("upload.finish.after_files")
    with store.transaction() as conn:
        if held is None:
            record_blob(conn, upload.org_id, blob)
        else:
            record_holder(conn, upload.org_id, upload.sha256, upload.user_id)
        conn.execute("UPDATE upload SET completed_at = ? WHERE id = ?", [now_iso(), upload.id])
        fault("upload.finish.before_commit")
    fault("upload.finish.after_commit")
    _remove_bytes(objects, upload.id)
    stored = get_blob(store, upload.org_id, upload.sha256)
    assert stored is not None
    return stored


@contextmanager
def _whole_bytes(objects: BlobStore, upload: Upload) -> Iterator[Path]:
    """The upload's bytes as one local file: its own file in a local store, else its chunks joined in a temporary."""
    if objects.root is not None:
        yield upload_path(objects.root, upload.id)
        return
    handle, name = tempfile.mkstemp(prefix="xunjian-upload-")
    os.close(handle)
    try:
        assemble_parts(objects, upload.id, upload.length, Path(name))  # finished only once all are in
        yield Path(name)
    finally:
        os.unlink(name)


def record_held(store: Store, user: User, blob: Blob, *, filename: str, limits: UploadLimits) -> Upload:
    """An upload of bytes the organisation already holds: complete from the start, nothing to send.

    tus clients PATCH the upload they created; this one answers them with its full offset.
    """
    upload = Upload(
        new_id(),
        user.org_id,
        user.id,
        blob.sha256,
        blob.size,
        blob.media_type,
        blob.kind,
        filename[:200],
        now_iso(),
        time.time() + limits.expiry_s,
        now_iso(),
    )
    with store.transaction() as conn:
        conn.execute(_INSERT, msgspec.structs.asdict(upload))
    return upload


def _check_digest(upload: Upload, path: Path) -> None:
    """:class:`HashMismatch` unless the upload's bytes hash to the declared SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1024 * 1024):
            digest.update(block)
    if digest.hexdigest() != upload.sha256:
        raise HashMismatch(f"the uploaded bytes hash to {digest.hexdigest()}, not the declared {upload.sha256}")


def _checked_blob(upload: Upload, path: Path) -> tuple[Blob, dict[Variant, bytes]]:
    _check_digest(upload, path)
    size = path.stat().st_size
    if upload.kind == "signature":
        signature = check_signature(path)
        width, height = signature.width, signature.height
        blob = Blob(
            upload.sha256, "signature", signature.media_type, size, width, height, upload.user_id, now_iso(), {}
        )
        return blob, {}
    if upload.kind == "audio":
        media_type = audio_type(path)
        return Blob(upload.sha256, "audio", media_type, size, None, None, upload.user_id, now_iso(), {}), {}
    photo = process_photo(path)
    metadata = msgspec.to_builtins(photo.meta)
    blob = Blob(
        upload.sha256, "photo", photo.media_type, size, photo.width, photo.height, upload.user_id, now_iso(), metadata
    )
    return blob, {"display": photo.display, "thumb": photo.thumb}


def cancel_upload(store: Store, objects: BlobStore, upload: Upload) -> None:
    """Terminate an upload (tus termination): its record and bytes go; a stored blob stays."""
    _forget(store, objects, upload.id)


def purge_expired(store: Store, objects: BlobStore, *, now: float | None = None) -> list[str]:
    """Remove uploads past their expiry time, with their bytes; returns their ids."""
    at = time.time() if now is None else now
    expired = [r[0] for r in store.db.execute("SELECT id FROM upload WHERE expires_at <= ?", [at])]
    for upload_id in expired:
        _forget(store, objects, upload_id)
    return expired


def _forget(store: Store, objects: BlobStore, upload_id: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM upload WHERE id = ?", [upload_id])
    _remove_bytes(objects, upload_id)


def _remove_bytes(objects: BlobStore, upload_id: str) -> None:
    """Remove an upload's file (a local store) or chunk objects."""
    if objects.root is not None:
        upload_path(objects.root, upload_id).unlink(missing_ok=True)
    else:
        forget_parts(objects, upload_id)

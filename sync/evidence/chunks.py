"""One tus chunk (PATCH) added to an upload: offsets that count only bytes really stored.

In a local store (:class:`ChunkWriter`) bytes are appended to the upload's file as they arrive,
unbuffered, so a connection cut in the middle of a chunk keeps what reached the file; a full disk
keeps exactly what the file holds. In an object store (:class:`PartWriter`) the chunk is spooled,
stored as one object when the request ends, however it ends, and only then counted in the
upload's row, where every app server reads it. Either way a chunk sent with ``Upload-Checksum``
is all or nothing. The upload's record and the blob it becomes are :mod:`sync.evidence.uploads`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from sync.db.store import Store
from sync.errors import (
    ChecksumMismatch,
    InvalidInput,
    OffsetMismatch,
    StorageFull,
    UnsupportedMediaType,
    UploadTooLarge,
    is_storage_full,
)
from sync.evidence.objects import BlobStore
from sync.evidence.parts import part_key
from sync.evidence.uploads import CHECKSUM_ALGORITHMS, Upload, upload_path


def parse_checksum(header: str) -> tuple[str, bytes]:
    """``Upload-Checksum: <algorithm> <base64 digest>`` as (algorithm, digest)."""
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise UnsupportedMediaType(f"checksum algorithm {algorithm!r} is not supported; use sha256 or sha1")
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except ValueError as exc:
        raise InvalidInput("Upload-Checksum must be '<algorithm> <base64 digest>'") from exc


class ChunkWriter:
    """One chunk being appended to an upload's file, for the lifetime of one PATCH.

    Without a checksum, whatever arrived is kept if the request breaks off; with one, the
    chunk is all or nothing. A chunk that would pass ``Upload-Length`` is refused whole.
    The offset counts only bytes the file really holds: a write may store fewer bytes than
    it was given, and the rest are written again; when the disk fills up, the rest of the
    chunk is read and dropped, the file keeps what it holds, and :meth:`finish` raises
    :class:`StorageFull`.
    """

    def __init__(
        self, root: Path, upload: Upload, offset: int, *, announced: int | None, checksum: tuple[str, bytes] | None
    ) -> None:
        stored = upload.length if upload.completed_at is not None else _file_size(upload_path(root, upload.id))
        if upload.completed_at is not None or offset != stored:
            raise OffsetMismatch(stored, offset)
        self.start = offset
        self.written = 0  # bytes of this chunk in the file
        self.received = 0  # bytes of this chunk that arrived
        self.room = upload.length - offset
        if announced is not None and announced > self.room:
            raise UploadTooLarge(f"the chunk has {announced} bytes but only {self.room} remain of Upload-Length")
        self.checksum = checksum
        self.digest = hashlib.new(checksum[0]) if checksum else None
        self.refused = False
        self.full: StorageFull | None = None
        self.fd = os.open(upload_path(root, upload.id), os.O_WRONLY)
        os.lseek(self.fd, offset, os.SEEK_SET)

    def write(self, piece: bytes) -> None:
        """Append bytes as they arrive (unbuffered: what was written is in the file), until the disk is full."""
        if self.received + len(piece) > self.room:
            self.refused = True
            raise UploadTooLarge(f"the chunk goes past Upload-Length; only {self.room} bytes remain")
        self.received += len(piece)
        if self.digest is not None:
            self.digest.update(piece)
        view = memoryview(piece)
        while view and self.full is None:
            try:
                count = os.write(self.fd, view)
            except OSError as exc:
                if not is_storage_full(exc):
                    raise
                self.full = StorageFull(f"the disk filled up at offset {self.start + self.written}")
                break
            self.written += count
            view = view[count:]

    def finish(self) -> int:
        """The chunk is whole: check its checksum, make it durable; returns the new offset."""
        if self.full is not None:
            self.abandon()
            raise self.full
        if self.checksum is not None and self.digest is not None and self.digest.digest() != self.checksum[1]:
            self._close(self.start)
            raise ChecksumMismatch(f"the chunk at offset {self.start} does not match its {self.checksum[0]} checksum")
        return self._close(self.start + self.written)

    def abandon(self) -> int:
        """The request broke off or was refused: keep what arrived unless the chunk is all or nothing."""
        keep = self.start if self.refused or self.checksum is not None else self.start + self.written
        return self._close(keep)

    def _close(self, offset: int) -> int:
        """Cut the file to ``offset`` (never longer than it is: no padding), make it durable, close it."""
        try:
            keep = min(offset, os.fstat(self.fd).st_size)
            os.ftruncate(self.fd, keep)
            os.fsync(self.fd)
        finally:
            os.close(self.fd)
        return keep


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class Chunk(Protocol):
    """What the PATCH route drives: bytes in as they arrive, then finish (whole) or abandon (cut off)."""

    refused: bool

    def write(self, piece: bytes) -> None:
        """Take bytes as they arrive."""

    def finish(self) -> int:
        """The chunk is whole: check and store it; returns the new offset."""

    def abandon(self) -> int:
        """The request broke off or was refused; returns the offset kept."""


def chunk_writer(
    store: Store,
    objects: BlobStore,
    upload: Upload,
    offset: int,
    *,
    announced: int | None,
    checksum: tuple[str, bytes] | None,
) -> Chunk:
    """The writer of one chunk: to the upload's file in a local store, else an object of its own."""
    if objects.root is not None:
        return ChunkWriter(objects.root, upload, offset, announced=announced, checksum=checksum)
    return PartWriter(store, objects, upload, offset, announced=announced, checksum=checksum)


class PartWriter:
    """One chunk of an upload in an object store, for the lifetime of one PATCH.

    The bytes are spooled (in memory, on disk past 1 MiB) and stored as the object
    ``uploads/<id>/<offset>`` when the request ends; only once that object is durable is the
    upload's ``received`` raised, in a transaction that checks it still is this chunk's offset
    (another server may have taken the upload meanwhile: :class:`OffsetMismatch`).
    """

    def __init__(
        self,
        store: Store,
        objects: BlobStore,
        upload: Upload,
        offset: int,
        *,
        announced: int | None,
        checksum: tuple[str, bytes] | None,
    ) -> None:
        row = store.db.execute("SELECT received, completed_at FROM upload WHERE id = ?", [upload.id]).fetchone()
        stored = upload.length if row is None or row[1] is not None else int(row[0])  # as now, on any server
        if row is None or row[1] is not None or offset != stored:
            raise OffsetMismatch(stored, offset)
        self.store, self.objects, self.upload_id = store, objects, upload.id
        self.start = offset
        self.room = upload.length - offset
        if announced is not None and announced > self.room:
            raise UploadTooLarge(f"the chunk has {announced} bytes but only {self.room} remain of Upload-Length")
        self.checksum = checksum
        self.digest = hashlib.new(checksum[0]) if checksum else None
        self.refused = False
        self.received = 0
        self.spool = tempfile.SpooledTemporaryFile(max_size=1 << 20, prefix="xunjian-chunk-")  # noqa: SIM115

    def write(self, piece: bytes) -> None:
        """Spool bytes as they arrive."""
        if self.received + len(piece) > self.room:
            self.refused = True
            raise UploadTooLarge(f"the chunk goes past Upload-Length; only {self.room} bytes remain")
        self.received += len(piece)
        if self.digest is not None:
            self.digest.update(piece)
        self.spool.write(piece)

    def finish(self) -> int:
        """The chunk is whole: check its checksum, store it, count it; returns the new offset."""
        if self.checksum is not None and self.digest is not None and self.digest.digest() != self.checksum[1]:
            self.spool.close()
            raise ChecksumMismatch(f"the chunk at offset {self.start} does not match its {self.checksum[0]} checksum")
        return self._store(self.received)

    def abandon(self) -> int:
        """The request broke off or was refused: keep what arrived unless the chunk is all or nothing."""
        keep = 0 if self.refused or self.checksum is not None else self.received
        try:
            return self._store(keep)
        except OffsetMismatch:
            return self.start

    def _store(self, count: int) -> int:
        try:
            if count == 0:
                return self.start
            self.spool.seek(0)
            self.objects.put_bytes(part_key(self.upload_id, self.start), self.spool.read(count))
        finally:
            self.spool.close()
        with self.store.transaction() as conn:
            moved = conn.execute(
                "UPDATE upload SET received = ? WHERE id = ? AND received = ? AND completed_at IS NULL",
                [self.start + count, self.upload_id, self.start],
            ).rowcount
            if not moved:
                now = conn.execute("SELECT received FROM upload WHERE id = ?", [self.upload_id]).fetchone()
                raise OffsetMismatch(int(now[0]) if now else 0, self.start)
        return self.start + count

"""One tus chunk (PATCH) appended to an upload's file: offsets that count only bytes really written.

Bytes are written as they arrive, unbuffered, so a connection cut in the middle of a chunk keeps
what reached the file; a chunk sent with ``Upload-Checksum`` is all or nothing; a full disk keeps
exactly what the file holds. The upload's record and the blob it becomes are
:mod:`sync.evidence.uploads`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from sync.errors import (
    ChecksumMismatch,
    InvalidInput,
    OffsetMismatch,
    StorageFull,
    UnsupportedMediaType,
    UploadTooLarge,
    is_storage_full,
)
from sync.evidence.uploads import CHECKSUM_ALGORITHMS, Upload, upload_offset, upload_path


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
        stored = upload_offset(root, upload)
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

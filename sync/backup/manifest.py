"""A backup's manifest (``manifest.json``): when, the database file's hash, the epoch and op-log mark, the blobs.

Evidence files are content-addressed: an original is named by its SHA-256; a derived variant
(``<sha>.<variant>.jpg``) is listed with its own hash. Paths are relative to the backup folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import msgspec
from msgspec import Struct

MANIFEST = "manifest.json"
DATABASE = "xunjian.db"
BLOBS = "blobs"
FORMAT = 1
_ORIGINAL = re.compile(r"^[0-9a-f]{64}$")


class BlobFile(Struct, frozen=True):
    """One evidence file: its path under the backup folder, its SHA-256 and size."""

    path: str
    sha256: str
    size: int


class Manifest(Struct, frozen=True):
    """What one backup holds (see the module)."""

    created_at: str
    database_sha256: str
    database_size: int
    epoch: str
    op_log_seq: int
    blobs: list[BlobFile]
    format: int = FORMAT
    database: str = DATABASE  # the database's file in the backup: ``xunjian.db``, or a PostgreSQL dump


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while piece := f.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def is_original(path: str) -> bool:
    """Whether a blob file is an original (named by its own hash) rather than a derived variant."""
    return bool(_ORIGINAL.match(Path(path).name))


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a backup folder, or ``None`` when it has none."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    return msgspec.json.decode(path.read_bytes(), type=Manifest)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (a temporary file, synced, renamed over the old one)."""
    temporary = folder / f".{MANIFEST}.tmp"
    with temporary.open("wb") as f:
        f.write(msgspec.json.format(msgspec.json.encode(manifest), indent=1))
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(folder / MANIFEST)

"""Where evidence bytes live: one small interface, a local folder (the default) or an S3-compatible object store.

Keys are relative paths: ``blobs/<org_id>/<first two hex>/<sha256>[.<variant>.jpg]`` for blobs and their
versions, ``uploads/<id>/<offset>`` for the chunks of an unfinished upload in an object store (in a
folder, an unfinished upload is one file, ``uploads/<id>``: see :mod:`sync.evidence.uploads`).
``XUNJIAN_BLOB_STORE`` chooses (:mod:`sync.evidence.store_url`): ``file:`` keeps them under the data
folder, exactly as before; ``s3://bucket/prefix?endpoint=…&region=…`` puts them in a bucket
(:mod:`sync.evidence.s3`).

Every write is durable when it returns, and whole: an object is there with all its bytes or not at
all (a folder writes a temporary name, syncs it, renames it; S3 makes an object visible only once
complete). Writing a key again replaces it, so repeating a step after a crash is harmless.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from msgspec import Struct

BLOCK = 256 * 1024


class Listed(Struct, frozen=True):
    """One stored object: its key, size in bytes and when it was last written (seconds since the epoch)."""

    key: str
    size: int
    modified: float


@runtime_checkable  # the server's dependency injection checks what it provides
class BlobStore(Protocol):
    """The evidence store's interface; ``root`` is the local folder of a ``file:`` store, else ``None``."""

    @property
    def root(self) -> Path | None:
        """The folder that holds every key as a file, for a local store; ``None`` for an object store."""

    def put_file(self, key: str, source: Path) -> None:
        """Store the file at ``source`` under ``key`` (``source`` stays), durably and whole."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, durably and whole."""

    def size(self, key: str) -> int | None:
        """The object's size, or ``None`` when there is no such object."""

    def read(self, key: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The bytes ``start``..``stop`` (exclusive; ``None``: to the end), in blocks; FileNotFoundError if absent."""

    def download(self, key: str, target: Path) -> None:
        """Copy the whole object into the local file ``target`` (replaced)."""

    def delete(self, key: str) -> None:
        """Remove the object, if there is one."""

    def listing(self, prefix: str) -> Iterator[Listed]:
        """Every object whose key starts with ``prefix``, in key order."""


def exists(objects: BlobStore, key: str) -> bool:
    """Whether the store holds an object under ``key``."""
    return objects.size(key) is not None


def read_all(objects: BlobStore, key: str) -> bytes:
    """A whole (small) object's bytes."""
    return b"".join(objects.read(key))


class FileObjects:
    """Objects as files under a local folder: the key is the path relative to it."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        """The folder (the server's data folder)."""
        return self._root

    def __repr__(self) -> str:
        return f"FileObjects({str(self._root)!r})"

    def path(self, key: str) -> Path:
        """Where the object of ``key`` is kept."""
        return self._root / key

    def put_file(self, key: str, source: Path) -> None:
        """Link ``source`` in (or copy it, across file systems) under a temporary name, sync, rename."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and os.path.samefile(source, target):  # placed before a crash: the same file, linked
            return
        partial = target.with_name(f"{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            os.link(source, partial)
        except OSError:  # another file system, or no hard links: copy
            shutil.copyfile(source, partial)
            with partial.open("rb") as file:
                os.fsync(file.fileno())
        os.replace(partial, target)
        _sync_folder(target.parent)

    def put_bytes(self, key: str, data: bytes) -> None:
        """Write under a temporary name, sync, rename."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.partial")
        with partial.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)

    def size(self, key: str) -> int | None:
        """The file's size."""
        try:
            return self.path(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None

    def read(self, key: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The file's bytes; the file is opened when the first block is asked for, and closed after the last."""
        return _blocks(self.path(key), start, stop)

    def download(self, key: str, target: Path) -> None:
        """Copy the file."""
        shutil.copyfile(self.path(key), target)

    def delete(self, key: str) -> None:
        """Unlink the file."""
        self.path(key).unlink(missing_ok=True)

    def listing(self, prefix: str) -> Iterator[Listed]:
        """Files under the folder part of ``prefix`` whose key starts with it."""
        base = self.path(prefix.rpartition("/")[0]) if "/" in prefix else self._root
        if not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                key = path.relative_to(self._root).as_posix()
                if key.startswith(prefix):
                    try:
                        found = path.stat()
                    except FileNotFoundError:  # removed meanwhile
                        continue
                    yield Listed(key, found.st_size, found.st_mtime)


def _blocks(path: Path, start: int, stop: int | None) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(start)
        left = None if stop is None else stop - start
        while left is None or left > 0:
            block = file.read(BLOCK if left is None else min(BLOCK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

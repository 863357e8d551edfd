"""An unfinished upload's chunks in an object store: one object per chunk, ``uploads/<id>/<offset>``.

Every app server sees them. The upload's ``received`` column says how many bytes count: it is
raised only after a chunk's object is durable (:class:`sync.evidence.chunks.PartWriter`), so a
chunk stored by a request that failed before recording it is not counted, and the next chunk sent
at that offset replaces it (same key). The counted chunks are those chained from offset 0, each
starting where the previous one ends.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sync.evidence.objects import BlobStore

_WIDTH = 15  # digits of an offset in a key, so keys sort by offset


def part_key(upload_id: str, offset: int) -> str:
    """The key of the chunk of ``upload_id`` that starts at ``offset``."""
    return f"uploads/{upload_id}/{offset:0{_WIDTH}d}"


def counted_parts(objects: BlobStore, upload_id: str, received: int) -> list[tuple[str, int]]:
    """The keys and sizes of the chunks that make the first ``received`` bytes, in order.

    Raises FileNotFoundError when the chain is broken (a chunk is missing).
    """
    sizes: dict[int, tuple[str, int]] = {}
    for item in objects.listing(f"uploads/{upload_id}/"):
        tail = item.key.rpartition("/")[2]
        if tail.isdigit():
            sizes[int(tail)] = (item.key, item.size)
    chain, offset = [], 0
    while offset < received:
        found = sizes.get(offset)
        if found is None or found[1] == 0:
            raise FileNotFoundError(f"upload {upload_id}: no chunk at offset {offset}")
        chain.append(found)
        offset += found[1]
    if offset != received:
        raise FileNotFoundError(f"upload {upload_id}: the chunks hold {offset} bytes, not {received}")
    return chain


def assemble_parts(objects: BlobStore, upload_id: str, received: int, target: Path) -> str:
    """Join the counted chunks into the local file ``target``; returns the SHA-256 of the bytes read."""
    digest = hashlib.sha256()
    with target.open("wb") as file:
        for key, _size in counted_parts(objects, upload_id, received):
            for block in objects.read(key):
                digest.update(block)
                file.write(block)
    return digest.hexdigest()


def forget_parts(objects: BlobStore, upload_id: str) -> int:
    """Remove every chunk object of the upload; returns how many went."""
    keys = [item.key for item in objects.listing(f"uploads/{upload_id}/")]
    for key in keys:
        objects.delete(key)
    return len(keys)


def stray_part_uploads(objects: BlobStore, unfinished: set[str]) -> set[str]:
    """The upload ids with chunk objects in the store that are not among ``unfinished``."""
    return {
        upload_id
        for item in objects.listing("uploads/")
        if (upload_id := item.key.split("/")[1] if item.key.count("/") >= 2 else "") and upload_id not in unfinished
    }

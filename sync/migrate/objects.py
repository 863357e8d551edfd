"""The evidence: every object of the data folder's ``file:`` store copied to the object store, and checked.

Every blob, its display and thumbnail versions and signatures live under ``blobs/`` (keys of
:func:`sync.evidence.blobs.blob_key`). Each object is hashed as read from the folder (an
original must hash to its name, else it is reported and not copied); one already in the target
that hashes the same is left alone (a re-run copies only what is missing or wrong); anything else
is stored (:mod:`sync.evidence.objects`, :mod:`sync.evidence.s3`) and read back, and its copy must
hash the same. Every blob row must have its original among the objects.

Unfinished uploads keep going: in a folder an upload's bytes are one file ``uploads/<id>``, in an
object store chunks ``uploads/<id>/<offset>`` counted by ``upload.received``
(:mod:`sync.evidence.parts`), so each file becomes the chunk at offset 0 and its size the row's
``received`` (:func:`carry_uploads`, in the copy's last transaction).

Without ``--blobs`` the evidence stays in the data folder (the server on PostgreSQL keeps
``XUNJIAN_BLOB_STORE=file:`` and the same ``XUNJIAN_DATA_DIR``): it is only checked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from msgspec import Struct

from sync.evidence.blobs import blob_key
from sync.evidence.objects import BlobStore, FileObjects
from sync.evidence.parts import part_key
from sync.evidence.uploads import upload_path
from sync.migrate.source import Source

_ORIGINAL = re.compile(r"^[0-9a-f]{64}$")


class ObjectsCopied(Struct):
    """What the evidence pass did: objects and bytes in all, objects copied, what is wrong."""

    objects: int = 0
    bytes: int = 0
    copied: int = 0
    wrong: list[str] = []


def _hash(blocks: Any) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def _same(target: BlobStore, key: str, size: int, sha: str) -> bool:
    """Whether ``target`` holds ``key`` with ``size`` bytes hashing to ``sha``."""
    if target.size(key) != size:
        return False
    try:
        return _hash(target.read(key)) == sha
    except FileNotFoundError:
        return False


def copy_objects(folder: FileObjects, target: BlobStore | None, source: Source) -> ObjectsCopied:
    """Copy (or, without a target, check in place) every evidence object; see the module."""
    done = ObjectsCopied(wrong=[])
    held = set()
    for item in folder.listing("blobs/"):
        name = item.key.rpartition("/")[2]
        if name.startswith(".") or name.endswith(".partial"):
            continue
        sha = _hash(folder.read(item.key))
        if _ORIGINAL.match(name) and sha != name:
            done.wrong.append(f"{item.key}: hashes to {sha} in the data folder, not to its name (not copied)")
            continue
        if target is not None and not _same(target, item.key, item.size, sha):
            target.put_file(item.key, folder.path(item.key))
            done.copied += 1
            if not _same(target, item.key, item.size, sha):
                done.wrong.append(f"{item.key}: its copy in the object store does not hash to {sha}")
                continue
        held.add(item.key)
        done.objects += 1
        done.bytes += item.size
    for org_id, sha in source.blobs():
        if blob_key(org_id, sha) not in held:
            done.wrong.append(f"blob {org_id}/{sha}: a row without its original object")
    return done


def carry_uploads(root: Path, target: BlobStore, source: Source, conn: Any) -> int:
    """Each unfinished upload's file as its chunk at offset 0 in the object store; how many (see the module)."""
    carried = 0
    for upload_id, length in source.unfinished_uploads():
        path = upload_path(root, upload_id)
        size = path.stat().st_size if path.is_file() else 0
        if not 0 < size <= length:
            continue
        target.put_file(part_key(upload_id, 0), path)
        conn.execute("UPDATE upload SET received = %s WHERE id = %s", [size, upload_id])
        carried += 1
    return carried

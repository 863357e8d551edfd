"""An inspection's evidence references (``evidence_ref``): the photos, signature images and voice memos it names.

Kept equal to the document in the push that changes it; a new reference records who added it,
which decides who may read the blob (:mod:`sync.evidence.blobs`).
"""

from __future__ import annotations

import sqlite3

from schemas.catalog import Catalog
from schemas.template import Photo, Signature
from sync.engine.document import resolve_item
from sync.engine.rows import InspectionRow

_SIGNED = ("image_sha256", "witness_image_sha256")


def sync_evidence_refs(conn: sqlite3.Connection, row: InspectionRow, catalog: Catalog, user_id: str) -> None:
    """Keep ``evidence_ref`` equal to the photos, signature images and item notes' voice memos the document references.

    A new reference records who added it (the pusher): it lets others read the blob only
    once its adder holds the bytes (see :mod:`sync.evidence.blobs`).
    """
    index = catalog.index(row.checklist_id, row.version)
    assert index is not None
    wanted: set[tuple[str, str, str]] = set()
    plain = index.plain  # answers to pass/fail, choice, number and text items name no evidence
    for path, state in row.doc.fields.items():
        if path in plain:
            continue
        item = resolve_item(index.items, path)
        if isinstance(item, Photo) and isinstance(state.v, list):
            wanted |= {(sha, path, "photo") for sha in state.v if isinstance(sha, str)}
        elif isinstance(item, Signature) and isinstance(state.v, dict):
            for key in _SIGNED:
                sha = state.v.get(key)
                if isinstance(sha, str):
                    wanted.add((sha, path, "signature"))
    wanted |= {(note.voice.sha256, path, "audio") for path, note in row.doc.notes.items() if note.voice is not None}
    wanted |= _uncarried_refs(row)
    held: set[tuple[str, str, str]] = set(
        conn.execute("SELECT sha256, path, kind FROM evidence_ref WHERE inspection_id = ?", [row.id])
    )
    for sha, path, _kind in held - wanted:
        conn.execute(
            "DELETE FROM evidence_ref WHERE org_id = ? AND sha256 = ? AND inspection_id = ? AND path = ?",
            [row.org_id, sha, row.id, path],
        )
    conn.executemany(
        "INSERT INTO evidence_ref (org_id, sha256, inspection_id, site_id, path, kind, added_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(row.org_id, sha, row.id, row.site_id, path, kind, user_id) for sha, path, kind in wanted - held],
    )


def _uncarried_refs(row: InspectionRow) -> set[tuple[str, str, str]]:
    """The photos and signature images of answers a move to a new version could not carry: they stay kept."""
    refs: set[tuple[str, str, str]] = set()
    for kept in row.doc.uncarried:
        if kept.kind == "photo" and isinstance(kept.value, list):
            refs |= {(sha, kept.path, "photo") for sha in kept.value if isinstance(sha, str)}
        elif kept.kind == "signature" and isinstance(kept.value, dict):
            refs |= {(sha, kept.path, "signature") for k in _SIGNED if isinstance(sha := kept.value.get(k), str)}
    return refs

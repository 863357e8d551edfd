"""An inspection's evidence references (``evidence_ref``): the photos, signature images and voice memos it names.

Kept equal to the document in the push that changes it; a new reference records who added it,
which decides who may read the blob (:mod:`sync.evidence.blobs`). The photos and signature images
offered by the candidates of the inspection's open conflicts (an edit kept aside because the
inspection was approved, or its entry removed) are referenced too, as ``candidate``, added by the
candidate's writer: so their bytes are kept from garbage collection while a supervisor decides, the
supervisor can see them, and a candidate chosen keeps its writer as the one who vouches for it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from schemas.catalog import Catalog, TemplateIndex
from schemas.template import Item, Photo, Signature
from sync.engine.document import candidates_decoder, resolve_item
from sync.engine.rows import InspectionRow

_SIGNED = ("image_sha256", "witness_image_sha256")

Ref = tuple[str, str]  # (sha256, path): one reference per blob and path
Kind = tuple[str, str]  # (kind, added_by)


def sync_evidence_refs(
    conn: sqlite3.Connection, row: InspectionRow, catalog: Catalog, user_id: str, *, new: bool = False
) -> None:
    """Keep ``evidence_ref`` equal to the evidence the document and its open conflicts' candidates name.

    A new reference records who added it: the pusher (``user_id``) for the document's, the writer
    of the candidate for a candidate's. It lets others read the blob only once its adder holds the
    bytes (see :mod:`sync.evidence.blobs`). A reference that changes kind (a candidate chosen, so now
    an answer) keeps who added it. ``new``: the row was created in this transaction, so it holds none yet.
    """
    index = catalog.index(row.checklist_id, row.version)
    assert index is not None
    wanted: dict[Ref, Kind] = {ref: (kind, user_id) for ref, kind in _document_refs(row, index).items()}
    if row.open_conflicts:
        for ref, writer in _candidate_refs(conn, row, index).items():
            wanted.setdefault(ref, ("candidate", writer))
    held: dict[Ref, Kind] = {}
    if not new:
        held = {
            (sha, path): (kind, added_by)
            for sha, path, kind, added_by in conn.execute(
                "SELECT sha256, path, kind, added_by FROM evidence_ref WHERE inspection_id = ?", [row.id]
            )
        }
    conn.executemany(
        "DELETE FROM evidence_ref WHERE org_id = ? AND sha256 = ? AND inspection_id = ? AND path = ?",
        [(row.org_id, sha, row.id, path) for sha, path in held.keys() - wanted.keys()],
    )
    conn.executemany(
        "UPDATE evidence_ref SET kind = ? WHERE org_id = ? AND sha256 = ? AND inspection_id = ? AND path = ?",
        [
            (wanted[(sha, path)][0], row.org_id, sha, row.id, path)
            for sha, path in held.keys() & wanted.keys()
            if held[(sha, path)][0] != wanted[(sha, path)][0]
        ],
    )
    conn.executemany(
        "INSERT INTO evidence_ref (org_id, sha256, inspection_id, site_id, path, kind, added_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (row.org_id, sha, row.id, row.site_id, path, *wanted[(sha, path)])
            for sha, path in wanted.keys() - held.keys()
        ],
    )


def _document_refs(row: InspectionRow, index: TemplateIndex) -> dict[Ref, str]:
    """The photos, signature images and voice memos the document names, with their kind."""
    found: dict[Ref, str] = {}
    plain = index.plain  # answers to pass/fail, choice, number and text items name no evidence
    for path, state in row.doc.fields.items():
        if path in plain:
            continue
        for sha, kind in _named(resolve_item(index.items, path), state.v):
            found[(sha, path)] = kind
    for path, note in row.doc.notes.items():
        if note.voice is not None:
            found[(note.voice.sha256, path)] = "audio"
    for sha, path, kind in _uncarried_refs(row):
        found.setdefault((sha, path), kind)
    return found


def _named(item: Item | None, value: Any) -> list[tuple[str, str]]:
    """The blobs an answer (or a candidate: a photo attached alone) names, with their kind."""
    if isinstance(item, Photo):
        if isinstance(value, list):
            return [(sha, "photo") for sha in value if isinstance(sha, str)]
        if isinstance(value, dict) and isinstance(sha := value.get("attach"), str):
            return [(sha, "photo")]
    elif isinstance(item, Signature) and isinstance(value, dict):
        return [(sha, "signature") for key in _SIGNED if isinstance(sha := value.get(key), str)]
    return []


def _candidate_refs(conn: sqlite3.Connection, row: InspectionRow, index: TemplateIndex) -> dict[Ref, str]:
    """The blobs the candidates of the inspection's open conflicts name, each with the writer who offered it."""
    found: dict[Ref, str] = {}
    for path, candidates in conn.execute(
        "SELECT path, candidates_json FROM conflict WHERE inspection_id = ? AND status = 'open'", [row.id]
    ):
        item = resolve_item(index.items, path)
        for candidate in candidates_decoder.decode(candidates):
            for sha, _kind in _named(item, candidate.value):
                found.setdefault((sha, path), candidate.user_id)
    return found


def _uncarried_refs(row: InspectionRow) -> set[tuple[str, str, str]]:
    """The photos and signature images of answers a move to a new version could not carry: they stay kept."""
    refs: set[tuple[str, str, str]] = set()
    for kept in row.doc.uncarried:
        if kept.kind == "photo" and isinstance(kept.value, list):
            refs |= {(sha, kept.path, "photo") for sha in kept.value if isinstance(sha, str)}
        elif kept.kind == "signature" and isinstance(kept.value, dict):
            refs |= {(sha, kept.path, "signature") for k in _SIGNED if isinstance(sha := kept.value.get(k), str)}
    return refs

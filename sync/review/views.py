"""What a device or supervisor sees of one inspection: answers with who and when, conflicts, evidence, findings."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from msgspec import Struct

from schemas.answers import failed_items
from schemas.catalog import Catalog
from schemas.scoring import Score, score_inspection
from sync.db.named import named_rows
from sync.db.store import Store
from sync.engine.document import Document, answers_of
from sync.engine.ops import Uncarried
from sync.engine.rows import InspectionHead, InspectionRow, load_row
from sync.errors import NotFound
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.findings import FindingBrief, findings_of


class FieldView(Struct, omit_defaults=True):
    """An answer with its field version, who wrote it and their clock; ``stale``: signed before its content changed."""

    value: Any
    fv: int
    hlc: int
    by: str
    stale: bool = False


class ConflictView(Struct, omit_defaults=True):
    """A conflict on one field with its candidates; ``winner`` is the kept candidate."""

    id: str
    inspection_id: str
    site_id: str
    checklist_id: str
    path: str
    kind: str
    status: str
    opened_seq: int
    opened_at: str
    candidates: list[dict[str, Any]]
    winner: str = ""
    resolved_at: str | None = None
    resolved_by: str | None = None
    resolution: dict[str, Any] | None = None
    version: int = 0


class EvidenceSummary(Struct):
    """Which referenced photos and signature images have arrived: "2 of 5 photos received"."""

    photos_received: int
    photos_expected: int
    states: dict[str, str]


class InspectionView(InspectionHead):
    """What a device or supervisor sees of one inspection."""

    updated_seq: int
    answers: dict[str, Any]
    fields: dict[str, FieldView]
    entries: dict[str, dict[str, int]]
    comments: list[dict[str, Any]]
    conflicts: list[ConflictView]
    failed_items: list[str]
    reason: str
    evidence: EvidenceSummary
    score: Score | None
    findings: list[FindingBrief]
    # answer path → the attached photos taken as its evidence
    photo_evidence: dict[str, list[str]] = {}  # noqa: RUF012 - a msgspec Struct copies mutable defaults
    # photo SHA-256 → the camera file's SHA-256 its answer recorded at capture
    photo_captures: dict[str, str] = {}  # noqa: RUF012 - a msgspec Struct copies mutable defaults
    # item path → the inspector's note on it: {text, by, fv}
    notes: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - a msgspec Struct copies mutable defaults
    # answers a move to a newer checklist version could not carry, with their old values (sync.engine.carry)
    uncarried: list[Uncarried] = []  # noqa: RUF012


def conflict_views(
    conn: sqlite3.Connection, where: str, args: list[Any], *, limit: int | None = None
) -> list[ConflictView]:
    """Conflicts with their inspection's checklist version; each candidate names its device (``device_id``).

    Oldest opened first, at most ``limit`` (``None``: all).
    """
    rows = conn.execute(
        "SELECT id, inspection_id, site_id, checklist_id, path, kind, status, opened_seq, opened_at,"
        " candidates_json AS candidates, resolved_at, resolved_by, resolution_json AS resolution,"
        " (SELECT i.version FROM inspection i WHERE i.id = conflict.inspection_id) AS version"
        f" FROM conflict WHERE {where} ORDER BY opened_seq, id" + ("" if limit is None else " LIMIT ?"),
        args if limit is None else [*args, limit],
    )
    views = [_conflict_view(r) for r in named_rows(rows)]
    _name_devices(conn, [c for v in views for c in v.candidates])
    return views


def _conflict_view(r: dict[str, Any]) -> ConflictView:
    """A conflict row as its view: the winner is the resolution's, else the first candidate."""
    resolution = msgspec.json.decode(r["resolution"]) if r["resolution"] else None
    candidates = msgspec.json.decode(r["candidates"])
    winner = resolution.get("winner", "") if isinstance(resolution, dict) else ""
    return ConflictView(
        id=r["id"],
        inspection_id=r["inspection_id"],
        site_id=r["site_id"],
        checklist_id=r["checklist_id"],
        path=r["path"],
        kind=r["kind"],
        status=r["status"],
        opened_seq=r["opened_seq"],
        opened_at=r["opened_at"],
        candidates=candidates,
        winner=winner or (candidates[0]["id"] if candidates else ""),
        resolved_at=r["resolved_at"],
        resolved_by=r["resolved_by"],
        resolution=resolution,
        version=r["version"] or 0,
    )


def _name_devices(conn: sqlite3.Connection, candidates: list[dict[str, Any]]) -> None:
    """Add ``device_id`` and ``device_name`` to each candidate from its client (only when there are candidates)."""
    clients = sorted({c["client_id"] for c in candidates if c.get("client_id")})
    devices: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(clients), 500):
        chunk = clients[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT c.client_id, c.device_id, d.name FROM client c LEFT JOIN device d ON d.id = c.device_id"
            f" WHERE c.client_id IN ({marks})",
            chunk,
        )
        devices.update((client_id, (device_id, name)) for client_id, device_id, name in rows)
    for candidate in candidates:
        candidate["device_id"], candidate["device_name"] = devices.get(candidate.get("client_id") or "", (None, None))


def view_of(conn: sqlite3.Connection, row: InspectionRow, catalog: Catalog) -> InspectionView:
    """The full view of an inspection: answers, field versions, entries, comments, conflicts."""
    doc = row.doc
    answers = answers_of(doc)
    template = catalog.get(row.checklist_id, row.version)
    return InspectionView(
        id=row.id,
        site_id=row.site_id,
        checklist_id=row.checklist_id,
        version=row.version,
        inspector_id=row.inspector_id,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_seq=row.updated_seq,
        answers=answers,
        fields=_field_views(conn, doc),
        entries={k: {"fv": e.fv, "removed": e.removed} for k, e in doc.entries.items()},
        comments=[msgspec.to_builtins(c) for c in doc.comments],
        conflicts=conflict_views(conn, "inspection_id = ?", [row.id]),
        failed_items=failed_items(template, answers) if template is not None else [],
        reason=doc.reason,
        evidence=evidence_summary(conn, row.id),
        score=score_inspection(template, answers) if template is not None else None,
        findings=findings_of(conn, row.id),
        photo_evidence=photo_evidence(doc),
        photo_captures=dict(doc.photo_captures),
        notes={path: msgspec.to_builtins(n) for path, n in doc.notes.items()},
        uncarried=doc.uncarried,
    )


def photo_evidence(doc: Document) -> dict[str, list[str]]:
    """Answer path → its evidence photos, those still attached to a photo item, in the order held."""
    if not doc.photo_items:
        return {}
    attached = [sha for state in doc.fields.values() if state.tags is not None for sha in state.v]
    evidence: dict[str, list[str]] = {}
    for sha in dict.fromkeys(attached):
        path = doc.photo_items.get(sha)
        if path is not None:
            evidence.setdefault(path, []).append(sha)
    return evidence


def evidence_summary(conn: sqlite3.Connection, inspection_id: str) -> EvidenceSummary:
    """Each referenced blob as ``ready`` or ``awaiting`` (until the one who attached it uploads it), and the counts."""
    rows = conn.execute(
        "SELECT r.sha256, r.kind, max(CASE WHEN h.sha256 IS NULL THEN 0 ELSE 1 END)"
        " FROM evidence_ref r LEFT JOIN blob_holder h"
        " ON h.org_id = r.org_id AND h.sha256 = r.sha256 AND h.user_id = r.added_by WHERE r.inspection_id = ?"
        " GROUP BY r.sha256, r.kind",
        [inspection_id],
    ).fetchall()
    states = {sha: "ready" if ready else "awaiting" for sha, _, ready in rows}
    photos = {sha: bool(ready) for sha, kind, ready in rows if kind == "photo"}
    return EvidenceSummary(sum(photos.values()), len(photos), states)


def _field_views(conn: sqlite3.Connection, doc: Document) -> dict[str, FieldView]:
    """Each answer with who wrote it and when, from the op log rows of its field versions."""
    seqs = sorted({s.fv for s in doc.fields.values()})
    writers: dict[int, tuple[str, int]] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for seq, user_id, hlc in conn.execute(f"SELECT seq, user_id, hlc FROM op_log WHERE seq IN ({marks})", chunk):
            writers[seq] = (user_id, hlc)
    views = {}
    for path, state in doc.fields.items():
        by, hlc = writers.get(state.fv, ("", 0))
        views[path] = FieldView(state.v, state.fv, hlc, by, state.stale)
    return views


def get_inspection(store: Store, catalog: Catalog, user: User, inspection_id: str) -> InspectionView:
    """One inspection in the caller's scope."""
    conn = store.db.conn
    row = load_row(conn, inspection_id)
    if row is None or row.org_id != user.org_id or row.site_id not in site_ids_in_scope(store, user):
        raise NotFound(f"no inspection {inspection_id!r}")  # out of scope reads as unknown: no probing
    return view_of(conn, row, catalog)

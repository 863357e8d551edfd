"""What a device pulls of one inspection: the compact document.

The supervisor's view (:class:`sync.review.views.InspectionView`) repeats every answer in
``fields`` with its version, clock and author. A phone needs each value once and its field
version (to base its next edit on), so the pulled document holds ``values``: every field path →
its value (``null`` when cleared), in ascending field-version order; ``fv``: runs ``[count, step]``
over those paths in that order, each of the ``count`` fields at the previous one's version plus
``step`` (the first from 0); ``by``: runs ``[count, index into authors]`` the same way; ``stale``:
the signatures marked stale. Paths start with a letter, so JSON parsers keep their order
(JavaScript keeps insertion order for keys that are not integers). The device rebuilds the
answers from the values and the live group entries, as :func:`sync.engine.document.answers_of`
does. Clocks, the score and the evidence summary stay on the supervisor's view (the phone shows
none of them); empty parts are left out.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from msgspec import Struct

from schemas.answers import failed_items
from schemas.catalog import Catalog
from sync.engine.document import Document, answers_of
from sync.engine.ops import Uncarried
from sync.engine.rows import InspectionRow
from sync.review.findings import UNVERIFIED, FindingBrief, findings_of
from sync.review.views import ConflictView, conflict_views, photo_evidence

OWN_WORK = ("draft", "returned")


class PulledInspection(Struct, omit_defaults=True):
    """One inspection as a device pulls it; ``keep`` says why it stays on the device outside the window."""

    id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    created_at: str
    updated_at: str
    updated_seq: int
    values: dict[str, Any] = {}
    fv: list[tuple[int, int]] = []
    authors: list[str] = []
    by: list[tuple[int, int]] = []
    stale: list[str] = []
    entries: dict[str, tuple[int, int]] = {}
    comments: list[dict[str, Any]] = []
    conflicts: list[ConflictView] = []
    failed_items: list[str] = []
    reason: str = ""
    findings: list[FindingBrief] = []
    photo_evidence: dict[str, list[str]] = {}
    uncarried: list[Uncarried] = []
    keep: str = ""
    notes: dict[str, dict[str, Any]] = {}


def keep_reason(row: InspectionRow, findings: list[FindingBrief], user_id: str) -> str:
    """Why ``user_id``'s device keeps the inspection whatever its age: ``own`` work or an open ``action``."""
    if row.inspector_id == user_id and row.status in OWN_WORK:
        return "own"
    if any(f.status == "active" and f.action_status in UNVERIFIED for f in findings):
        return "action"
    return ""


def pulled_of(conn: sqlite3.Connection, row: InspectionRow, catalog: Catalog, user_id: str) -> PulledInspection:
    """The compact document of one inspection for ``user_id``'s device."""
    doc = row.doc
    template = catalog.get(row.checklist_id, row.version)
    values, fv, authors, by = _compact_fields(conn, doc)
    findings = findings_of(conn, row.id)
    return PulledInspection(
        id=row.id,
        site_id=row.site_id,
        checklist_id=row.checklist_id,
        version=row.version,
        inspector_id=row.inspector_id,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_seq=row.updated_seq,
        values=values,
        fv=fv,
        authors=authors,
        by=by,
        stale=[path for path, state in doc.fields.items() if state.stale],
        entries={key: (e.fv, e.removed) for key, e in doc.entries.items()},
        comments=[msgspec.to_builtins(c) for c in doc.comments],
        conflicts=conflict_views(conn, "inspection_id = ?", [row.id]),
        failed_items=failed_items(template, answers_of(doc)) if template is not None else [],
        reason=doc.reason,
        findings=findings,
        photo_evidence=photo_evidence(doc),
        uncarried=doc.uncarried,
        keep=keep_reason(row, findings, user_id),
        notes={path: msgspec.to_builtins(n) for path, n in doc.notes.items()},
    )


def _compact_fields(
    conn: sqlite3.Connection, doc: Document
) -> tuple[dict[str, Any], list[tuple[int, int]], list[str], list[tuple[int, int]]]:
    """The values in field-version order, the runs of their versions, their authors and the runs naming them."""
    ordered = sorted(doc.fields.items(), key=lambda item: (item[1].fv, item[0]))
    writers = _writers(conn, sorted({state.fv for _, state in ordered}))
    authors: dict[str, int] = {}
    fv: list[tuple[int, int]] = []
    by: list[tuple[int, int]] = []
    previous = 0
    for _, state in ordered:
        _extend(fv, state.fv - previous)
        previous = state.fv
        _extend(by, authors.setdefault(writers.get(state.fv, ""), len(authors)))
    return {path: state.v for path, state in ordered}, fv, list(authors), by


def _extend(runs: list[tuple[int, int]], value: int) -> None:
    """Add one ``value`` to runs of ``[count, value]``."""
    if runs and runs[-1][1] == value:
        runs[-1] = (runs[-1][0] + 1, value)
    else:
        runs.append((1, value))


def _writers(conn: sqlite3.Connection, seqs: list[int]) -> dict[int, str]:
    """Who made the op at each server sequence, from the op log."""
    writers: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        marks = ",".join("?" * len(chunk))
        writers.update(conn.execute(f"SELECT seq, user_id FROM op_log WHERE seq IN ({marks})", chunk))
    return writers

"""The review queue: inspections in scope, filtered the way a supervisor looks for work.

Each row carries the inspection's score and verdict, computed on read by
``schemas.scoring`` from its checklist version and answers, not stored: a stored score
would have to be kept current wherever answers change (every push), and the queue reads
at most ``limit`` rows (200 by default) anyway. The score filters (``min_score``,
``max_score``, ``verdict``) are applied after computing: the rows matching the other
filters are read newest first and scored until ``limit`` of them match, so a narrow
score filter over a wide scope reads more rows; narrow it by status, site or dates.
An inspection without a score (nothing scored yet, or every scored item not applicable)
matches no score bound, and one without a verdict matches no verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from msgspec import Struct

from schemas.catalog import Catalog
from schemas.scoring import score_inspection
from sync.db.store import Store
from sync.engine.document import answers_of, decode_document
from sync.errors import InvalidFilter
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope

Verdict = Literal["pass", "fail"]


class InspectionFilter(Struct, omit_defaults=True):
    """Every filter is optional; dates are ``YYYY-MM-DD`` on the last change (UTC); scores 0–100."""

    status: str | None = None
    site_id: str | None = None
    district_id: str | None = None
    checklist_id: str | None = None
    inspector_id: str | None = None
    since: str | None = None
    until: str | None = None
    has_conflicts: bool | None = None
    has_missing_photos: bool | None = None
    limit: int = 200
    min_score: float | None = None
    max_score: float | None = None
    verdict: Verdict | None = None


class InspectionSummary(Struct):
    id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    created_at: str
    updated_at: str
    open_conflicts: int
    photos_expected: int
    photos_received: int
    score: float | None = None
    verdict: Verdict | None = None
    failed_critical: int = 0


_PHOTOS = (
    "(SELECT count(DISTINCT r.sha256) FROM evidence_ref r WHERE r.inspection_id = i.id AND r.kind = 'photo')",
    "(SELECT count(DISTINCT r.sha256) FROM evidence_ref r JOIN blob b ON b.org_id = r.org_id"
    " AND b.sha256 = r.sha256 WHERE r.inspection_id = i.id AND r.kind = 'photo')",
)


def list_inspections(store: Store, catalog: Catalog, user: User, filters: InspectionFilter) -> list[InspectionSummary]:
    """Inspections at sites in the caller's scope, newest change first, each with its score."""
    low, high = filters.min_score, filters.max_score
    if low is not None and high is not None and low > high:
        raise InvalidFilter(f"min_score {low:g} is above max_score {high:g}")
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    where = [f"i.site_id IN ({','.join('?' * len(scope))})", "i.status != 'deleted'"]
    args: list[Any] = list(scope)
    for column in ("status", "site_id", "checklist_id", "inspector_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"i.{column} = ?")
            args.append(value)
    if filters.district_id is not None:
        where.append("i.site_id IN (SELECT id FROM site WHERE district_id = ?)")
        args.append(filters.district_id)
    if filters.since is not None:
        where.append("i.updated_at >= ?")
        args.append(filters.since)
    if filters.until is not None:
        where.append("i.updated_at < date(?, '+1 day')")
        args.append(filters.until)
    if filters.has_conflicts is not None:
        where.append("i.open_conflicts > 0" if filters.has_conflicts else "i.open_conflicts = 0")
    if filters.has_missing_photos is not None:
        where.append(f"{_PHOTOS[0]} {'>' if filters.has_missing_photos else '='} {_PHOTOS[1]}")
    by_score = low is not None or high is not None or filters.verdict is not None
    sql = (
        "SELECT i.id, i.site_id, i.checklist_id, i.version, i.inspector_id, i.status, i.created_at, i.updated_at,"
        f" i.open_conflicts, {_PHOTOS[0]}, {_PHOTOS[1]}, i.state_json FROM inspection i WHERE {' AND '.join(where)}"
        " ORDER BY i.updated_seq DESC"
    )
    if not by_score:
        sql += " LIMIT ?"
        args.append(filters.limit)
    found: list[InspectionSummary] = []
    for row in _scored(catalog, store.db.execute(sql, args)):
        if by_score and not _matches(row, filters):
            continue
        found.append(row)
        if len(found) >= filters.limit:
            break
    return found


def _scored(catalog: Catalog, rows: Iterable[tuple[Any, ...]]) -> Iterable[InspectionSummary]:
    for r in rows:
        summary = InspectionSummary(*r[:11])
        template = catalog.get(summary.checklist_id, summary.version)
        if template is not None:
            score = score_inspection(template, answers_of(decode_document(r[11])))
            summary.score = score.score
            summary.verdict = None if score.passed is None else "pass" if score.passed else "fail"
            summary.failed_critical = len(score.failed_critical)
        yield summary


def _matches(row: InspectionSummary, filters: InspectionFilter) -> bool:
    if filters.verdict is not None and row.verdict != filters.verdict:
        return False
    if filters.min_score is not None and (row.score is None or row.score < filters.min_score):
        return False
    return filters.max_score is None or (row.score is not None and row.score <= filters.max_score)

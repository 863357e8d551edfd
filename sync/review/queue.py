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
from sync.db.named import named_rows
from sync.db.store import Store
from sync.engine.document import answers_of, decode_document
from sync.engine.rows import InspectionHead
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


class InspectionSummary(InspectionHead):
    """One inspection as the queue lists it: open conflicts, photos received of those expected, its score."""

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
_SELECT = (
    "SELECT i.id, i.site_id, i.checklist_id, i.version, i.inspector_id, i.status, i.created_at, i.updated_at,"
    f" i.open_conflicts, {_PHOTOS[0]} AS photos_expected, {_PHOTOS[1]} AS photos_received, i.state_json"
    " FROM inspection i"
)


def list_inspections(store: Store, catalog: Catalog, user: User, filters: InspectionFilter) -> list[InspectionSummary]:
    """Inspections at sites in the caller's scope, newest change first, each with its score."""
    low, high = filters.min_score, filters.max_score
    if low is not None and high is not None and low > high:
        raise InvalidFilter(f"min_score {low:g} is above max_score {high:g}")
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    where, args = _conditions(scope, filters)
    by_score = low is not None or high is not None or filters.verdict is not None
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY i.updated_seq DESC"
    if not by_score:
        sql += " LIMIT ?"
        args.append(filters.limit)
    found: list[InspectionSummary] = []
    for row in _scored(catalog, named_rows(store.db.execute(sql, args))):
        if by_score and not _matches(row, filters):
            continue
        found.append(row)
        if len(found) >= filters.limit:
            break
    return found


def _conditions(scope: list[str], filters: InspectionFilter) -> tuple[list[str], list[Any]]:
    """The ``WHERE`` conditions and their arguments of every filter but the score ones."""
    where = [f"i.site_id IN ({','.join('?' * len(scope))})", "i.status != 'deleted'"]
    args: list[Any] = list(scope)
    for column in ("status", "site_id", "checklist_id", "inspector_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"i.{column} = ?")
            args.append(value)
    for condition, value in (
        ("i.site_id IN (SELECT id FROM site WHERE district_id = ?)", filters.district_id),
        ("i.updated_at >= ?", filters.since),
        ("i.updated_at < date(?, '+1 day')", filters.until),
    ):
        if value is not None:
            where.append(condition)
            args.append(value)
    if filters.has_conflicts is not None:
        where.append("i.open_conflicts > 0" if filters.has_conflicts else "i.open_conflicts = 0")
    if filters.has_missing_photos is not None:
        where.append(f"{_PHOTOS[0]} {'>' if filters.has_missing_photos else '='} {_PHOTOS[1]}")
    return where, args


def _scored(catalog: Catalog, rows: Iterable[dict[str, Any]]) -> Iterable[InspectionSummary]:
    """Each row as its summary, with the score of its answers where its checklist version is known."""
    for r in rows:
        state = r.pop("state_json")
        summary = InspectionSummary(**r)
        template = catalog.get(summary.checklist_id, summary.version)
        if template is not None:
            score = score_inspection(template, answers_of(decode_document(state)))
            summary.score = score.score
            summary.verdict = None if score.passed is None else "pass" if score.passed else "fail"
            summary.failed_critical = len(score.failed_critical)
        yield summary


def _matches(row: InspectionSummary, filters: InspectionFilter) -> bool:
    """Whether a scored row meets the score and verdict filters."""
    if filters.verdict is not None and row.verdict != filters.verdict:
        return False
    if filters.min_score is not None and (row.score is None or row.score < filters.min_score):
        return False
    return filters.max_score is None or (row.score is not None and row.score <= filters.max_score)

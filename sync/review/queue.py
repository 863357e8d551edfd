"""The review queue: inspections in scope, filtered the way a supervisor looks for work, in keyset pages.

Each row carries the inspection's score, verdict and failed critical items as stored in its
facts (``inspection_fact``, :mod:`sync.engine.facts`): computed from its checklist version and
answers in the transaction that changed it, so the queue scores nothing on read. The score
filters (``min_score``, ``max_score``, ``verdict``) are SQL conditions on the stored score
(integer tenths) and verdict, like every other filter, so a page reads only its own rows.
An inspection without a score (nothing scored yet, or every scored item not applicable)
matches no score bound, and one without a verdict matches no verdict.

Rows come newest change first, by ``(updated_seq, id)``; a page ends with a ``cursor`` (see
:mod:`sync.db.paging`) and the next page reads the rows after it through the
``(site_id, updated_seq)`` index, so a deep page costs what the first one does. A row changed
after the caller passed it moves to the front and is not repeated.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from math import ceil, floor
from typing import Any, Literal

from msgspec import Struct

from sync.db.dialect import SCORE_AT_LEAST, SCORE_AT_MOST, VERDICT_IS
from sync.db.named import named_rows
from sync.db.paging import decode_cursor, encode_cursor
from sync.db.store import Store
from sync.engine.rows import InspectionHead
from sync.errors import InvalidFilter
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope

Verdict = Literal["pass", "fail"]


class InspectionFilter(Struct, omit_defaults=True):
    """Every filter is optional; dates ``YYYY-MM-DD`` on the last change (UTC); scores 0–100; a page's ``cursor``."""

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
    cursor: str | None = None


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
    f" i.open_conflicts, {_PHOTOS[0]} AS photos_expected, {_PHOTOS[1]} AS photos_received,"
    " i.updated_seq, f.score_tenths, f.verdict, coalesce(f.failed_critical, 0) AS failed_critical"
    " FROM inspection i LEFT JOIN inspection_fact f ON f.inspection_id = i.id"
)
_CURSOR = (int, str)
FEW_SITES = 20  # up to this many sites in scope, the queue reads each site's rows through its index


class Page(Struct):
    """One page of the queue and the cursor of the next (``None`` on the last page)."""

    items: list[InspectionSummary]
    next_cursor: str | None


def list_inspections(store: Store, user: User, filters: InspectionFilter) -> Page:
    """Inspections at sites in the caller's scope, newest change first, each with its stored score."""
    low, high = filters.min_score, filters.max_score
    if low is not None and high is not None and low > high:
        raise InvalidFilter(f"min_score {low:g} is above max_score {high:g}")
    after = None if filters.cursor is None else decode_cursor(filters.cursor, _CURSOR)
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return Page([], None)
    where, args = _conditions(scope, filters)
    score_where, score_args = _score_conditions(filters)
    where += score_where
    args += score_args
    if after is not None:  # (updated_seq, id) below the cursor's, as a range on updated_seq first
        where.append("i.updated_seq <= ? AND (i.updated_seq < ? OR i.id < ?)")
        args += [after[0], after[0], after[1]]
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY i.updated_seq DESC, i.id DESC LIMIT ?"
    rows = list(named_rows(store.db.execute(sql, [*args, filters.limit + 1])))
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = encode_cursor([rows[-1]["updated_seq"], rows[-1]["id"]]) if more else None
    return Page([_summary(r) for r in rows], next_cursor)


def _score_conditions(filters: InspectionFilter) -> tuple[list[str], list[Any]]:
    """The ``WHERE`` conditions of the score and verdict filters, on the stored score in tenths.

    No score or verdict matches none; written with ``coalesce`` so the join stays a left join read in
    the queue's order (a condition rejecting ``NULL`` lets SQLite's planner start from the facts
    instead); PostgreSQL gets the plain conditions (``sync.db.dialect``).
    """
    where: list[str] = []
    args: list[Any] = []
    if filters.min_score is not None:
        where.append(SCORE_AT_LEAST)
        args.append(ceil(Fraction(repr(filters.min_score)) * 10))
    if filters.max_score is not None:
        where.append(SCORE_AT_MOST)
        args.append(floor(Fraction(repr(filters.max_score)) * 10))
    if filters.verdict is not None:
        where.append(VERDICT_IS)
        args.append(1 if filters.verdict == "pass" else 0)
    return where, args


def _summary(row: dict[str, Any]) -> InspectionSummary:
    """A row as the queue lists it: the stored score in tenths as one decimal, the verdict as a word."""
    row.pop("updated_seq")
    tenths, verdict = row.pop("score_tenths"), row.pop("verdict")
    return InspectionSummary(
        **row,
        score=None if tenths is None else tenths / 10,
        verdict=None if verdict is None else "pass" if verdict else "fail",
    )


def _conditions(scope: list[str], filters: InspectionFilter) -> tuple[list[str], list[Any]]:
    """The ``WHERE`` conditions and their arguments of every filter but the score ones and the cursor."""
    # A wide scope is read along the updated_seq index, stopping at the page's end; a few sites through
    # their (site_id, updated_seq) index. ``site_id || ''`` keeps the planner off the site index (plain SQL).
    site = "i.site_id" if len(scope) <= FEW_SITES or filters.site_id is not None else "i.site_id || ''"
    where = [f"{site} IN ({','.join('?' * len(scope))})", "i.status != 'deleted'"]
    args: list[Any] = list(scope)
    for column in ("status", "site_id", "checklist_id", "inspector_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"i.{column} = ?")
            args.append(value)
    for condition, value in (
        ("i.site_id IN (SELECT id FROM site WHERE district_id = ?)", filters.district_id),
        ("i.updated_at >= ?", filters.since),
        ("i.updated_at < ?", None if filters.until is None else _day_after(filters.until)),
    ):
        if value is not None:
            where.append(condition)
            args.append(value)
    if filters.has_conflicts is not None:
        where.append("i.open_conflicts > 0" if filters.has_conflicts else "i.open_conflicts = 0")
    if filters.has_missing_photos is not None:
        where.append(f"{_PHOTOS[0]} {'>' if filters.has_missing_photos else '='} {_PHOTOS[1]}")
    return where, args


def _day_after(until: str) -> str:
    """The day after ``until``'s date, ISO (``''``, before every time, when it is no date: nothing matches)."""
    try:
        return (date.fromisoformat(until[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        return ""

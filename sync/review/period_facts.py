"""A period's stored facts added up in SQL: what the reports read instead of decoding documents.

Each query covers the *done* inspections (``submitted``, ``returned``, ``approved``) of some
sites started on China days ``first`` … ``last`` (``inspection_fact.china_day``), through the
index on ``(site_id, china_day, status)``. Plain SQL, as PostgreSQL runs it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from msgspec import Struct

from schemas.catalog import Catalog
from sync.db.named import named_rows
from sync.db.store import Store
from sync.engine.document import resolve_item
from sync.review.register import LISTED_INSPECTIONS

DONE = LISTED_INSPECTIONS  # submitted, returned, approved


class Totals(Struct):
    """Counts and sums over a period's done inspections (scores in tenths)."""

    by_status: dict[str, int]
    score_tenths: int
    scored: int
    passed: int
    verdicts: int
    failed_answers: int


class ItemCount(Struct):
    """A checklist item with how many answers failed it, its label, clause and severity from its latest version."""

    checklist_id: str
    item_path: str
    label: dict[str, str]
    clause: str
    severity: str
    count: int


def _done(sites: list[str], first: date, last: date, alias: str = "f") -> tuple[str, list[Any]]:
    """The ``WHERE`` condition (on fact rows ``alias``) and arguments of the done inspections of the period."""
    condition = (
        f"{alias}.site_id IN ({','.join('?' * len(sites))}) AND {alias}.china_day >= ? AND {alias}.china_day <= ?"
        f" AND {alias}.status IN ({','.join('?' * len(DONE))})"
    )
    return condition, [*sites, first.isoformat(), last.isoformat(), *DONE]


def totals(store: Store, sites: list[str], first: date, last: date) -> Totals:
    """Inspections by status, the sum and count of scores, verdicts, passes and failed answers."""
    found = Totals({}, 0, 0, 0, 0, 0)
    if not sites:
        return found
    where, args = _done(sites, first, last)
    rows = store.db.execute(
        "SELECT f.status, count(*), coalesce(sum(f.score_tenths), 0), count(f.score_tenths),"
        " coalesce(sum(f.verdict), 0), count(f.verdict), coalesce(sum(f.failed_answers), 0)"
        f" FROM inspection_fact f WHERE {where} GROUP BY f.status ORDER BY f.status",
        args,
    )
    for status, count, tenths, scored, passed, verdicts, failed in rows:
        found.by_status[status] = count
        found.score_tenths += tenths
        found.scored += scored
        found.passed += passed
        found.verdicts += verdicts
        found.failed_answers += failed
    return found


def failing(
    store: Store, catalog: Catalog, sites: list[str], first: date, last: date, top: int
) -> tuple[list[ItemCount], list[tuple[str, int]]]:
    """The ``top`` items failed most and the ``top`` clauses cited by most failed answers.

    One ``GROUP BY`` over the period's failed items by checklist, item and clause (a few hundred
    groups), added up here: items by most failed answers, ties by checklist and item path; clauses
    likewise, ties by clause. An item's label, clause and severity are those of the version of the
    inspection with the greatest id among the period's that failed it.
    """
    if not sites:
        return [], []
    where, args = _done(sites, first, last)
    groups = store.db.execute(
        "SELECT x.checklist_id, x.item_path, x.clause, sum(x.count), max(x.inspection_id)"
        f" FROM inspection_failure x JOIN inspection_fact f ON f.inspection_id = x.inspection_id WHERE {where}"
        " GROUP BY x.checklist_id, x.item_path, x.clause",
        args,
    ).fetchall()
    items: dict[tuple[str, str], list[Any]] = {}
    clauses: dict[str, int] = {}
    for checklist_id, item_path, clause, count, latest in groups:
        held = items.setdefault((checklist_id, item_path), [0, latest])
        held[0] += count
        held[1] = max(held[1], latest)
        clauses[clause] = clauses.get(clause, 0) + count
    ranked = sorted(items.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
    found = []
    for (checklist_id, item_path), (count, latest) in ranked:
        version, clause, severity = store.db.execute(
            "SELECT f.version, x.clause, x.severity FROM inspection_failure x"
            " JOIN inspection_fact f ON f.inspection_id = x.inspection_id"
            " WHERE x.inspection_id = ? AND x.item_path = ?",
            [latest, item_path],
        ).fetchone()
        label = _label(catalog, checklist_id, version, item_path)
        found.append(ItemCount(checklist_id, item_path, label, clause, severity, count))
    return found, sorted(clauses.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _label(catalog: Catalog, checklist_id: str, version: int, item_path: str) -> dict[str, str]:
    """An item's label in the version named (the item path when the version is not here)."""
    index = catalog.index(checklist_id, version)
    top, _, child = item_path.partition("/")
    item = None if index is None else resolve_item(index.items, f"{top}/_/{child}" if child else top)
    if item is None:
        return {"zh": item_path, "en": item_path}
    return {"zh": item.label.zh, "en": item.label.en}


def finding_rows(store: Store, sites: list[str], first: date, last: date) -> Iterator[dict[str, Any]]:
    """The active findings of the period's done inspections with their actions, by name."""
    if not sites:
        return
    where, args = _done(sites, first, last, "x")
    rows = store.db.execute(
        "SELECT f.status, a.status AS action_status, a.deadline, f.created_at, a.closed_at, f.repeat_of"
        " FROM inspection_fact x JOIN finding f ON f.inspection_id = x.inspection_id"
        f" JOIN corrective_action a ON a.finding_id = f.id WHERE f.status = 'active' AND {where}",
        args,
    )
    yield from list(named_rows(rows))

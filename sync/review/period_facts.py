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


def top_items(store: Store, catalog: Catalog, sites: list[str], first: date, last: date, top: int) -> list[ItemCount]:
    """The ``top`` items failed most (ties by checklist and item path), each described by its latest inspection.

    The label, clause and severity are those of the version of the inspection with the greatest id
    among the period's that failed the item.
    """
    if not sites:
        return []
    where, args = _done(sites, first, last)
    joined = f"inspection_failure x JOIN inspection_fact f ON f.inspection_id = x.inspection_id WHERE {where}"
    rows = store.db.execute(
        f"SELECT x.checklist_id, x.item_path, sum(x.count) AS n FROM {joined}"
        " GROUP BY x.checklist_id, x.item_path ORDER BY n DESC, x.checklist_id, x.item_path LIMIT ?",
        [*args, top],
    ).fetchall()
    found = []
    for checklist_id, item_path, count in rows:
        version, clause, severity = store.db.execute(
            f"SELECT f.version, x.clause, x.severity FROM {joined} AND x.checklist_id = ? AND x.item_path = ?"
            " ORDER BY x.inspection_id DESC LIMIT 1",
            [*args, checklist_id, item_path],
        ).fetchone()
        found.append(
            ItemCount(
                checklist_id, item_path, _label(catalog, checklist_id, version, item_path), clause, severity, count
            )
        )
    return found


def _label(catalog: Catalog, checklist_id: str, version: int, item_path: str) -> dict[str, str]:
    """An item's label in the version named (the item path when the version is not here)."""
    index = catalog.index(checklist_id, version)
    top, _, child = item_path.partition("/")
    item = None if index is None else resolve_item(index.items, f"{top}/_/{child}" if child else top)
    if item is None:
        return {"zh": item_path, "en": item_path}
    return {"zh": item.label.zh, "en": item.label.en}


def top_clauses(store: Store, sites: list[str], first: date, last: date, top: int) -> list[tuple[str, int]]:
    """The ``top`` clauses cited by most failed answers, ties by clause."""
    if not sites:
        return []
    where, args = _done(sites, first, last)
    rows = store.db.execute(
        "SELECT x.clause, sum(x.count) AS n FROM inspection_failure x"
        f" JOIN inspection_fact f ON f.inspection_id = x.inspection_id WHERE {where}"
        " GROUP BY x.clause ORDER BY n DESC, x.clause LIMIT ?",
        [*args, top],
    )
    return [(clause, count) for clause, count in rows]


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

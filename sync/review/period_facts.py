"""A period's stored facts added up in SQL: what the reports read instead of decoding documents.

Each query covers the *done* inspections (``submitted``, ``returned``, ``approved``) of some
sites started on China days ``first`` … ``last`` (``inspection_fact.china_day``). A period of
whole months (every report's) adds up the rollups per district and month when the sites are
whole districts (a district, a supervisor's districts, the organisation: a few hundred rows per
district and month whatever the history), else per site and month (:mod:`sync.engine.rollups`);
any other range reads the facts through the index on ``(site_id, china_day, status)``. All give
the same figures. Plain SQL, as PostgreSQL runs it too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from msgspec import Struct

from schemas.catalog import Catalog
from sync.db.dialect import DAYS_TO_CLOSE
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


def whole_months(first: date, last: date) -> list[str] | None:
    """The months (``YYYY-MM``) ``first`` … ``last`` spans when it is whole months, else ``None``."""
    if first.day != 1 or (last + timedelta(days=1)).day != 1 or last < first:
        return None
    months, at = [], first
    while at <= last:
        months.append(f"{at.year}-{at.month:02d}")
        at = (at + timedelta(days=32)).replace(day=1)
    return months


def whole_districts(store: Store, sites: list[str]) -> list[str] | None:
    """The districts whose sites are exactly ``sites``, else ``None`` (some district is there in part)."""
    marks = ",".join("?" * len(sites))
    rows = store.db.execute(
        f"SELECT id, district_id FROM site WHERE district_id IN (SELECT district_id FROM site WHERE id IN ({marks}))",
        sites,
    ).fetchall()
    if {site for site, _ in rows} != set(sites):
        return None
    return sorted({district for _, district in rows})


def _rolled(store: Store, kind: str, sites: list[str], months: list[str]) -> tuple[str, str, list[Any]]:
    """The rollup table of ``kind`` (``total``, ``failure``, ``action``) and the ``WHERE`` of these sites and months.

    Per district when the sites are whole districts, else per site; the condition with its arguments.
    """
    districts = whole_districts(store, sites)
    table, column, keys = (
        (f"rollup_{kind}", "site_id", sites)
        if districts is None
        else (f"rollup_district_{kind}", "district_id", districts)
    )
    condition = f"{column} IN ({','.join('?' * len(keys))}) AND china_month IN ({','.join('?' * len(months))})"
    return table, condition, [*keys, *months]


def totals(store: Store, sites: list[str], first: date, last: date) -> Totals:
    """Inspections by status, the sum and count of scores, verdicts, passes and failed answers."""
    found = Totals({}, 0, 0, 0, 0, 0)
    if not sites:
        return found
    months = whole_months(first, last)
    if months is not None:
        table, where, args = _rolled(store, "total", sites, months)
        query = (
            "SELECT status, sum(inspections), sum(score_tenths), sum(scored), sum(passed), sum(verdicts),"
            f" sum(failed_answers) FROM {table} WHERE {where} GROUP BY status ORDER BY status"
        )
    else:
        where, args = _done(sites, first, last)
        query = (
            "SELECT f.status, count(*), coalesce(sum(f.score_tenths), 0), count(f.score_tenths),"
            " coalesce(sum(f.verdict), 0), count(f.verdict), coalesce(sum(f.failed_answers), 0)"
            f" FROM inspection_fact f WHERE {where} GROUP BY f.status ORDER BY f.status"
        )
    rows = store.db.execute(query, args)
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
    months = whole_months(first, last)
    if months is not None:
        table, where, args = _rolled(store, "failure", sites, months)
        query = (
            f"SELECT checklist_id, item_path, clause, sum(count), max(latest) FROM {table}"
            f" WHERE {where} GROUP BY checklist_id, item_path, clause"
        )
    else:
        where, args = _done(sites, first, last)
        query = (
            "SELECT x.checklist_id, x.item_path, x.clause, sum(x.count), max(x.inspection_id)"
            f" FROM inspection_failure x JOIN inspection_fact f ON f.inspection_id = x.inspection_id WHERE {where}"
            " GROUP BY x.checklist_id, x.item_path, x.clause"
        )
    groups = store.db.execute(query, args).fetchall()
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


class ActionCounts(Struct):
    """The corrective actions of a period's active findings, by state on ``today``, and days to close."""

    findings: int
    open: int
    overdue: int
    verified: int
    closed: int
    repeats: int
    # days from the finding's China date to the closing's China date → how many closed actions took that long
    days_to_close: dict[int, int]


def action_counts(store: Store, sites: list[str], first: date, last: date, today: date) -> ActionCounts:
    """The period's active findings and their actions added up in SQL, grouped by state and days to close.

    Overdue as :func:`sync.review.register.is_overdue` says: unverified with a deadline before ``today``;
    over whole months the rollup gives the rest and the overdue ones are counted among the unverified
    actions of the sites (the partial index ``corrective_action_open_cover``: few, whatever the history).
    """
    found = ActionCounts(0, 0, 0, 0, 0, 0, {})
    if not sites:
        return found
    months = whole_months(first, last)
    if months is not None:
        table, where, args = _rolled(store, "action", sites, months)
        rows = store.db.execute(
            "SELECT status, 0, is_repeat, CASE WHEN days_to_close >= 0 THEN days_to_close END, sum(actions)"
            f" FROM {table} WHERE {where} GROUP BY status, is_repeat, days_to_close",
            args,
        ).fetchall()
        found.overdue = _overdue(store, sites, first, last, today)
    else:
        where, args = _done(sites, first, last, "f")
        rows = store.db.execute(
            "SELECT a.status, a.status IN ('open', 'fixed_reported') AND a.deadline IS NOT NULL AND a.deadline < ?,"
            " n.repeat_of IS NOT NULL,"
            f" CASE WHEN a.status = 'closed' AND a.closed_at IS NOT NULL THEN {DAYS_TO_CLOSE} END,"
            " count(*) FROM inspection_fact f JOIN finding n ON n.inspection_id = f.inspection_id"
            f" JOIN corrective_action a ON a.finding_id = n.id WHERE n.status = 'active' AND {where}"
            " GROUP BY 1, 2, 3, 4",
            [today.isoformat(), *args],
        ).fetchall()
    for status, overdue, repeat, days, count in rows:
        found.findings += count
        found.open += count if status in ("open", "fixed_reported") else 0
        found.overdue += count if overdue else 0
        found.verified += count if status == "verified" else 0
        found.closed += count if status == "closed" else 0
        found.repeats += count if repeat else 0
        if days is not None:
            found.days_to_close[days] = found.days_to_close.get(days, 0) + count
    return found


def _overdue(store: Store, sites: list[str], first: date, last: date, today: date) -> int:
    """Unverified actions of the period's active findings with a deadline before ``today``."""
    where, args = _done(sites, first, last, "f")
    where = where.replace("f.site_id IN", "a.site_id IN", 1)
    found: int = store.db.execute(
        "SELECT count(*) FROM corrective_action a JOIN finding n ON n.id = a.finding_id"
        " JOIN inspection_fact f ON f.inspection_id = a.inspection_id"
        " WHERE a.status IN ('open', 'fixed_reported') AND a.deadline IS NOT NULL AND a.deadline < ?"
        f" AND n.status = 'active' AND {where}",
        [today.isoformat(), *args],
    ).fetchone()[0]
    return found


def median_of(counts: dict[int, int]) -> float | None:
    """The median of values given as value → how many times (``statistics.median`` of the expanded list)."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(n: int) -> int:  # the value at 0-based position n of the expanded, sorted list
        seen = 0
        for value, count in ordered:
            seen += count
            if n < seen:
                return value
        raise IndexError(n)

    middle = total // 2
    return float(nth(middle)) if total % 2 else (nth(middle - 1) + nth(middle)) / 2

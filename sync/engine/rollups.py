"""The report rollups kept current: per site and China month, what a whole-month report adds up.

The tables (``sync/db/rollup_tables.py``) hold the sums of the *done* inspections' stored facts
(:mod:`sync.engine.facts`), their failed items, and the corrective actions of their active
findings. Every change that moves them runs inside :func:`moving_facts` (facts written: a push's
``Batch.flush``, a conflict resolved) or :func:`moving_actions` (a finding recorded, withdrawn or
reinstated, an action reported, verified or closed), in the same transaction: the contribution
of the rows touched is read before and after the change and the difference is added, as
``INSERT … ON CONFLICT … DO UPDATE SET x = x + excluded.x`` (plain SQL that PostgreSQL runs too);
a row whose count falls to zero is deleted. The greatest failing inspection of an item
(``latest``) rises with an added one and is read again from the facts (one site and month) when
one leaves. Each delta of a site's row is added to its district's row too (``rollup_district_*``,
m060: the same sums per district and month, what a report over whole districts reads); a
district's ``latest`` is read again from its sites' rows when an id leaves. Coverage's
``done_month`` and ``done_week`` (each month's and week's first done inspection, :mod:`sync.engine.done_months`)
follow the same
changes. :func:`rebuild` computes every row from scratch (the districts' from the sites');
:func:`backfill` runs it once for a database made before the rollups (at server start, after the
facts' backfill).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sync.db.dialect import DAYS_TO_CLOSE
from sync.db.rollup_tables import DISTRICT_FROM_SITES
from sync.db.store import Store
from sync.engine import done_months

BUILT_KEY = "rollups_built"
DONE = ("submitted", "returned", "approved")
_CHUNK = 500
_DONE_SQL = "(" + ", ".join(f"'{s}'" for s in DONE) + ")"


_TOTALS = (
    "SELECT f.site_id, f.china_month, f.status, count(*), coalesce(sum(f.score_tenths), 0), count(f.score_tenths),"
    " coalesce(sum(f.verdict), 0), count(f.verdict), coalesce(sum(f.failed_answers), 0)"
    f" FROM inspection_fact f WHERE f.status IN {_DONE_SQL} AND {{where}} GROUP BY f.site_id, f.china_month, f.status"
)
_FAILURES = (
    "SELECT f.site_id, f.china_month, x.checklist_id, x.item_path, x.clause, sum(x.count), max(x.inspection_id)"
    " FROM inspection_failure x JOIN inspection_fact f ON f.inspection_id = x.inspection_id"
    f" WHERE f.status IN {_DONE_SQL} AND {{where}} GROUP BY f.site_id, f.china_month, x.checklist_id, x.item_path,"
    " x.clause"
)
_ACTIONS = (
    "SELECT f.site_id, f.china_month, a.status, CASE WHEN n.repeat_of IS NULL THEN 0 ELSE 1 END,"
    f" coalesce(CASE WHEN a.status = 'closed' AND a.closed_at IS NOT NULL THEN {DAYS_TO_CLOSE} END, -1), count(*)"
    " FROM inspection_fact f JOIN finding n ON n.inspection_id = f.inspection_id"
    f" JOIN corrective_action a ON a.finding_id = n.id WHERE n.status = 'active' AND f.status IN {_DONE_SQL}"
    " AND {where} GROUP BY 1, 2, 3, 4, 5"
)
# per inspection, so the ids failing each item are known when one leaves
_FAILURES_EACH = (
    "SELECT f.site_id, f.china_month, x.checklist_id, x.item_path, x.clause, x.count, x.inspection_id"
    " FROM inspection_failure x JOIN inspection_fact f ON f.inspection_id = x.inspection_id"
    f" WHERE f.status IN {_DONE_SQL} AND {{where}}"
)
TABLES: dict[str, tuple[str, tuple[str, ...], int]] = {
    # table → (query, columns, how many key columns)
    "rollup_total": (
        _TOTALS,
        (
            "site_id",
            "china_month",
            "status",
            "inspections",
            "score_tenths",
            "scored",
            "passed",
            "verdicts",
            "failed_answers",
        ),
        3,
    ),
    "rollup_failure": (
        _FAILURES,
        ("site_id", "china_month", "checklist_id", "item_path", "clause", "count", "latest"),
        5,
    ),
    "rollup_action": (
        _ACTIONS,
        ("site_id", "china_month", "status", "is_repeat", "days_to_close", "actions"),
        5,
    ),
}

# each site table's twin per district: the same columns with ``district_id`` for ``site_id``
DISTRICT = {table: table.replace("rollup_", "rollup_district_", 1) for table in TABLES}


def _by_district(query: str) -> str:
    """A site table's query from the facts, grouped by the site's district instead."""
    query = query.replace("f.site_id", "s.district_id")
    return query.replace(" WHERE ", " JOIN site s ON s.id = f.site_id WHERE ", 1)


Key = tuple[Any, ...]
Snapshot = dict[str, dict[Key, list[Any]]]


def _read(conn: sqlite3.Connection, tables: Sequence[str], column: str, ids: Sequence[str]) -> Snapshot:
    """The contribution of the rows whose ``column`` is one of ``ids``, per table and key.

    Failures are read per inspection (grouped by key and inspection id), so the ids failing each
    key are known: ``latest`` then becomes the set of those ids.
    """
    found: Snapshot = {table: {} for table in tables}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        where = f"{column} IN ({','.join('?' * len(chunk))})"
        for table in tables:
            query, _, width = TABLES[table]
            query = _FAILURES_EACH if table == "rollup_failure" else query
            held = found[table]
            for row in conn.execute(query.format(where=where), chunk):
                key, values = tuple(row[:width]), list(row[width:])
                if table == "rollup_failure":
                    count, inspection = values
                    entry = held.setdefault(key, [0, set()])
                    entry[0] += count
                    entry[1].add(inspection)
                else:
                    entry = held.setdefault(key, [0] * len(values))
                    held[key] = [a + b for a, b in zip(entry, values, strict=True)]
    return found


def _districts(conn: sqlite3.Connection, snapshots: Sequence[Snapshot]) -> dict[str, str]:
    """The district of every site named in the snapshots' keys."""
    sites = sorted({key[0] for snapshot in snapshots for held in snapshot.values() for key in held})
    found: dict[str, str] = {}
    for start in range(0, len(sites), _CHUNK):
        chunk = sites[start : start + _CHUNK]
        query = f"SELECT id, district_id FROM site WHERE id IN ({','.join('?' * len(chunk))})"
        found.update((site, district) for site, district in conn.execute(query, chunk))
    return found


def _apply(conn: sqlite3.Connection, before: Snapshot, after: Snapshot) -> None:
    """Add ``after`` minus ``before`` to the rollup tables, the sites' and their districts'; delete zero rows."""
    districts = _districts(conn, [before, after])
    for table, was in before.items():
        now = after[table]
        _, columns, width = TABLES[table]
        match = " AND ".join(f"{k} = ?" for k in columns[:width])
        twin, twin_columns = DISTRICT[table], ("district_id", *columns[1:])
        twin_match = match.replace("site_id", "district_id", 1)
        for key in was.keys() | now.keys():
            twin_key = (districts[key[0]], *key[1:])
            if table == "rollup_failure":
                _apply_failure(conn, key, twin_key, was.get(key, [0, set()]), now.get(key, [0, set()]), match)
                continue
            old, new = was.get(key), now.get(key)
            size = len(columns) - width
            delta = [b - a for a, b in zip(old or [0] * size, new or [0] * size, strict=True)]
            if not any(delta):
                continue
            for name, names, held, where in ((table, columns, key, match), (twin, twin_columns, twin_key, twin_match)):
                _upsert(conn, name, names, width, [*held, *delta])
                if delta[0] < 0:  # only a count that fell can reach zero
                    conn.execute(f"DELETE FROM {name} WHERE {where} AND {columns[width]} = 0", held)


def _upsert(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], width: int, values: list[Any]) -> None:
    sets = [f"{c} = {table}.{c} + excluded.{c}" for c in columns[width:] if c != "latest"]
    if "latest" in columns:
        sets.append(f"latest = CASE WHEN excluded.latest > {table}.latest THEN excluded.latest ELSE {table}.latest END")
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT ({', '.join(columns[:width])}) DO UPDATE SET {', '.join(sets)}",
        values,
    )


def _apply_failure(
    conn: sqlite3.Connection, key: Key, twin_key: Key, was: list[Any], now: list[Any], match: str
) -> None:
    """One failed item's delta, to its site's row and its district's.

    The count, the greatest id added, and ``latest`` read again when an id left (the site's from the
    facts, then the district's from its sites' rows).
    """
    added, left = now[1] - was[1], was[1] - now[1]
    change = now[0] - was[0]
    if not change and not added and not left:
        return
    columns = TABLES["rollup_failure"][1]
    twin_match = match.replace("site_id", "district_id", 1)
    _upsert(conn, "rollup_failure", columns, 5, [*key, change, max(added, default="")])
    _upsert(
        conn, DISTRICT["rollup_failure"], ("district_id", *columns[1:]), 5, [*twin_key, change, max(added, default="")]
    )
    if left:
        site_id, month, checklist_id, item_path, clause = key
        conn.execute(
            "UPDATE rollup_failure SET latest = coalesce((SELECT max(x.inspection_id) FROM inspection_fact f"
            " JOIN inspection_failure x ON x.inspection_id = f.inspection_id WHERE f.site_id = ?"
            f" AND f.china_day >= ? AND f.china_day <= ? AND f.status IN {_DONE_SQL} AND x.checklist_id = ?"
            f" AND x.item_path = ? AND x.clause = ?), '') WHERE {match}",
            [site_id, f"{month}-01", f"{month}-31", checklist_id, item_path, clause, *key],
        )
        conn.execute(
            "UPDATE rollup_district_failure SET latest = coalesce((SELECT max(r.latest) FROM rollup_failure r"
            " JOIN site s ON s.id = r.site_id WHERE s.district_id = ? AND r.china_month = ? AND r.checklist_id = ?"
            f" AND r.item_path = ? AND r.clause = ? AND r.count > 0), '') WHERE {twin_match}",
            [*twin_key, *twin_key],
        )
    if change < 0:  # only a count that fell can reach zero
        conn.execute(f"DELETE FROM rollup_failure WHERE {match} AND count = 0", key)
        conn.execute(f"DELETE FROM rollup_district_failure WHERE {twin_match} AND count = 0", twin_key)


@contextmanager
def moving_facts(
    conn: sqlite3.Connection, inspection_ids: Sequence[str], *, new: Collection[str] = ()
) -> Iterator[None]:
    """Wrap a change of these inspections' stored facts: every rollup follows it, in the same transaction.

    ``new`` names inspections created in this transaction, which have no facts before it (not read).
    """
    ids = sorted(set(inspection_ids))
    held = [i for i in ids if i not in new]
    before, months = _read(conn, list(TABLES), "f.inspection_id", held), done_months.facts_of(conn, held)
    yield
    _apply(conn, before, _read(conn, list(TABLES), "f.inspection_id", ids))
    done_months.follow(conn, months, done_months.facts_of(conn, ids))


@contextmanager
def moving_actions(conn: sqlite3.Connection, finding_ids: Sequence[str]) -> Iterator[None]:
    """Wrap a change of these findings or their actions (status, closing, repeat): the action rollup follows it."""
    ids = sorted(set(finding_ids))
    before = _read(conn, ["rollup_action"], "n.id", ids)
    yield
    _apply(conn, before, _read(conn, ["rollup_action"], "n.id", ids))


@contextmanager
def moving_inspection_findings(conn: sqlite3.Connection, inspection_id: str) -> Iterator[None]:
    """Wrap a change of an inspection's findings (recorded, refreshed, withdrawn): the action rollup follows it."""
    before = _read(conn, ["rollup_action"], "f.inspection_id", [inspection_id])
    yield
    _apply(conn, before, _read(conn, ["rollup_action"], "f.inspection_id", [inspection_id]))


def computed(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row, the sites' and the districts', computed from scratch from the facts, in key order."""
    found = {}
    for table, (query, _, _) in TABLES.items():
        found[table] = sorted(tuple(r) for r in conn.execute(query.format(where="1 = 1")))
        found[DISTRICT[table]] = sorted(tuple(r) for r in conn.execute(_by_district(query).format(where="1 = 1")))
    for kept in done_months.KEPT:
        found[kept.table] = sorted(tuple(r) for r in conn.execute(kept.computed))
    return found


def stored(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row as stored, the sites' and the districts', in key order (to compare with :func:`computed`)."""
    found = {}
    for table, (_, columns, _) in TABLES.items():
        found[table] = sorted(tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"))
        twin_columns = ", ".join(("district_id", *columns[1:]))
        found[DISTRICT[table]] = sorted(tuple(r) for r in conn.execute(f"SELECT {twin_columns} FROM {DISTRICT[table]}"))
    for kept in done_months.KEPT:
        listed = ", ".join(kept.columns)
        found[kept.table] = sorted(tuple(r) for r in conn.execute(f"SELECT {listed} FROM {kept.table}"))
    return found


def rebuild(conn: sqlite3.Connection) -> None:
    """Compute every rollup row from scratch, replacing what is stored; the districts' from the sites'."""
    for table, (query, columns, _) in TABLES.items():
        conn.execute(f"DELETE FROM {table}")
        conn.execute(f"DELETE FROM {DISTRICT[table]}")
        conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) {query.format(where='1 = 1')}")
    for statement in DISTRICT_FROM_SITES.split(";"):
        conn.execute(statement)
    done_months.rebuild(conn)


def backfill(store: Store) -> bool:
    """Build the rollups once for a database made before them (a ``server_meta`` marker); True when built now."""
    if store.db.execute("SELECT 1 FROM server_meta WHERE key = ?", [BUILT_KEY]).fetchone():
        return False
    with store.transaction() as conn:
        rebuild(conn)
        conn.execute(
            "INSERT INTO server_meta (key, value) VALUES (?, '1')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [BUILT_KEY],
        )
    return True

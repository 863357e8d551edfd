"""Each site's and checklist's first done inspection of every China month, kept as the facts change (m095).

Coverage asks each plan's periods for their first done inspection (``sync/review/schedules.py``).
A probe of ``inspection_fact_first`` per period read a leaf of that index per period at 1M (a
site's month holds some forty inspections, more than a leaf), 1,200 pages for a district's year,
and the figure followed the OS page cache. ``done_month`` holds one row per site, checklist and
month with done work: its first done inspection in the probe's order (China day, start time,
id), so a monthly plan's year is read from one page.

:func:`follow` keeps it inside :func:`sync.engine.rollups.moving_facts`, in the same transaction:
a fact that is done lowers its month's row (an upsert that keeps the earlier of the two); a month
whose done fact left it (deleted, rejected) is probed again.
:data:`sync.db.fact_tables.DONE_MONTH_COMPUTED` is every row from scratch (:func:`rebuild`, the
migration, the tests).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sync.db.fact_tables import DONE_MONTH_COLUMNS, DONE_MONTH_COMPUTED

DONE = ("submitted", "returned", "approved")  # as the reports and coverage count them
_DONE_SQL = "(" + ", ".join(f"'{s}'" for s in DONE) + ")"
_CHUNK = 500
COLUMNS = DONE_MONTH_COLUMNS
_LOWER = (
    f"INSERT INTO done_month ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    " ON CONFLICT (site_id, checklist_id, china_month) DO UPDATE SET china_day = excluded.china_day,"
    " created_at = excluded.created_at, inspection_id = excluded.inspection_id"
    " WHERE (excluded.china_day, excluded.created_at, excluded.inspection_id)"
    " < (done_month.china_day, done_month.created_at, done_month.inspection_id)"
)
_FIRST = (
    "SELECT china_day, created_at, inspection_id FROM inspection_fact WHERE site_id = ? AND checklist_id = ?"
    f" AND china_day >= ? AND china_day <= ? AND status IN {_DONE_SQL}"
    " ORDER BY china_day, created_at, inspection_id LIMIT 1"
)

Fact = tuple[Any, ...]  # (site, checklist, month, day, created_at, inspection id, status)


def facts_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Fact]:
    """What ``done_month`` reads of these inspections' stored facts, by inspection id."""
    found: dict[str, Fact] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        for row in conn.execute(
            f"SELECT {', '.join(COLUMNS)}, status FROM inspection_fact"
            f" WHERE inspection_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            found[row[5]] = tuple(row)
    return found


def follow(conn: sqlite3.Connection, before: dict[str, Fact], after: dict[str, Fact]) -> None:
    """Bring ``done_month`` up to date with a change of these facts (:func:`facts_of` before and after it)."""
    left = sorted({fact[:3] for i, fact in before.items() if fact[6] in DONE and not _kept(fact, after.get(i))})
    for site_id, checklist_id, month in left:  # rare: a done inspection deleted, rejected or moved
        first = conn.execute(_FIRST, [site_id, checklist_id, f"{month}-01", f"{month}-31"]).fetchone()
        conn.execute(
            "DELETE FROM done_month WHERE site_id = ? AND checklist_id = ? AND china_month = ?",
            [site_id, checklist_id, month],
        )
        if first is not None:
            conn.execute(_LOWER, [site_id, checklist_id, month, *first])
    conn.executemany(_LOWER, [fact[:6] for fact in after.values() if fact[6] in DONE])


def _kept(fact: Fact, now: Fact | None) -> bool:
    """Whether a done fact is still done, in the same month at the same time (approved after submitted, say)."""
    return now is not None and now[6] in DONE and now[:6] == fact[:6]


def rebuild(conn: sqlite3.Connection) -> None:
    """Every row computed from the facts, replacing what is stored."""
    conn.execute("DELETE FROM done_month")
    conn.execute(f"INSERT INTO done_month ({', '.join(COLUMNS)}) {DONE_MONTH_COMPUTED}")

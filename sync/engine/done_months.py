"""Each site's and checklist's first done inspection of every China month, ISO week and day, kept as facts change.

Coverage asks each plan's periods for their first done inspection (``sync/review/schedules.py``).
A probe of ``inspection_fact_first`` per period read a leaf of that index per period at 1M (a
site's month holds some forty inspections, more than a leaf), 1,200 pages for a district's year,
and the figure followed the OS page cache. ``done_month`` (m095) holds one row per site, checklist
and month with done work: its first done inspection in the probe's order (China day, start time,
id), so a monthly plan's year is read from one page. ``done_week`` (m101) holds the same per ISO
week (``china_week``, its Monday): a weekly plan's year is 53 rows in one range, not 53 probes.
``done_day`` (m107) holds the same per China day (the day is its own period): a daily plan's year
is one range of up to 365 rows, not 365 probes.

:func:`follow` keeps the three inside :func:`sync.engine.rollups.moving_facts`, in the same transaction:
a fact that is done lowers its month's and week's rows (an upsert that keeps the earlier of the
two); a month or week whose done fact left it (deleted, rejected) is probed again.
:data:`sync.db.fact_tables.DONE_MONTH_COMPUTED`, ``DONE_WEEK_COMPUTED`` and ``DONE_DAY_COMPUTED`` are
every row from scratch (:func:`rebuild`, the migrations, the tests).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sync.db.fact_tables import (
    DONE_DAY_COLUMNS,
    DONE_DAY_COMPUTED,
    DONE_MONTH_COLUMNS,
    DONE_MONTH_COMPUTED,
    DONE_WEEK_COLUMNS,
    DONE_WEEK_COMPUTED,
)

DONE = ("submitted", "returned", "approved")  # as the reports and coverage count them
_DONE_SQL = "(" + ", ".join(f"'{s}'" for s in DONE) + ")"
_CHUNK = 500
COLUMNS = DONE_MONTH_COLUMNS
_FIRST = (
    "SELECT china_day, created_at, inspection_id FROM inspection_fact WHERE site_id = ? AND checklist_id = ?"
    f" AND china_day >= ? AND china_day <= ? AND status IN {_DONE_SQL}"
    " ORDER BY china_day, created_at, inspection_id LIMIT 1"
)

Fact = tuple[Any, ...]  # (site, checklist, month, day, created_at, inspection id, status)


def facts_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Fact]:
    """What the kept tables read of these inspections' stored facts, by inspection id."""
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


def week_of(day: str) -> str:
    """The Monday of a China day's ISO week, ISO (``2026-07-08`` → ``2026-07-06``)."""
    held = date.fromisoformat(day)
    return (held - timedelta(days=held.weekday())).isoformat()


@dataclass(frozen=True)
class _Periods:
    """One kept table: its name, its period column, a fact's period and a period's first and last day."""

    table: str
    column: str
    columns: tuple[str, ...]
    computed: str
    period: Callable[[Fact], str]
    days: Callable[[str], tuple[str, str]]

    def lower(self) -> str:
        """The upsert of a done fact's row: kept when the stored one is earlier (China day, time, id)."""
        return (
            f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))})"
            f" ON CONFLICT (site_id, checklist_id, {self.column}) DO UPDATE SET china_day = excluded.china_day,"
            " created_at = excluded.created_at, inspection_id = excluded.inspection_id"
            " WHERE (excluded.china_day, excluded.created_at, excluded.inspection_id)"
            f" < ({self.table}.china_day, {self.table}.created_at, {self.table}.inspection_id)"
        )

    def row(self, site_id: str, checklist_id: str, period: str, first: Sequence[Any]) -> tuple[Any, ...]:
        """The values of :meth:`lower` for a period's first done inspection (its China day, time and id)."""
        if self.column == "china_day":  # a day is its own period: no column of its own
            return (site_id, checklist_id, *first)
        return (site_id, checklist_id, period, *first)


def _week_days(monday: str) -> tuple[str, str]:
    return monday, (date.fromisoformat(monday) + timedelta(days=6)).isoformat()


KEPT = (
    _Periods("done_month", "china_month", DONE_MONTH_COLUMNS, DONE_MONTH_COMPUTED, lambda f: f[2],
             lambda month: (f"{month}-01", f"{month}-31")),
    _Periods("done_week", "china_week", DONE_WEEK_COLUMNS, DONE_WEEK_COMPUTED, lambda f: week_of(f[3]), _week_days),
    _Periods("done_day", "china_day", DONE_DAY_COLUMNS, DONE_DAY_COMPUTED, lambda f: f[3], lambda day: (day, day)),
)  # fmt: skip


def follow(conn: sqlite3.Connection, before: dict[str, Fact], after: dict[str, Fact]) -> None:
    """Bring the kept tables up to date with a change of facts (:func:`facts_of` before, after)."""
    gone = [fact for i, fact in before.items() if fact[6] in DONE and not _kept(fact, after.get(i))]
    done = [fact for fact in after.values() if fact[6] in DONE]
    for kept in KEPT:
        lower = kept.lower()
        for site_id, checklist_id, period in sorted({(f[0], f[1], kept.period(f)) for f in gone}):
            # rare: a done inspection deleted, rejected or moved
            first = conn.execute(_FIRST, [site_id, checklist_id, *kept.days(period)]).fetchone()
            conn.execute(
                f"DELETE FROM {kept.table} WHERE site_id = ? AND checklist_id = ? AND {kept.column} = ?",
                [site_id, checklist_id, period],
            )
            if first is not None:
                conn.execute(lower, kept.row(site_id, checklist_id, period, first))
        conn.executemany(lower, [kept.row(f[0], f[1], kept.period(f), f[3:6]) for f in done])


def _kept(fact: Fact, now: Fact | None) -> bool:
    """Whether a done fact is still done, on the same day at the same time (approved after submitted, say)."""
    return now is not None and now[6] in DONE and now[:6] == fact[:6]


def rebuild(conn: sqlite3.Connection) -> None:
    """Every row of the kept tables computed from the facts, replacing what is stored."""
    for kept in KEPT:
        conn.execute(f"DELETE FROM {kept.table}")
        conn.execute(f"INSERT INTO {kept.table} ({', '.join(kept.columns)}) {kept.computed}")

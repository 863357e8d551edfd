"""``done_month``, ``done_week`` and ``done_day`` follow each period's first done inspection: lowered by an earlier
one, probed again when it leaves."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.engine import rollups
from tests.sync.office import new_office, tracing
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, moment

ANSWERS: dict[str, Any] = {"licence": "pass", "frozen_temp": -20}


def _months(store: Store) -> list[tuple[str, str, str]]:
    return _kept(store, "done_month", "china_month")


def _kept(store: Store, table: str, column: str) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in store.db.execute(f"SELECT {column}, china_day, inspection_id FROM {table}")]


# (table, its period column, three days of one period, that period): a month, and a week (Monday to Saturday)
PERIODS = [("done_month", "china_month", (3, 9, 20), "2026-04"), ("done_week", "china_week", (6, 8, 11), "2026-04-06")]


@pytest.mark.parametrize(("table", "column", "days", "period"), PERIODS)
def test_the_first_done_inspection_of_a_month_or_week_is_kept_as_inspections_come_and_leave(
    store: Store, table: str, column: str, days: tuple[int, int, int], period: str
) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    site = work.office.sites["n1"]
    first, middle, last = days
    at: dict[int, datetime] = {day: moment(date(2026, 4, day), (2, 0, 0, 0)) for day in days}

    def kept() -> list[tuple[str, str, str]]:
        return _kept(store, table, column)

    late = work.start(site, ANSWERS, at[last], submit=True)
    assert kept() == [(period, f"2026-04-{last:02d}", late)]
    draft = work.start(site, ANSWERS, at[first], submit=False)  # not done: no period of its own
    assert kept() == [(period, f"2026-04-{last:02d}", late)]
    early = work.start(site, ANSWERS, at[middle], submit=True)  # earlier: lowers the period
    assert kept() == [(period, f"2026-04-{middle:02d}", early)]
    work.review(early, "approved", at[last] + timedelta(hours=1))  # still done, the same period and time
    assert kept() == [(period, f"2026-04-{middle:02d}", early)]
    work.edit(draft, ANSWERS, at[last] + timedelta(hours=2), submit=True)  # started first: first now
    assert kept() == [(period, f"2026-04-{first:02d}", draft)]
    work.review(draft, "rejected", at[last] + timedelta(hours=3))  # leaves: the period is probed again
    assert kept() == [(period, f"2026-04-{middle:02d}", early)]
    assert rollups.stored(store.db) == rollups.computed(store.db)


def test_the_first_done_inspection_of_a_day_is_kept_as_inspections_come_and_leave(store: Store) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    site = work.office.sites["n1"]
    day = date(2026, 4, 9)
    at = {hour: moment(day, (hour, 0, 0, 0)) for hour in (1, 2, 3)}  # 09:00, 10:00, 11:00 in China

    def kept() -> list[tuple[str, str, str]]:
        return [tuple(r) for r in store.db.execute("SELECT china_day, created_at, inspection_id FROM done_day")]

    def day_of(inspection_id: str) -> tuple[str, str, str]:
        started = store.db.execute("SELECT created_at FROM inspection WHERE id = ?", [inspection_id]).fetchone()[0]
        return "2026-04-09", started, inspection_id

    late = work.start(site, ANSWERS, at[3], submit=True)
    assert kept() == [day_of(late)]
    draft = work.start(site, ANSWERS, at[1], submit=False)  # not done: the day keeps the later one
    assert kept() == [day_of(late)]
    early = work.start(site, ANSWERS, at[2], submit=True)  # earlier the same day: lowers it
    assert kept() == [day_of(early)]
    work.edit(draft, ANSWERS, at[3] + timedelta(hours=1), submit=True)  # started first: first now
    assert kept() == [day_of(draft)]
    work.review(draft, "rejected", at[3] + timedelta(hours=2))  # leaves: the day is probed again
    assert kept() == [day_of(early)]
    work.review(early, "rejected", at[3] + timedelta(hours=3))
    work.review(late, "rejected", at[3] + timedelta(hours=3))
    assert kept() == []  # no done inspection that day: no row
    assert rollups.stored(store.db) == rollups.computed(store.db)


def test_a_week_runs_monday_to_sunday_in_china_across_months(store: Store) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    site = work.office.sites["n1"]
    # at 23:30 China time: Sunday 3 May 2026 (its week began on Monday 27 April), then Monday 4 May (a new week)
    sunday, monday = (work.start(site, ANSWERS, moment(date(2026, 5, d), (15, 30, 0, 0))) for d in (3, 4))
    weeks = sorted(_kept(store, "done_week", "china_week"))
    assert weeks == [("2026-04-27", "2026-05-03", sunday), ("2026-05-04", "2026-05-04", monday)]
    assert _months(store) == [("2026-05", "2026-05-03", sunday)]
    assert rollups.stored(store.db) == rollups.computed(store.db)


@pytest.mark.sqlite_only(reason="traces the statements (SQLite's trace callback)")
def test_a_done_inspection_approved_or_returned_lowers_nothing_and_probes_nothing(store: Store) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    at = moment(date(2026, 4, 9), (2, 0, 0, 0))
    first, second = (work.start(work.office.sites["n1"], ANSWERS, at + timedelta(minutes=n)) for n in (0, 1))
    with tracing(store) as statements:
        work.review(first, "approved", at + timedelta(hours=1))
        work.review(second, "returned", at + timedelta(hours=1))
    assert not [s for s in statements if "ORDER BY china_day, created_at, inspection_id LIMIT 1" in s]
    assert _months(store) == [("2026-04", "2026-04-09", first)]

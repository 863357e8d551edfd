"""Coverage of monthly, weekly and daily plans reads each month's, week's and day's first done inspection from one
covering index of the table that keeps it (m095, m101, m107), never from the facts."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.review.schedules import PlanKind, coverage, create_plan
from tests.sync.office import new_office, tracing
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, make, moment

ANSWERS = {"licence": "pass", "frozen_temp": -20}


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_monthly_plans_months_are_one_range_of_done_month_first_and_no_probe_of_the_facts(store: Store) -> None:
    done = _kept_periods_read(store, "monthly_spot_check", "done_month", [date(2026, m, 9) for m in (4, 6)])
    assert done == [("2026-04-01", "done", 0), ("2026-05-01", "missed", None), ("2026-06-01", "done", 1)]


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_weekly_plans_weeks_are_one_range_of_done_week_first_and_no_probe_of_the_facts(store: Store) -> None:
    days = [date(2026, 4, 12), date(2026, 4, 27)]  # a Sunday (week of the 6th), a Monday
    done = _kept_periods_read(store, "weekly_full_inspection", "done_week", days)
    assert done == [
        ("2026-04-06", "done", 0),
        ("2026-04-13", "missed", None),
        ("2026-04-20", "missed", None),
        ("2026-04-27", "done", 1),
    ]


def _kept_periods_read(store: Store, kind: PlanKind, table: str, days: list[date]) -> list[tuple[str, str, int | None]]:
    """A plan of ``kind`` from 1 April 2026 with an inspection done on each of ``days``: its periods to the end
    of April (or of June, for months) as (start, status, which inspection), read from ``table`` alone."""
    office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
    work = FieldWork(store, CATALOG, office)
    done = [work.start(office.sites["n1"], ANSWERS, moment(day, (2, 0, 0, 0))) for day in days]
    admin = office.users["admin"]
    plan = create_plan(
        store, admin, site_id=office.sites["n1"], checklist_id="sync_probe", kind=kind,
        cadence=None, assignee_id=None, starts_on=date(2026, 4, 6),
    )  # fmt: skip
    last = date(2026, 6, 30) if table == "done_month" else date(2026, 5, 3)
    with tracing(store) as statements:
        found = coverage(store, admin, date(2026, 4, 1), last, today=date(2026, 7, 1))
    assert not [s for s in statements if "FROM inspection_fact" in s]
    query = next(s for s in statements if f"FROM {table} d" in s)
    plan_steps = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + query)]
    assert any(step.startswith(f"SEARCH d USING COVERING INDEX {table}_first") for step in plan_steps), plan_steps
    mine = [p for p in found.periods if p.plan_id == plan.id]
    return [(p.start, p.status, None if p.inspection_id is None else done.index(p.inspection_id)) for p in mine]


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_daily_plans_days_are_one_range_of_done_day_first_in_time_order_whatever_their_status(store: Store) -> None:
    office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
    work = FieldWork(store, CATALOG, office)
    base = {"version": 1, "frozen_temp": -20, "stalls": [], "rework": "pass", "licence": "pass", "site": "n1"}
    day = date(2026, 4, 9)
    for hour, fate in ((1, "rejected"), (2, "approved"), (3, "submitted"), (4, "returned")):
        make(work, {**base, "day": day, "time": (hour, 0, 0, 0), "fate": fate})
    make(work, {**base, "day": date(2026, 4, 11), "time": (5, 0, 0, 0), "fate": "returned"})
    started = dict(store.db.execute("SELECT created_at, id FROM inspection").fetchall())
    admin = office.users["admin"]
    plan = create_plan(
        store, admin, site_id=office.sites["n1"], checklist_id="sync_probe", kind="daily_check",
        cadence=None, assignee_id=None, starts_on=date(2026, 4, 9),
    )  # fmt: skip
    with tracing(store) as statements:
        found = coverage(store, admin, date(2026, 4, 9), date(2026, 4, 11), today=date(2026, 4, 12))
    rejected, approved, _submitted, _returned, returned = (started[at] for at in sorted(started))
    assert [(p.start, p.status, p.inspection_id) for p in found.periods if p.plan_id == plan.id] == [
        ("2026-04-09", "done", approved),  # started before the submitted one; the rejected one first is not done
        ("2026-04-10", "missed", None),
        ("2026-04-11", "done", returned),
    ]
    assert rejected not in {p.inspection_id for p in found.periods}
    assert not [s for s in statements if "FROM inspection_fact" in s]
    query = next(s for s in statements if "FROM done_day d" in s)
    plan_steps = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + query)]
    assert any(step.startswith("SEARCH d USING COVERING INDEX done_day_first") for step in plan_steps), plan_steps
    assert not [step for step in plan_steps if "TEMP B-TREE" in step], plan_steps

"""Coverage of monthly plans reads each month's first done inspection from one covering index (m095); a daily
or weekly period's first done one is read from the facts' index in the order asked, with no sort (m100)."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.review.schedules import coverage, create_plan
from tests.sync.office import new_office, tracing
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, make, moment

ANSWERS = {"licence": "pass", "frozen_temp": -20}


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_monthly_plans_months_are_one_range_of_done_month_first_and_no_probe_of_the_facts(store: Store) -> None:
    office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
    work = FieldWork(store, CATALOG, office)
    done = [work.start(office.sites["n1"], ANSWERS, moment(date(2026, m, 9), (2, 0, 0, 0))) for m in (4, 6)]
    admin = office.users["admin"]
    plan = create_plan(
        store, admin, site_id=office.sites["n1"], checklist_id="sync_probe", kind="monthly_spot_check",
        cadence=None, assignee_id=None, starts_on=date(2026, 4, 1),
    )  # fmt: skip
    with tracing(store) as statements:
        found = coverage(store, admin, date(2026, 4, 1), date(2026, 6, 30), today=date(2026, 7, 1))
    assert [(p.start, p.status, p.inspection_id) for p in found.periods if p.plan_id == plan.id] == [
        ("2026-04-01", "done", done[0]),
        ("2026-05-01", "missed", None),
        ("2026-06-01", "done", done[1]),
    ]
    assert not [s for s in statements if "FROM inspection_fact" in s]
    query = next(s for s in statements if "JOIN done_month d" in s)
    plan_steps = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + query)]
    assert any(step.startswith("SEARCH d USING COVERING INDEX done_month_first") for step in plan_steps), plan_steps


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_daily_plans_day_reads_its_first_done_inspection_in_time_order_whatever_its_status(store: Store) -> None:
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
    query = next(s for s in statements if "FROM inspection_fact f" in s)
    plan_steps = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + query)]
    read = "SEARCH f USING COVERING INDEX inspection_fact_first"
    assert any(step.startswith(read) for step in plan_steps), plan_steps
    assert not [step for step in plan_steps if "TEMP B-TREE" in step], plan_steps

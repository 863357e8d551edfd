"""Coverage of monthly plans reads each month's first done inspection from one covering index (m095)."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.review.schedules import coverage, create_plan
from tests.sync.office import new_office, tracing
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, moment

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

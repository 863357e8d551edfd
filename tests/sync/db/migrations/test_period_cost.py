"""m100 on a database made before it: ``inspection_fact_first`` with the status last, ``inspection_fact_plan`` gone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from argon2 import PasswordHasher

from sync.db.migrations import migrations
from sync.db.store import open_store
from sync.org.accounts import get_user
from sync.review.schedules import coverage, create_plan
from tests.sync.office import new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, make

OLD_FIRST = ["site_id", "checklist_id", "china_day", "status", "created_at", "inspection_id"]
NEW_FIRST = ["site_id", "checklist_id", "china_day", "created_at", "inspection_id", "status"]
# (day, hour UTC, fate): week of 6 April two done (the approved one first) after a rejected one; none the next
WORK = ((date(2026, 4, 7), 1, "rejected"), (date(2026, 4, 8), 2, "approved"), (date(2026, 4, 8), 3, "submitted"),
        (date(2026, 4, 21), 4, "returned"))  # fmt: skip


def _index(db: sqlite_utils.Database, name: str) -> list[str]:
    return [row[2] for row in db.execute(f"PRAGMA index_info({name})")]


def _weeks(folder: Path) -> list[tuple[str, str, str | None]]:
    """The weekly plan's weeks of April 2026, as coverage gives them."""
    store = open_store(folder)
    try:
        org_id, user_id = store.db.execute("SELECT org_id, id FROM user WHERE username = 'admin'").fetchone()
        found = coverage(store, get_user(store, org_id, user_id), date(2026, 4, 6), date(2026, 4, 26), date(2026, 5, 1))
        return [(p.start, p.status, p.inspection_id) for p in found.periods]
    finally:
        store.close()


def test_m100_puts_the_status_last_in_the_first_done_index_and_coverage_reads_the_same(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "frozen_temp": -20, "stalls": [], "rework": "pass", "licence": "pass", "site": "n1"}
        for day, hour, fate in WORK:
            make(work, {**base, "day": day, "time": (hour, 0, 0, 0), "fate": fate})
        create_plan(
            store, office.users["admin"], site_id=office.sites["n1"], checklist_id="sync_probe",
            kind="weekly_full_inspection", cadence=None, assignee_id=None, starts_on=date(2026, 4, 6),
        )  # fmt: skip
        ids = [r[0] for r in store.db.execute("SELECT id FROM inspection ORDER BY created_at")]
        with store.transaction() as conn:  # the database as it was before m100
            conn.execute("DROP INDEX inspection_fact_first")
            conn.execute(f"CREATE INDEX inspection_fact_first ON inspection_fact({', '.join(OLD_FIRST)})")
            conn.execute("CREATE INDEX inspection_fact_plan ON inspection_fact(site_id, checklist_id, china_day)")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm100_period_first_in_order'")
    finally:
        store.close()
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert _index(db, "inspection_fact_first") == OLD_FIRST
    migrations.apply(db)
    assert _index(db, "inspection_fact_first") == NEW_FIRST
    assert not _index(db, "inspection_fact_plan")  # dropped: a prefix of the other
    db.close()
    assert _weeks(tmp_path) == [
        ("2026-04-06", "done", ids[1]),
        ("2026-04-13", "missed", None),
        ("2026-04-20", "done", ids[3]),
    ]

"""m107 on a database made before it: ``done_day`` filled from the facts, each day's first done inspection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlite_utils
from argon2 import PasswordHasher

from sync.db.migrations import migrations
from sync.db.store import open_store
from sync.engine import rollups
from tests.sync.office import new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, make

# (site, day, hour UTC, fate): on 9 April at n1 a rejected one first, then two done (the earlier one first);
# the 10th at n1 a draft only; n2's own day
WORK = (
    ("n1", date(2026, 4, 9), 1, "rejected"),
    ("n1", date(2026, 4, 9), 3, "approved"),
    ("n1", date(2026, 4, 9), 2, "submitted"),
    ("n1", date(2026, 4, 10), 2, "draft"),
    ("n2", date(2026, 4, 9), 5, "returned"),
)


def test_m107_fills_each_days_first_done_inspection_from_the_facts(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "frozen_temp": -20, "stalls": [], "rework": "pass", "licence": "fail"}
        for site, day, hour, fate in WORK:
            make(work, {**base, "site": site, "day": day, "time": (hour, 0, 0, 0), "fate": fate})
        started = {r[0]: r[1] for r in store.db.execute("SELECT created_at, id FROM inspection")}
        with store.transaction() as conn:
            conn.execute("DROP TABLE done_day")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm107_done_days'")
        sites = {office.sites[name]: name for name in ("n1", "n2")}
    finally:
        store.close()
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert not db["done_day"].exists()
    migrations.apply(db)
    rows = db.query("SELECT site_id, china_day, created_at, inspection_id FROM done_day ORDER BY site_id, china_day")
    days = [(sites[r["site_id"]], r["china_day"], r["created_at"], r["inspection_id"]) for r in rows]
    db.close()
    n1_second = next(at for at in sorted(started) if at.startswith("2026-04-09T02"))
    n2_first = next(at for at in sorted(started) if at.startswith("2026-04-09T05"))
    assert sorted(days) == [
        ("n1", "2026-04-09", n1_second, started[n1_second]),
        ("n2", "2026-04-09", n2_first, started[n2_first]),
    ]
    store = open_store(tmp_path)
    try:
        assert rollups.stored(store.db) == rollups.computed(store.db)
    finally:
        store.close()

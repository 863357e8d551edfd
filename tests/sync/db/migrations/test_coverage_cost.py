"""m095 on a database made before it: ``done_month`` filled from the facts, each month's first done inspection."""

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

# (site, day, fate): two done in April at n1 (the earlier day first), one not done, one in another month and site
WORK = (
    ("n1", date(2026, 4, 20), "submitted"),
    ("n1", date(2026, 4, 3), "approved"),
    ("n2", date(2026, 4, 30), "returned"),
    ("n1", date(2026, 5, 1), "submitted"),
)


def _before_m095(folder: Path) -> None:
    """Field work stored, then the database put back as it was before m095 (``done_month`` gone)."""
    store = open_store(folder)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "time": (2, 0, 0, 0), "frozen_temp": -20, "stalls": [], "rework": "pass"}
        for site, day, fate in WORK:
            make(work, {**base, "site": site, "day": day, "licence": "fail", "fate": fate})
        with store.transaction() as conn:
            conn.execute("DROP TABLE done_month")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm095_done_months'")
    finally:
        store.close()


def test_m095_fills_each_months_first_done_inspection_from_the_facts(tmp_path: Path) -> None:
    _before_m095(tmp_path)
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert not db["done_month"].exists()
    migrations.apply(db)
    rows = db.query("SELECT china_month, china_day FROM done_month ORDER BY china_month, china_day")
    months = [(r["china_month"], r["china_day"]) for r in rows]
    db.close()
    assert months == [("2026-04", "2026-04-03"), ("2026-04", "2026-04-30"), ("2026-05", "2026-05-01")]
    store = open_store(tmp_path)
    try:
        assert rollups.stored(store.db) == rollups.computed(store.db)
    finally:
        store.close()

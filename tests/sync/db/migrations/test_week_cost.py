"""m101 on a database made before it: ``done_week`` filled from the facts, each ISO week's first done inspection."""

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

# (site, day, fate), each a minute later: in the week of Monday 6 April 2026 at n1 a rejected one, then three
# done (the Monday's first); Sunday the 12th closes that week, Monday the 13th opens the next; n2's own week
WORK = (
    ("n1", date(2026, 4, 6), "rejected"),  # started first that Monday: not done
    ("n1", date(2026, 4, 8), "submitted"),
    ("n1", date(2026, 4, 6), "approved"),
    ("n1", date(2026, 4, 12), "returned"),
    ("n1", date(2026, 4, 13), "submitted"),
    ("n2", date(2026, 4, 12), "returned"),
)


def _before_m101(folder: Path) -> None:
    """Field work stored, then the database put back as it was before m101 (``done_week`` gone)."""
    store = open_store(folder)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "time": (2, 0, 0, 0), "frozen_temp": -20, "stalls": [], "rework": "pass"}
        for n, (site, day, fate) in enumerate(WORK):
            make(work, {**base, "time": (2, n, 0, 0), "site": site, "day": day, "licence": "fail", "fate": fate})
        with store.transaction() as conn:
            conn.execute("DROP TABLE done_week")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm101_done_weeks'")
    finally:
        store.close()


def test_m101_fills_each_weeks_first_done_inspection_from_the_facts(tmp_path: Path) -> None:
    _before_m101(tmp_path)
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert not db["done_week"].exists()
    migrations.apply(db)
    rows = db.query("SELECT china_week, china_day FROM done_week ORDER BY china_week, china_day")
    weeks = [(r["china_week"], r["china_day"]) for r in rows]
    db.close()
    assert weeks == [("2026-04-06", "2026-04-06"), ("2026-04-06", "2026-04-12"), ("2026-04-13", "2026-04-13")]
    store = open_store(tmp_path)
    try:
        assert rollups.stored(store.db) == rollups.computed(store.db)
    finally:
        store.close()

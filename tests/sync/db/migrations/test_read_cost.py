"""m060–m061 on a database made before them: the district rollups filled in one pass from the sites' rollups,
equal to the rollups computed from the facts; the overdue summary's joins answered from the new indexes."""

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

NEW = ("m060_district_rollups", "m061_open_action_cover")
TWINS = ("rollup_district_total", "rollup_district_failure", "rollup_district_action")
INDEXES = ("corrective_action_open_cover", "finding_id_status", "inspection_id_status")


def _before_read_cost(folder: Path) -> None:
    """Field work stored, then the database put back as it was before m060–m061 (their tables and indexes gone)."""
    store = open_store(folder)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        base = {"version": 1, "time": (2, 0, 0, 0), "frozen_temp": -20, "stalls": [], "rework": "pass"}
        for site, day, licence, fate in (
            ("n1", date(2026, 4, 1), "fail", "submitted"),
            ("n2", date(2026, 4, 30), "fail", "approved"),
            ("s1", date(2026, 6, 30), "fail", "returned"),
            ("n1", date(2026, 7, 1), "pass", "submitted"),
        ):
            make(work, {**base, "site": site, "day": day, "licence": licence, "fate": fate})
        with store.transaction() as conn:
            for name in INDEXES:
                conn.execute(f"DROP INDEX {name}")
            for table in TWINS:
                conn.execute(f"DROP TABLE {table}")
            conn.execute(f"DELETE FROM _sqlite_migrations WHERE name IN {NEW}")
    finally:
        store.close()


def test_m060_fills_the_district_rollups_from_the_sites_and_m061_indexes_open_actions(tmp_path: Path) -> None:
    _before_read_cost(tmp_path)
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert not db["rollup_district_failure"].exists()
    migrations.apply(db)
    applied = {row["name"] for row in db.query("SELECT name FROM _sqlite_migrations")}
    assert set(NEW) <= applied
    assert set(INDEXES) <= {index.name for table in db.tables for index in table.indexes}
    db.close()
    store = open_store(tmp_path)
    try:
        held = rollups.stored(store.db)
        assert all(held[table] for table in TWINS)
        assert held == rollups.computed(store.db)
    finally:
        store.close()

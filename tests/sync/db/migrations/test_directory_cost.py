"""m106 on a database made before it: ``site_inspector`` filled from the inspections, each pair once."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from argon2 import PasswordHasher

from sync.db.migrations import migrations
from sync.db.store import open_store
from tests.sync.office import new_office


def test_m106_fills_each_sites_inspectors_from_the_inspections(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        for site in ("n1", "n1", "s1"):
            office.inspect(site, {"licence": "pass"})
        with store.transaction() as conn:
            conn.execute("DROP TABLE site_inspector")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm106_site_inspectors'")
        inspector, sites = office.users["inspector"].id, office.sites
    finally:
        store.close()
    db = sqlite_utils.Database(tmp_path / "xunjian.db")
    assert not db["site_inspector"].exists()
    migrations.apply(db)
    pairs = {(r["site_id"], r["inspector_id"]) for r in db.query("SELECT * FROM site_inspector")}
    db.close()
    assert pairs == {(sites["n1"], inspector), (sites["s1"], inspector)}

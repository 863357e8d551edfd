"""m109: the two indexes no query read are gone, and the reads they were made for plan through the others."""

from __future__ import annotations

import pytest
import sqlite_utils

from sync.db.migrations import migrations
from sync.pull import kept_rows
from sync.review.conflicts import ConflictFilter, list_conflicts
from tests.sync.office import Office, tracing

DROPPED = {"corrective_action_open_item", "conflict_queue"}


def _indexes(db: sqlite_utils.Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _plan(office: Office, statement: str) -> list[str]:
    return [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + statement)]


@pytest.mark.sqlite_only(reason="SQLite's catalogue and query plans (EXPLAIN QUERY PLAN)")
def test_the_reads_of_unverified_actions_and_of_conflicts_plan_through_the_remaining_indexes(office: Office) -> None:
    assert not DROPPED & _indexes(office.store.db)
    office.inspect("n1", {"licence": "fail"}, days=0)
    with tracing(office.store) as statements:  # a later inspection passing the item verifies the action
        later = office.inspect("n1", {"licence": "pass"}, days=1)
    verifying = next(s for s in statements if "FROM corrective_action a JOIN finding f" in s)
    assert any("INDEX corrective_action_open_cover (status=? AND site_id=?)" in p for p in _plan(office, verifying))
    assert office.store.db.execute(
        "SELECT status, json_extract(verification_json, '$.inspection_id') FROM corrective_action"
    ).fetchall() == [("verified", later.id)]

    office.inspect("n2", {"licence": "fail"})
    inspector = office.users["inspector"]
    with tracing(office.store) as statements:
        kept = kept_rows(office.store.db.conn, inspector, sorted(office.sites.values()))
    assert [row.site_id for row in kept] == [office.sites["n2"]]
    acting = next(s for s in statements if "DISTINCT a.inspection_id" in s)
    assert any("INDEX corrective_action_open_cover (status=? AND site_id=?)" in p for p in _plan(office, acting))

    admin = office.users["admin"]
    for filters in (ConflictFilter(), ConflictFilter(site_id=office.sites["n1"]), ConflictFilter(status=None)):
        with tracing(office.store) as statements:
            list_conflicts(office.store, admin, filters)
        listing = next(s for s in statements if "FROM conflict WHERE" in s)
        plan = _plan(office, listing)
        assert any("USING INDEX conflict_opened" in p or "USING INDEX conflict_org_opened" in p for p in plan), plan
        assert not any("TEMP B-TREE" in p for p in plan), plan


@pytest.mark.sqlite_only(reason="puts the indexes back as a database made before m109 had them")
def test_a_database_made_before_m109_loses_the_two_indexes_and_keeps_its_actions(office: Office) -> None:
    office.inspect("n1", {"licence": "fail"})
    before = office.store.db.execute("SELECT * FROM corrective_action").fetchall()
    with office.store.transaction() as conn:
        conn.execute(
            "CREATE INDEX corrective_action_open_item ON corrective_action(site_id, item_path)"
            " WHERE status IN ('open', 'fixed_reported')"
        )
        conn.execute("CREATE INDEX conflict_queue ON conflict(org_id, status, site_id)")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm109_unread_indexes'")
    db = sqlite_utils.Database(office.store.path)
    assert _indexes(db) >= DROPPED
    migrations.apply(db)
    assert not DROPPED & _indexes(db)
    db.close()
    assert office.store.db.execute("SELECT * FROM corrective_action").fetchall() == before

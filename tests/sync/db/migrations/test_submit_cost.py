"""m075: the unread ``finding_org_site`` index is gone; every findings query still reads through an index."""

from __future__ import annotations

from typing import Any

import pytest
import sqlite_utils

from sync.db.migrations import migrations
from sync.review.register import FindingFilter, list_findings
from tests.sync.office import E1, Office, tracing


def _findings(office: Office) -> None:
    """Four inspections at two sites with failed items, the last repeating the first's."""
    for n, site in enumerate(("n1", "s1", "n1", "n1")):
        answers: dict[str, Any] = {"licence": "fail", "frozen_temp": -10}
        if n == 0:
            answers["stalls"] = {E1: {"prices": "fail"}}
        office.inspect(site, answers, days=n)


def _indexes(db: sqlite_utils.Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'finding'")}


@pytest.mark.sqlite_only(reason="SQLite's catalogue and query plans (EXPLAIN QUERY PLAN)")
def test_finding_org_site_is_dropped_and_the_findings_listings_plan_through_the_remaining_indexes(
    office: Office,
) -> None:
    _findings(office)
    assert "finding_org_site" not in _indexes(office.store.db)
    admin = office.users["admin"]
    for filters, index in (
        (FindingFilter(), "finding_org_newest"),
        (FindingFilter(site_id=office.sites["n1"]), "finding_site_newest"),
    ):
        with tracing(office.store) as statements:
            found = list_findings(office.store, admin, filters)
        assert found
        listing = next(s for s in statements if "FROM finding f" in s)
        plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + listing)]
        assert any(f"SEARCH f USING INDEX {index}" in step for step in plan), plan
        assert not any(step.startswith("SCAN f") for step in plan), plan
    repeats = [f for f in list_findings(office.store, admin, FindingFilter(site_id=office.sites["n1"])) if f.repeat]
    assert {f.item_path for f in repeats} == {"licence", "frozen_temp"}


@pytest.mark.sqlite_only(reason="puts the index back as a database made before m075 had it")
def test_a_database_made_before_m075_loses_the_index_and_keeps_its_findings(office: Office) -> None:
    _findings(office)
    admin = office.users["admin"]
    before = list_findings(office.store, admin, FindingFilter())
    with office.store.transaction() as conn:
        conn.execute("CREATE INDEX finding_org_site ON finding(org_id, site_id, created_seq)")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm075_finding_index_unread'")
    db = sqlite_utils.Database(office.store.path)
    assert "finding_org_site" in _indexes(db)
    migrations.apply(db)
    assert "finding_org_site" not in _indexes(db)
    db.close()
    assert list_findings(office.store, admin, FindingFilter()) == before

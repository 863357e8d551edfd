"""The desk's directory without HTTP: who inspected at a site is read from ``site_inspector`` (m106), kept as
inspections are inserted, never from the inspections themselves, which pile up with the history."""

from __future__ import annotations

import pytest

from sync.org import sites
from sync.org.directory import directory
from tests.sync.office import Office, tracing


def test_an_inspector_moved_away_keeps_a_name_at_the_sites_they_inspected(office: Office) -> None:
    inspector = office.users["inspector"]
    office.inspect("n1", {"licence": "pass"})
    sites.assign_sites(office.store, inspector.org_id, inspector.id, [office.sites["s1"]])
    named = {u.id for u in directory(office.store, office.users["supervisor"]).users}
    assert inspector.id in named
    assert {(r[0], r[1]) for r in office.store.db.execute("SELECT site_id, inspector_id FROM site_inspector")} == {
        (office.sites["n1"], inspector.id)
    }


def test_an_inspector_who_never_worked_in_the_district_has_no_name_there(office: Office) -> None:
    inspector = office.users["inspector"]
    office.inspect("s1", {"licence": "pass"})
    sites.assign_sites(office.store, inspector.org_id, inspector.id, [office.sites["s1"]])
    assert inspector.id not in {u.id for u in directory(office.store, office.users["supervisor"]).users}


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_supervisors_directory_reads_no_inspection(office: Office) -> None:
    office.inspect("n1", {"licence": "pass"})
    with tracing(office.store) as statements:
        directory(office.store, office.users["supervisor"])
    listing = next(s for s in statements if "FROM user WHERE" in s)
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + listing)]
    assert any("site_inspector" in step for step in plan), plan
    assert not any(" inspection " in f"{step} " for step in plan), plan

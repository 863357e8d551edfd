"""The findings register without HTTP: keyset pages over findings, and the overdue summary's reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sync.db.paging import encode_cursor
from sync.errors import InvalidInput
from sync.review.register import FindingFilter, list_findings, overdue_summary, page_findings
from tests.sync.office import E1, E2, Office, tracing


def history(office: Office) -> None:
    """Seven inspections at two sites, one to three findings each."""
    for n in range(7):
        answers: dict[str, Any] = {"licence": "fail", "frozen_temp": -10 if n % 2 else -20}
        if n % 3 == 0:
            answers["stalls"] = {E1: {"prices": "fail"}, E2: {"prices": "fail"}}
        office.inspect("n1" if n % 2 else "s1", answers, days=n)


@pytest.mark.parametrize("filters", [FindingFilter(), FindingFilter(site_id=None, severity="critical")])
def test_pages_follow_the_cursor_newest_first_without_repeats_or_gaps(office: Office, filters: FindingFilter) -> None:
    history(office)
    admin = office.users["admin"]
    every = [f.id for f in list_findings(office.store, admin, filters)]
    assert len(every) > 6
    paged: list[str] = []
    cursor = None
    while True:
        page, cursor = page_findings(office.store, admin, filters, cursor=cursor, limit=3)
        paged.extend(f.id for f in page)
        if len(paged) == 3:
            office.inspect("n2", {"licence": "fail"}, days=9)  # newer: on no later page
        if cursor is None:
            break
    assert paged == every


def test_a_site_or_an_inspection_pages_through_its_own_findings(office: Office) -> None:
    history(office)
    admin, north = office.users["admin"], office.sites["n1"]
    at_north = [f.id for f in list_findings(office.store, admin, FindingFilter()) if f.site_id == north]
    first, cursor = page_findings(office.store, admin, FindingFilter(site_id=north), limit=2)
    rest, last = page_findings(office.store, admin, FindingFilter(site_id=north), cursor=cursor, limit=100)
    assert [f.id for f in first + rest] == at_north
    assert last is None
    one = first[0].inspection_id
    assert {f.inspection_id for f in list_findings(office.store, admin, FindingFilter(inspection_id=one))} == {one}
    supervisor = office.users["supervisor"]  # the north only
    assert list_findings(office.store, supervisor, FindingFilter(site_id=office.sites["s1"])) == []
    south = list_findings(office.store, admin, FindingFilter(site_id=office.sites["s1"]))[0].inspection_id
    assert list_findings(office.store, supervisor, FindingFilter(inspection_id=south)) == []


@pytest.mark.parametrize("cursor", ["nonsense!", encode_cursor([1, 2]), encode_cursor(["1", "/a", "x"]), ""])
def test_a_cursor_this_listing_did_not_give_is_invalid_input(office: Office, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        page_findings(office.store, office.users["admin"], FindingFilter(), cursor=cursor)


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_the_overdue_summary_reads_unverified_actions_through_their_index(office: Office) -> None:
    """Only the unverified actions' partial index, then each finding's and inspection's status from an index by id:
    never a row of the big tables (findings with their evidence, inspections with their documents)."""
    history(office)
    with tracing(office.store) as statements:
        summary = overdue_summary(office.store, office.users["admin"], today=date(2026, 3, 10))
    counting = next(s for s in statements if "count(*)" in s)
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + counting)]
    assert any("USING COVERING INDEX corrective_action_open_cover (status=? AND site_id=?)" in s for s in plan), plan
    assert any("SEARCH f USING COVERING INDEX finding_id_status (id=? AND status=?)" in step for step in plan), plan
    assert any("SEARCH i USING COVERING INDEX inspection_id_status (id=? AND status=?)" in step for step in plan), plan
    assert not any(step.startswith(("SCAN a", "SCAN f", "SCAN i")) for step in plan), plan
    assert summary.open == len(list_findings(office.store, office.users["admin"], FindingFilter(status="open")))

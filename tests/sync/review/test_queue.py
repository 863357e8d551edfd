"""The review queue without HTTP: how a wide scope reads its first page."""

from __future__ import annotations

import pytest

from sync.review import queue
from sync.review.queue import InspectionFilter, list_inspections
from tests.sync.office import Office, tracing


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_a_wide_scope_walks_the_changes_with_each_site_in_the_index(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A district's queue walks the changes newest first on an index that holds each inspection's site and
    status, so the rows of other districts' inspections are passed over without reading them."""
    monkeypatch.setattr(queue, "FEW_SITES", 0)  # the supervisor's two sites read as a wide scope
    for n in range(6):
        office.inspect(("n1", "s1", "n2")[n % 3], {"licence": "pass"}, days=n)
    with tracing(office.store) as statements:
        page = list_inspections(office.store, office.users["supervisor"], InspectionFilter(limit=3))
    listing = next(s for s in statements if "ORDER BY i.updated_seq DESC" in s)
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + listing)]
    assert any(step.startswith("SCAN i USING INDEX inspection_seq_site") for step in plan), plan
    north = {office.sites["n1"], office.sites["n2"]}
    assert [row.site_id in north for row in page.items] == [True, True, True]
    assert page.next_cursor is not None  # a fourth of the north's four

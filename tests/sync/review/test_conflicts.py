"""The conflict queue without HTTP: a page read from an index in its order (m105), whatever piles up."""

from __future__ import annotations

import pytest

from sync.review.conflicts import ConflictFilter, list_conflicts
from tests.sync.office import Office, tracing


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
@pytest.mark.parametrize("status", ["open", None])
def test_a_page_of_conflicts_reads_an_index_in_its_order(office: Office, status: str | None) -> None:
    """A status's conflicts (or every status's) lie in the order listed in an index: a page stops at its
    limit instead of gathering and sorting every conflict of the scope."""
    with tracing(office.store) as statements:
        list_conflicts(office.store, office.users["supervisor"], ConflictFilter(status=status, limit=3))
    listing = next(s for s in statements if "FROM conflict WHERE" in s)
    plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + listing)]
    index = "conflict_opened" if status else "conflict_org_opened"
    assert any(f"USING INDEX {index}" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan

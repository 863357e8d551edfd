"""The exports page through a range of inspections in time order (m090): every one in scope once, in order.

Pages of two here (the exports' ``PAGE`` is 200), so every page boundary falls between inspections
of different sites and between two made at the same instant; on SQLite each page reads
``inspection_created`` from where the last stopped, with no sort of the rest of the range.
"""

from __future__ import annotations

from datetime import date

import pytest

from schemas.catalog import load_catalog
from sync.outputs import exports
from sync.outputs.exports import INSPECTION_COLUMNS, inspection_rows
from tests.sync.office import Office, tracing

# (site, days after the office's first day): two at n1 and s1 at the same instant, one before the range
MADE = [("n1", 0.0), ("s1", 0.5), ("n2", 1.0), ("n1", 1.0), ("n2", 1.0), ("s1", 2.0), ("n1", 3.0), ("n2", -5.0)]
FIRST, LAST = date(2026, 3, 2), date(2026, 3, 31)


@pytest.fixture
def made(office: Office, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """(created_at, inspection id, site id) of each inspection made, in their creation order."""
    monkeypatch.setattr(exports, "PAGE", 2)
    rows = [office.inspect(site, {"licence": "pass"}, days=days) for site, days in MADE]
    return [(row.created_at, row.id, row.site_id) for row in rows]


def _exported(office: Office, sites: list[str]) -> list[tuple[str, str, str]]:
    at, inspection, site = (INSPECTION_COLUMNS.index(c) for c in ("created_at", "inspection_id", "site_id"))
    return [(r[at], r[inspection], r[site]) for r in inspection_rows(office.store, load_catalog(), sites, FIRST, LAST)]


def test_each_inspection_in_scope_and_range_comes_once_in_time_order(
    office: Office, made: list[tuple[str, str, str]]
) -> None:
    in_range = sorted(m for m in made if m[0] >= "2026-03-01T16:00")
    for scope in (["n1", "n2", "s1"], ["n1", "n2"], ["s1"], ["n2"]):
        sites = [office.sites[name] for name in scope]
        assert _exported(office, sites) == [m for m in in_range if m[2] in sites], scope
    assert len(_exported(office, list(office.sites.values()))) == len(MADE) - 1


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_each_page_reads_the_time_ordered_index_without_sorting_the_rest_of_the_range(
    office: Office, made: list[tuple[str, str, str]]
) -> None:
    sites = [office.sites["n1"], office.sites["n2"]]
    with tracing(office.store) as statements:
        assert len(_exported(office, sites)) == 5
    pages = [s for s in statements if "ORDER BY i.created_at, i.id LIMIT" in s]
    assert len(pages) == 3  # 2 + 2 + 1
    for page in pages:
        plan = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + page)]
        assert any(step.startswith("SEARCH i USING INDEX inspection_created") for step in plan), plan
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan

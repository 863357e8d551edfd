"""Reports from stored facts equal reports computed from the raw answers, on random work made through the engine."""

from __future__ import annotations

from statistics import median
from typing import Any

from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.db.store import open_store
from sync.review.period_facts import median_of
from sync.review.reports import build_report, figures
from tests.sync.office import new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, PERIODS, TODAY, make, work_item
from tests.sync.review.report_oracle import oracle_figures


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(work_item, min_size=1, max_size=14))
def test_the_stored_fact_report_equals_the_report_recomputed_from_raw_answers(items: list[dict[str, Any]]) -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work = FieldWork(store, CATALOG, office)
        for item in items:
            make(work, item)
        admin, supervisor = office.users["admin"], office.users["supervisor"]
        everywhere = sorted(office.sites.values())
        north = sorted(office.sites[s] for s in ("n1", "n2"))
        for period in PERIODS:
            assert figures(store, CATALOG, admin, everywhere, period, TODAY) == oracle_figures(
                store, CATALOG, admin, everywhere, period, TODAY
            )
            assert figures(store, CATALOG, supervisor, north, period, TODAY) == oracle_figures(
                store, CATALOG, supervisor, north, period, TODAY
            )
        report = build_report(store, CATALOG, admin, PERIODS[1], today=TODAY)
        assert report.current == oracle_figures(store, CATALOG, admin, everywhere, PERIODS[1], TODAY)
        assert report.previous == oracle_figures(store, CATALOG, admin, everywhere, PERIODS[0], TODAY)
    finally:
        store.close()


@given(st.dictionaries(st.integers(min_value=-3, max_value=400), st.integers(min_value=1, max_value=5), max_size=30))
def test_the_median_of_counted_values_is_that_of_the_values_listed(counts: dict[int, int]) -> None:
    values = [value for value, count in counts.items() for _ in range(count)]
    assert median_of(counts) == (float(median(values)) if values else None)

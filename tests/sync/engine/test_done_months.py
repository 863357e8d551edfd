"""``done_month`` follows each month's first done inspection: lowered by an earlier one, probed again when it leaves."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.engine import rollups
from tests.sync.office import new_office, tracing
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG, moment

ANSWERS: dict[str, Any] = {"licence": "pass", "frozen_temp": -20}


def _months(store: Store) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in store.db.execute("SELECT china_month, china_day, inspection_id FROM done_month")]


def test_the_first_done_inspection_of_a_month_is_kept_as_inspections_come_and_leave(store: Store) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    site = work.office.sites["n1"]
    at: dict[int, datetime] = {day: moment(date(2026, 4, day), (2, 0, 0, 0)) for day in (3, 9, 20)}
    late = work.start(site, ANSWERS, at[20], submit=True)
    assert _months(store) == [("2026-04", "2026-04-20", late)]
    draft = work.start(site, ANSWERS, at[3], submit=False)  # not done: no month of its own
    assert _months(store) == [("2026-04", "2026-04-20", late)]
    early = work.start(site, ANSWERS, at[9], submit=True)  # earlier: lowers the month
    assert _months(store) == [("2026-04", "2026-04-09", early)]
    work.review(early, "approved", at[20] + timedelta(hours=1))  # still done, the same month and time
    assert _months(store) == [("2026-04", "2026-04-09", early)]
    work.edit(draft, ANSWERS, at[20] + timedelta(hours=2), submit=True)  # started on the 3rd: first now
    assert _months(store) == [("2026-04", "2026-04-03", draft)]
    work.review(draft, "rejected", at[20] + timedelta(hours=3))  # leaves: the month is probed again
    assert _months(store) == [("2026-04", "2026-04-09", early)]
    assert rollups.stored(store.db) == rollups.computed(store.db)


@pytest.mark.sqlite_only(reason="traces the statements (SQLite's trace callback)")
def test_a_done_inspection_approved_or_returned_lowers_nothing_and_probes_nothing(store: Store) -> None:
    work = FieldWork(store, CATALOG, new_office(store, PasswordHasher(time_cost=1, memory_cost=1024)))
    at = moment(date(2026, 4, 9), (2, 0, 0, 0))
    first, second = (work.start(work.office.sites["n1"], ANSWERS, at + timedelta(minutes=n)) for n in (0, 1))
    with tracing(store) as statements:
        work.review(first, "approved", at + timedelta(hours=1))
        work.review(second, "returned", at + timedelta(hours=1))
    assert not [s for s in statements if "ORDER BY china_day, created_at, inspection_id LIMIT 1" in s]
    assert _months(store) == [("2026-04", "2026-04-09", first)]

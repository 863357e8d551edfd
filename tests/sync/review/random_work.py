"""Random field work for the report tests: inspections pushed through the engine to a fate, on China-day edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from sync.review.reports import month_period, quarter_period
from tests.sync.review.field_work import FieldWork, probe_catalog

CATALOG = probe_catalog()
TODAY = date(2026, 7, 20)
# China-date boundaries: 16:00Z is midnight in China; the last millisecond before it is still the day before
DAYS = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30), date(2026, 6, 30), date(2026, 7, 1)]
TIMES = [(15, 59, 59, 999), (16, 0, 0, 0), (2, 0, 0, 0), (23, 30, 0, 0)]
FATES = ["draft", "submitted", "returned", "resubmitted", "approved", "reworked_approved", "rejected", "deleted"]
PERIODS = [
    month_period("2026-03"),
    month_period("2026-04"),
    month_period("2026-06"),
    month_period("2026-07"),
    quarter_period("2026-Q1"),
    quarter_period("2026-Q2"),
    quarter_period("2026-Q3"),
]

verdicts = st.sampled_from(["pass", "fail", "na"])
stall = st.fixed_dictionaries({"stall_no": st.sampled_from(["A1", "B2"]), "prices": verdicts})
work_item = st.fixed_dictionaries(
    {
        "site": st.sampled_from(["n1", "n2", "s1"]),
        "version": st.sampled_from([1, 2]),
        "day": st.sampled_from(DAYS),
        "time": st.sampled_from(TIMES),
        "licence": verdicts,
        "frozen_temp": st.integers(-40, 5),
        "stalls": st.lists(stall, max_size=3),
        "fate": st.sampled_from(FATES),
        "rework": verdicts,
    }
)


def moment(day: date, at: tuple[int, int, int, int]) -> datetime:
    hour, minute, second, milli = at
    return datetime(day.year, day.month, day.day, hour, minute, second, milli * 1000, tzinfo=UTC)


def make(work: FieldWork, item: dict[str, Any]) -> None:
    """One inspection through the engine, to its fate: a draft, submitted, returned, approved, rejected or deleted."""
    at = moment(item["day"], item["time"])
    later = at + timedelta(hours=1)
    answers = {"licence": item["licence"], "frozen_temp": item["frozen_temp"]}
    fate = item["fate"]
    site = work.office.sites[item["site"]]
    inspection_id = work.start(
        site, answers, at, version=item["version"], stalls=item["stalls"], submit=fate not in ("draft", "deleted")
    )
    if fate == "deleted":
        work.delete(inspection_id, later)
    elif fate == "approved":
        work.review(inspection_id, "approved", later)
    elif fate == "rejected":
        work.review(inspection_id, "rejected", later)
    elif fate in ("returned", "resubmitted", "reworked_approved"):
        work.review(inspection_id, "returned", later)
        if fate != "returned":
            work.edit(inspection_id, {"licence": item["rework"]}, later + timedelta(hours=1), submit=True)
        if fate == "reworked_approved":
            work.review(inspection_id, "approved", later + timedelta(hours=2))

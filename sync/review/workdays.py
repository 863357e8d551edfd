"""Working days for corrective-action deadlines: weekends and holidays skipped. Pure.

The calendar is configured, not built in: ``holidays`` are the days off
(法定节假日) and ``makeup_workdays`` the weekend days worked in exchange (调休),
both lists of ISO dates from the settings. Dates are calendar days in China
(UTC+8, no daylight saving), where the deadlines apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sync.clock import CHINA, china_date

__all__ = ["CHINA", "WorkCalendar", "china_date", "make_calendar", "parse_dates", "today_in_china"]


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: Monday to Friday, minus holidays, plus make-up working days."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """A make-up working day always is; otherwise a weekday that is not a holiday."""
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted; 0 gives ``start``)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        left = days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def parse_dates(text: str) -> frozenset[date]:
    """Comma-separated ISO dates (``2026-10-01,2026-10-02``); blanks are ignored, a bad date raises ValueError."""
    dates = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            dates.add(date.fromisoformat(part))
        except ValueError:
            raise ValueError(f"{part!r} is not an ISO date (YYYY-MM-DD)") from None
    return frozenset(dates)


def make_calendar(holidays: Iterable[date] = (), makeup_workdays: Iterable[date] = ()) -> WorkCalendar:
    """A calendar from any iterables of days off and make-up working days."""
    return WorkCalendar(frozenset(holidays), frozenset(makeup_workdays))


def today_in_china() -> date:
    """Today's date in China, from the server's clock (the HTTP layer's default ``today``)."""
    return datetime.now(CHINA).date()

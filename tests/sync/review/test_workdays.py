"""Working-day arithmetic: weekends and configured holidays skipped, make-up working days counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sync.review.workdays import WorkCalendar, china_date, make_calendar, parse_dates

D = date.fromisoformat
# A configured National Day week (an example calendar, not an official one): 1–7 October off,
# Sunday 27 September and Saturday 10 October worked in exchange (调休).
GOLDEN_WEEK = make_calendar(
    holidays=[D("2026-10-01") + timedelta(days=n) for n in range(7)],
    makeup_workdays=[D("2026-09-27"), D("2026-10-10")],
)
PLAIN = WorkCalendar()


@pytest.mark.parametrize(
    ("calendar", "start", "days", "due"),
    [
        (PLAIN, "2026-09-21", 0, "2026-09-21"),  # Monday + 0
        (PLAIN, "2026-09-21", 1, "2026-09-22"),  # Monday + 1: Tuesday
        (PLAIN, "2026-09-21", 4, "2026-09-25"),  # to Friday
        (PLAIN, "2026-09-21", 5, "2026-09-28"),  # over the weekend to Monday
        (PLAIN, "2026-09-25", 1, "2026-09-28"),  # Friday + 1: Monday
        (PLAIN, "2026-09-26", 1, "2026-09-28"),  # Saturday + 1: Monday
        (PLAIN, "2026-09-27", 5, "2026-10-02"),  # Sunday + 5: Friday
        (PLAIN, "2026-09-21", 10, "2026-10-05"),  # two weeks
        (GOLDEN_WEEK, "2026-09-25", 1, "2026-09-27"),  # Friday + 1: the make-up Sunday
        (GOLDEN_WEEK, "2026-09-29", 1, "2026-09-30"),
        (GOLDEN_WEEK, "2026-09-29", 2, "2026-10-08"),  # over the whole holiday week
        (GOLDEN_WEEK, "2026-09-30", 1, "2026-10-08"),
        (GOLDEN_WEEK, "2026-10-03", 1, "2026-10-08"),  # starting inside the holiday
        (GOLDEN_WEEK, "2026-10-08", 2, "2026-10-10"),  # Thursday + 2: the make-up Saturday
        (GOLDEN_WEEK, "2026-09-24", 5, "2026-09-30"),  # Fri 25, Sun 27 (make-up), Mon, Tue, Wed 30
        (GOLDEN_WEEK, "2026-09-24", 7, "2026-10-09"),  # … then Thu 8 and Fri 9 October
        (GOLDEN_WEEK, "2026-10-09", 1, "2026-10-10"),
        (GOLDEN_WEEK, "2026-10-10", 1, "2026-10-12"),  # the ordinary Sunday after is off
    ],
)
def test_add_working_days(calendar: WorkCalendar, start: str, days: int, due: str) -> None:
    assert calendar.add_working_days(D(start), days) == D(due)


@pytest.mark.parametrize(
    ("calendar", "day", "working"),
    [
        (PLAIN, "2026-09-26", False),  # Saturday
        (PLAIN, "2026-10-01", True),  # nothing configured: a Thursday is a working day
        (GOLDEN_WEEK, "2026-10-01", False),
        (GOLDEN_WEEK, "2026-10-07", False),
        (GOLDEN_WEEK, "2026-10-08", True),
        (GOLDEN_WEEK, "2026-09-27", True),  # make-up Sunday
        (GOLDEN_WEEK, "2026-10-04", False),
    ],
)
def test_is_working_day(calendar: WorkCalendar, day: str, working: bool) -> None:
    assert calendar.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-09-28", "2026-09-28", 0),
        ("2026-09-28", "2026-09-27", 0),
        ("2026-09-28", "2026-09-30", 2),
        ("2026-09-28", "2026-10-08", 3),  # Tue, Wed, then Thu 8 October
        ("2026-09-25", "2026-09-28", 2),  # the make-up Sunday and Monday
    ],
)
def test_working_days_between(start: str, end: str, count: int) -> None:
    assert GOLDEN_WEEK.working_days_between(D(start), D(end)) == count


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        PLAIN.add_working_days(D("2026-09-21"), -1)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("", set()),
        ("2026-10-01", {"2026-10-01"}),
        (" 2026-10-01 , 2026-10-02,,", {"2026-10-01", "2026-10-02"}),
    ],
)
def test_parse_dates(text: str, dates: set[str]) -> None:
    assert parse_dates(text) == {D(d) for d in dates}


def test_a_bad_date_is_refused() -> None:
    with pytest.raises(ValueError, match="2026-13-01"):
        parse_dates("2026-10-01,2026-13-01")


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        ("2026-09-30T15:59:59.999Z", "2026-09-30"),
        ("2026-09-30T16:00:00.000Z", "2026-10-01"),  # midnight in Beijing
        ("2026-10-01T07:30:00+08:00", "2026-10-01"),
    ],
)
def test_china_date(moment: str, day: str) -> None:
    assert china_date(moment) == D(day)
    assert china_date(datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)) == D(day)

"""Settings from the environment: the finding and working-day rules."""

from __future__ import annotations

from datetime import date

import pytest

from server.settings import Settings


def test_finding_rules_and_the_holiday_calendar_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "XUNJIAN_REPEAT_WINDOW_DAYS": "30",
            "XUNJIAN_WORKING_DAYS_DEFAULT": "7",
            "XUNJIAN_HOLIDAYS": "2026-10-01, 2026-10-02",
            "XUNJIAN_MAKEUP_WORKDAYS": "2026-10-10",
        }
    )
    assert (settings.repeat_window_days, settings.working_days_default) == (30, 7)
    assert settings.holidays == {date(2026, 10, 1), date(2026, 10, 2)}
    assert settings.makeup_workdays == {date(2026, 10, 10)}
    defaults = Settings.from_env({})
    assert (defaults.repeat_window_days, defaults.working_days_default, defaults.holidays) == (90, 5, frozenset())


def test_a_malformed_holiday_stops_start_up() -> None:
    with pytest.raises(ValueError, match="2026-02-30"):
        Settings.from_env({"XUNJIAN_HOLIDAYS": "2026-02-30"})


def test_the_audit_retention_comes_from_the_environment_and_is_never_below_six_months() -> None:
    assert Settings.from_env({}).audit_retention_days == 1095
    assert Settings.from_env({"XUNJIAN_AUDIT_RETENTION_DAYS": "180"}).audit_retention_days == 180
    with pytest.raises(ValueError, match="at least 180"):
        Settings.from_env({"XUNJIAN_AUDIT_RETENTION_DAYS": "30"})

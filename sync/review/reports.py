"""Monthly and quarterly reports (服务质量检验办法 4.8, 4.9): figures of a period and the change since the last.

Rules, stated once:

* **Figures come from stored facts** (:mod:`sync.engine.facts`): each inspection's status, score,
  verdict, failed items and China day are computed when it changes and stored in indexed rows;
  a report adds them up in SQL (:mod:`sync.review.period_facts`) and decodes no document.
* **Dates are China dates** (UTC+8, :func:`sync.clock.china_date`) of the inspection's
  ``created_at`` (stored in UTC), stored as its ``china_day``: an inspection started at
  2026-06-30T17:00Z counts for July.
* **Done** inspections are those ``submitted``, ``returned`` or ``approved``; drafts, deleted
  and rejected ones are left out (a rejected inspection does not count as work done).
* **Planned** comes from :func:`sync.review.schedules.coverage` for the same days, which counts China
  dates and the same statuses; it is ``None`` when no active plan is in scope.
* **Average score** is the mean of the done inspections' one-decimal scores
  (:func:`schemas.scoring.score_inspection`), rounded half up to one decimal; inspections with
  nothing to weigh are left out. **Pass rate** is 100 × passed over those with a verdict, one
  decimal half up.
* **Failing items** count failed answers (each group entry counts), per checklist item; clauses
  sum the failed answers citing them. Top ten each, most first, ties by checklist and item path
  (by clause); an item's label, clause and severity are those of its latest inspection's version.
* **Corrective actions** are those of the active findings of the period's done inspections, as
  they stand ``today``: open (``open`` or ``fixed_reported``), overdue (of those, past the
  deadline), verified, closed, and the median of days from the finding's China date to the
  closing's China date. **Repeat findings** are active findings linked to an earlier one.
* Due dates follow the calendar in the seeds (§2.4); each says which rule it follows.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from math import floor
from typing import Literal

from msgspec import Struct

from schemas.catalog import Catalog
from sync.clock import iso
from sync.db.store import Store
from sync.errors import InvalidInput, NotFound, OutOfScope
from sync.org.accounts import User
from sync.org.sites import require_role, site_ids_in_scope
from sync.review import period_facts
from sync.review.register import LISTED_INSPECTIONS
from sync.review.schedules import coverage
from sync.review.workdays import CHINA, today_in_china

DONE = LISTED_INSPECTIONS  # submitted, returned, approved
TOP = 10
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class Period(Struct, frozen=True):
    """A month (``YYYY-MM``) or quarter (``YYYY-Qn``) with its first and last day."""

    kind: Literal["month", "quarter"]
    label: str
    first: str
    last: str


class Deadline(Struct, frozen=True):
    """What is due when, and by which rule."""

    what: str
    due: str
    rule: str


class FailingItem(Struct):
    """A checklist item with how many answers failed it."""

    checklist_id: str
    item_path: str
    label: dict[str, str]
    clause: str
    severity: str
    count: int


class FailingClause(Struct):
    """A clause with how many failed answers cite it."""

    clause: str
    count: int


class ActionFigures(Struct):
    """The corrective actions of a period's findings, as they stand on the report's day."""

    findings: int
    open: int
    overdue: int
    verified: int
    closed: int
    median_days_to_close: float | None


class Figures(Struct):
    """A period's figures (see the module docstring for how each is counted)."""

    period: Period
    inspections: int
    by_status: dict[str, int]
    planned: int | None
    planned_done: int | None
    scored: int
    average_score: float | None
    passed: int
    pass_rate: float | None
    failed_answers: int
    top_failing_items: list[FailingItem]
    top_failing_clauses: list[FailingClause]
    actions: ActionFigures
    repeat_findings: int


class Change(Struct):
    """This period minus the previous one; ``None`` when either side has no value."""

    inspections: int
    average_score: float | None
    pass_rate: float | None
    failed_answers: int
    open_actions: int
    overdue_actions: int
    repeat_findings: int


class Report(Struct):
    """A period's figures beside the previous period's, the change, and the deadlines."""

    period: Period
    district_id: str | None
    today: str
    deadlines: list[Deadline]
    current: Figures
    previous: Figures
    change: Change


def half_up(value: Fraction) -> float:
    """Round half up to one decimal, exactly."""
    return floor(value * 10 + Fraction(1, 2)) / 10


def month_period(text: str) -> Period:
    """``YYYY-MM`` → the month; :class:`InvalidInput` otherwise."""
    match = _MONTH.match(text)
    if match is None:
        raise InvalidInput(f"month {text!r} is not YYYY-MM")
    first = date(int(match[1]), int(match[2]), 1)
    return Period("month", text, first.isoformat(), (_next_month(first) - timedelta(days=1)).isoformat())


def quarter_period(text: str) -> Period:
    """``YYYY-Qn`` → the quarter; :class:`InvalidInput` otherwise."""
    match = _QUARTER.match(text)
    if match is None:
        raise InvalidInput(f"quarter {text!r} is not YYYY-Qn (n from 1 to 4)")
    first = date(int(match[1]), 3 * int(match[2]) - 2, 1)
    after = _next_month(_next_month(_next_month(first)))
    return Period("quarter", text, first.isoformat(), (after - timedelta(days=1)).isoformat())


def previous_period(period: Period) -> Period:
    """The month or quarter before ``period``."""
    before = date.fromisoformat(period.first) - timedelta(days=1)
    if period.kind == "month":
        return month_period(f"{before.year}-{before.month:02d}")
    return quarter_period(f"{before.year}-Q{(before.month + 2) // 3}")


def deadlines(period: Period) -> list[Deadline]:
    """When the period's forms and reports are due (by end of that day, China time)."""
    after = date.fromisoformat(period.last) + timedelta(days=1)  # the first day of the next period
    if period.kind == "month":
        return [
            Deadline("forms_collected", after.replace(day=5).isoformat(), "4.8: 每月5日前收集上月巡检表"),
            Deadline("monthly_report", after.replace(day=10).isoformat(), "4.8: 月度报告每月10日前报行政人事部"),
        ]
    return [
        Deadline(
            "quarterly_report",
            after.replace(day=10).isoformat(),
            "4.8: 季度报告每季10日前报行政人事部 (the 10th of the quarter's first month following)",
        ),
        Deadline(
            "consolidated_quarterly_report",
            after.replace(day=15).isoformat(),
            "4.9: 行政人事部每季度首月15日前形成服务质量巡检季度报告",
        ),
    ]


def utc_bounds(first: date, last: date) -> tuple[str, str]:
    """The stored ``created_at`` range (UTC, ``…Z``) of China dates ``first`` to ``last``: [start, end)."""

    def at(day: date) -> str:
        return iso(datetime.combine(day, time(), CHINA))

    return at(first), at(last + timedelta(days=1))


def report_sites(store: Store, user: User, district_id: str | None) -> list[str]:
    """Sites a report or export covers: supervisors and admins only; a district narrows it, in scope."""
    require_role(user, "supervisor", "admin")
    scope = site_ids_in_scope(store, user)
    if district_id is None:
        return sorted(scope)
    if (
        store.db.execute("SELECT 1 FROM district WHERE id = ? AND org_id = ?", [district_id, user.org_id]).fetchone()
        is None
    ):
        raise NotFound(f"no district {district_id!r}")
    sites = {r[0] for r in store.db.execute("SELECT id FROM site WHERE district_id = ?", [district_id])}
    mine = (
        user.role == "admin"
        or store.db.execute(
            "SELECT 1 FROM supervisor_district WHERE user_id = ? AND district_id = ?", [user.id, district_id]
        ).fetchone()
    )
    if not mine or not sites <= scope:
        raise OutOfScope(f"district {district_id!r} is outside your scope")
    return sorted(sites)


def figures(store: Store, catalog: Catalog, user: User, sites: list[str], period: Period, today: date) -> Figures:
    """The figures of one period from the stored facts (see the module docstring for every rule)."""
    first, last = date.fromisoformat(period.first), date.fromisoformat(period.last)
    sums = period_facts.totals(store, sites, first, last)
    actions = period_facts.action_counts(store, sites, first, last, today)
    items, clauses = period_facts.failing(store, catalog, sites, first, last, TOP)
    return Figures(
        period=period,
        inspections=sum(sums.by_status.values()),
        by_status=sums.by_status,
        **_planned(store, user, sites, first, last, today),
        scored=sums.scored,
        average_score=half_up(Fraction(sums.score_tenths, 10 * sums.scored)) if sums.scored else None,
        passed=sums.passed,
        pass_rate=half_up(Fraction(100 * sums.passed, sums.verdicts)) if sums.verdicts else None,
        failed_answers=sums.failed_answers,
        top_failing_items=[
            FailingItem(i.checklist_id, i.item_path, i.label, i.clause, i.severity, i.count) for i in items
        ],
        top_failing_clauses=[FailingClause(c, n) for c, n in clauses],
        actions=ActionFigures(
            findings=actions.findings,
            open=actions.open,
            overdue=actions.overdue,
            verified=actions.verified,
            closed=actions.closed,
            median_days_to_close=period_facts.median_of(actions.days_to_close),
        ),
        repeat_findings=actions.repeats,
    )


def _planned(store: Store, user: User, sites: list[str], first: date, last: date, today: date) -> dict[str, int | None]:
    wanted = set(sites)
    periods = [p for p in coverage(store, user, first, last, today).periods if p.site_id in wanted]
    plans = (
        store.db.execute(
            f"SELECT count(*) FROM plan WHERE active = 1 AND site_id IN ({','.join('?' * len(sites))})", sites
        ).fetchone()[0]
        if sites
        else 0
    )
    if not plans:
        return {"planned": None, "planned_done": None}
    return {"planned": len(periods), "planned_done": sum(p.status == "done" for p in periods)}


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else float(Fraction(str(a)) - Fraction(str(b)))


def build_report(
    store: Store,
    catalog: Catalog,
    user: User,
    period: Period,
    *,
    district_id: str | None = None,
    today: date | None = None,
) -> Report:
    """A period's report in the caller's scope, with the previous period and the change."""
    today = today_in_china() if today is None else today
    sites = report_sites(store, user, district_id)
    now = figures(store, catalog, user, sites, period, today)
    before = figures(store, catalog, user, sites, previous_period(period), today)
    change = Change(
        now.inspections - before.inspections,
        _minus(now.average_score, before.average_score),
        _minus(now.pass_rate, before.pass_rate),
        now.failed_answers - before.failed_answers,
        now.actions.open - before.actions.open,
        now.actions.overdue - before.actions.overdue,
        now.repeat_findings - before.repeat_findings,
    )
    return Report(period, district_id, today.isoformat(), deadlines(period), now, before, change)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)

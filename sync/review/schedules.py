"""Inspection plans per site and checklist, their periods, coverage, and possible duplicates.

Cadences follow 服务质量检验办法 4.1–4.3: monthly spot checks by the administration
department, weekly checks by department managers, weekly full inspections by
property administrators, daily checks by supervisors. A period is covered by an
inspection of the plan's site and checklist started in it (China date, UTC+8,
as the reports count) and submitted, returned or approved; a past period
without one is missed, the current one is due. China days are read from the stored facts
(``inspection_fact.china_day``, :mod:`sync.engine.facts`) through their index, never computed
in a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Literal

from msgspec import Struct

from sync.clock import new_id, now_iso
from sync.db.named import named_rows, rows_as
from sync.db.store import Store
from sync.errors import InvalidInput, NotFound, OutOfScope
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor
from sync.org.sites import require_role, site_ids_in_scope

Cadence = Literal["daily", "weekly", "monthly"]
PlanKind = Literal["monthly_spot_check", "weekly_manager_check", "weekly_full_inspection", "daily_check", "other"]
KIND_CADENCE: dict[str, Cadence] = {
    "monthly_spot_check": "monthly",
    "weekly_manager_check": "weekly",
    "weekly_full_inspection": "weekly",
    "daily_check": "daily",
}


class Plan(Struct, frozen=True):
    """Inspect a site on a checklist at a cadence, from ``starts_on``; assigned to one inspector or to none."""

    id: str
    site_id: str
    checklist_id: str
    cadence: Cadence
    kind: str
    assignee_id: str | None
    starts_on: str
    active: bool


class PeriodStatus(Struct, frozen=True):
    """One plan period: ``done`` (with the inspection), ``due`` (current), ``missed`` (past)."""

    plan_id: str
    site_id: str
    checklist_id: str
    start: str
    end: str
    status: Literal["done", "due", "missed"]
    inspection_id: str | None = None


class Coverage(Struct):
    """Plan periods in a range, and how many are done, missed and due."""

    periods: list[PeriodStatus]
    planned: int
    done: int
    missed: int
    due: int


class Duplicate(Struct):
    """Inspections of one site and checklist started the same day on different devices."""

    site_id: str
    checklist_id: str
    day: str
    inspection_ids: list[str]


def period_of(day: date, cadence: Cadence) -> tuple[date, date]:
    """The period holding ``day``: the day, its ISO week (Monday–Sunday), or its calendar month."""
    if cadence == "daily":
        return day, day
    if cadence == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def periods(cadence: Cadence, first: date, last: date) -> Iterator[tuple[date, date]]:
    """Every period overlapping ``first`` … ``last``, in order."""
    start, end = period_of(first, cadence)
    while start <= last:
        yield start, end
        start, end = period_of(end + timedelta(days=1), cadence)


def create_plan(
    store: Store,
    user: User,
    *,
    site_id: str,
    checklist_id: str,
    kind: PlanKind,
    cadence: Cadence | None,
    assignee_id: str | None,
    starts_on: date,
    actor: Actor | None = None,
) -> Plan:
    """A supervisor (in their districts) or admin plans recurring inspections of one site."""
    require_role(user, "supervisor", "admin")
    if site_id not in site_ids_in_scope(store, user):
        raise OutOfScope(f"site {site_id!r} is outside your districts")
    chosen = cadence or KIND_CADENCE.get(kind)
    if chosen is None:
        raise InvalidInput("give a cadence (daily, weekly or monthly) for a plan of kind 'other'")
    if (
        assignee_id is not None
        and not store.db.execute(
            "SELECT 1 FROM user WHERE id = ? AND org_id = ? AND role = 'inspector'", [assignee_id, user.org_id]
        ).fetchone()
    ):
        raise InvalidInput(f"no inspector {assignee_id!r} in this organisation")
    plan = Plan(new_id(), site_id, checklist_id, chosen, kind, assignee_id, starts_on.isoformat(), True)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO plan (id, org_id, site_id, checklist_id, cadence, kind, assignee_id, starts_on, active,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [
                plan.id,
                user.org_id,
                site_id,
                checklist_id,
                chosen,
                kind,
                assignee_id,
                plan.starts_on,
                user.id,
                now_iso(),
            ],
        )
        fields = {"site_id": site_id, "checklist_id": checklist_id, "cadence": chosen, "kind": kind,
                  "assignee_id": assignee_id, "starts_on": plan.starts_on, "active": True}  # fmt: skip
        audit.record(conn, actor, "plan.create", "plan", plan.id, org_id=user.org_id, after=fields)
    return plan


def list_plans(store: Store, user: User) -> list[Plan]:
    """Active plans at sites in the caller's scope."""
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    rows = store.db.execute(
        "SELECT id, site_id, checklist_id, cadence, kind, assignee_id, starts_on, active FROM plan"
        f" WHERE active = 1 AND site_id IN ({','.join('?' * len(scope))}) ORDER BY site_id, checklist_id",
        scope,
    )
    return rows_as(rows, Plan)


def deactivate_plan(store: Store, user: User, plan_id: str, actor: Actor | None = None) -> None:
    """Deactivate a plan in the caller's scope (supervisors and admins)."""
    require_role(user, "supervisor", "admin")
    row = store.db.execute(
        "SELECT site_id, active FROM plan WHERE id = ? AND org_id = ?", [plan_id, user.org_id]
    ).fetchone()
    if row is None or row[0] not in site_ids_in_scope(store, user):
        raise NotFound(f"no plan {plan_id!r}")  # out of scope reads as unknown: no probing
    with store.transaction() as conn:
        conn.execute("UPDATE plan SET active = 0 WHERE id = ?", [plan_id])
        audit.record(conn, actor, "plan.deactivate", "plan", plan_id, org_id=user.org_id,
                     before={"active": bool(row[1])}, after={"active": False})  # fmt: skip


def coverage(store: Store, user: User, first: date, last: date, today: date) -> Coverage:
    """Every period of every plan in scope between ``first`` and ``last`` (clipped at ``today``)."""
    if last < first:
        raise InvalidInput("the range ends before it starts")
    # plans of one cadence started before the range (most of them) share their periods: worked out once
    shared: dict[tuple[Cadence, date, date], list[tuple[date, date]]] = {}
    plans = []
    for plan in list_plans(store, user):
        key = (plan.cadence, max(first, date.fromisoformat(plan.starts_on)), min(last, today))
        plans.append((plan, shared.get(key) or shared.setdefault(key, list(periods(*key)))))
    found = _first_done(store, plans)
    shown: dict[int, list[tuple[str, str, Literal["due", "missed"]]]] = {}  # by the periods' list: as written
    statuses: list[PeriodStatus] = []
    count = {"done": 0, "missed": 0, "due": 0}
    nothing: dict[str, str] = {}
    for n, (plan, spans) in enumerate(plans):
        if id(spans) not in shown:
            shown[id(spans)] = [(s.isoformat(), e.isoformat(), "due" if e >= today else "missed") for s, e in spans]
        done_in = found.get(n, nothing)
        for start, end, undone in shown[id(spans)]:
            done = done_in.get(start)
            status: Literal["done", "due", "missed"] = "done" if done is not None else undone
            count[status] += 1
            statuses.append(PeriodStatus(plan.id, plan.site_id, plan.checklist_id, start, end, status, done))
    return Coverage(statuses, len(statuses), count["done"], count["missed"], count["due"])


PLANS_PER_QUERY = 2000  # one argument each (one array on PostgreSQL): far below either database's limit


def _first_done(store: Store, plans: list[tuple[Plan, list[tuple[date, date]]]]) -> dict[int, dict[str, str]]:
    """For each plan (by position) holding done inspections, its periods' first ones, by the period's first day.

    Plans with the same periods (every plan of a cadence started before the range: most of them) are
    asked together, up to :data:`PLANS_PER_QUERY` in one query, from the table that keeps each site's
    and checklist's first done inspection of every such period (:func:`_kept_for`,
    :func:`_first_done_kept`); the facts and the inspections' rows are never read. Periods were once
    probed one by one in the facts' index: a day's probe at 1M, where most days hold a done
    inspection, cost three in a district's year of daily plans what the kept range does.
    """
    same: dict[tuple[tuple[date, date], ...], list[int]] = {}
    for n, (_, spans) in enumerate(plans):
        if spans:
            same.setdefault(tuple(spans), []).append(n)
    found: dict[int, dict[str, str]] = {}
    for shared, members in same.items():
        found.update(_first_done_kept(store, plans, shared, members, *_kept_for(shared)))
    return found


def _kept_for(spans: tuple[tuple[date, date], ...]) -> tuple[str, str, str, Callable[[date], str]]:
    """The kept table answering these periods, its period column, that as the period's first day, and a key in it.

    ``done_month`` when each is a whole calendar month (a monthly plan's), ``done_week`` when each is a
    whole ISO week (a weekly plan's), ``done_day`` when each is one day (a daily plan's): :func:`periods`
    yields whole periods of a cadence, never a part of one.
    """
    if all((start.day, end) == (1, period_of(start, "monthly")[1]) for start, end in spans):
        return "done_month", "china_month", "d.china_month || '-01'", lambda start: start.isoformat()[:7]
    if all((start, end) == period_of(start, "weekly") for start, end in spans):
        return "done_week", "china_week", "d.china_week", date.isoformat
    if all(start == end for start, end in spans):
        return "done_day", "china_day", "d.china_day", date.isoformat
    raise ValueError(f"periods that are neither months, weeks nor days: {spans[0]} …")


FIRST_DAY = len("YYYY-MM-DD")  # how a kept period's first day starts each entry of its plan's list


def _first_done_kept(
    store: Store,
    plans: list[tuple[Plan, list[tuple[date, date]]]],
    spans: tuple[tuple[date, date], ...],
    members: list[int],
    table: str,
    column: str,
    first_day: str,
    key: Callable[[date], str],
) -> Iterator[tuple[int, dict[str, str]]]:
    """:func:`_first_done` for whole months, weeks or days: ``done_month``, ``done_week``, ``done_day`` (m095–m107).

    They hold each site's and checklist's first done inspection of every month, week or day in the
    probe's order, so a plan's year is one range of one page, however many inspections each holds.
    Each plan's range comes back as one row, its periods' first days and inspections joined in one
    string (``group_concat``): where every period is done (a city at a million inspections) a row per
    period cost a microsecond and a half in Python (three strings and a tuple), a third of the answer.
    """
    bounds = [key(spans[0][0]), key(spans[-1][0])]
    for offset in range(0, len(members), PLANS_PER_QUERY):
        by_id = {plans[n][0].id: n for n in members[offset : offset + PLANS_PER_QUERY]}
        rows = store.db.execute(
            f"SELECT pl.id, (SELECT group_concat({first_day} || d.inspection_id) FROM {table} d"
            f" WHERE d.site_id = pl.site_id AND d.checklist_id = pl.checklist_id AND d.{column} >= ?"
            f" AND d.{column} <= ?) FROM plan pl WHERE pl.id IN ({','.join('?' * len(by_id))})",
            [*bounds, *by_id],
        )
        for plan_id, done in rows:
            if done:
                yield by_id[plan_id], {entry[:FIRST_DAY]: entry[FIRST_DAY:] for entry in done.split(",")}


def due_now(store: Store, user: User, today: date) -> list[PeriodStatus]:
    """Periods of the last month in the caller's scope not done: due now, or missed (overdue).

    An inspector gets the plans assigned to them and those assigned to nobody, not a colleague's.
    """
    window = coverage(store, user, today - timedelta(days=31), today, today)
    periods = [status for status in window.periods if status.status != "done"]
    if user.role != "inspector":
        return periods
    mine = {plan.id for plan in list_plans(store, user) if plan.assignee_id in (None, user.id)}
    return [status for status in periods if status.plan_id in mine]


def possible_duplicates(store: Store, user: User, since: date) -> list[Duplicate]:
    """Same site, same checklist, same day from ``since`` on, started on different devices: flagged for review.

    Flagged when the inspections are written (:mod:`sync.engine.duplicate_flags`); only flagged facts
    from ``since`` are read, through their partial index, so the cost follows the duplicates, not
    the history stored.
    """
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    rows = store.db.execute(
        "SELECT f.site_id, f.checklist_id, f.china_day AS day, group_concat(f.inspection_id) AS ids"
        f" FROM inspection_fact f WHERE f.duplicate = 1 AND f.site_id IN ({','.join('?' * len(scope))})"
        " AND f.china_day >= ? GROUP BY f.site_id, f.checklist_id, f.china_day ORDER BY day DESC",
        [*scope, since.isoformat()],
    )
    return [Duplicate(r["site_id"], r["checklist_id"], r["day"], sorted(r["ids"].split(","))) for r in named_rows(rows)]

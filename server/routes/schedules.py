"""Inspection plans, coverage, what is due, and possible duplicates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct

from server import params
from server.dependencies import Caller
from server.rendering import render_in_pool
from sync.db.store import Store
from sync.review import schedules
from sync.review.schedules import Cadence, Coverage, Duplicate, PeriodStatus, Plan, PlanKind
from sync.review.workdays import today_in_china

Day = Annotated[str, QueryParameter(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class NewPlan(Struct, forbid_unknown_fields=True):
    site_id: str
    checklist_id: Annotated[str, Meta(min_length=1, max_length=63)]
    kind: PlanKind
    cadence: Cadence | None = None
    assignee_id: str | None = None
    starts_on: date | None = None


@post("/", sync_to_thread=True)
def create_plan(data: JSONBody[NewPlan], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Plan:
    """Supervisor: plan recurring inspections of a site (monthly spot check, weekly, daily …)."""
    return schedules.create_plan(
        store,
        caller.user,
        site_id=data.site_id,
        checklist_id=data.checklist_id,
        kind=data.kind,
        cadence=data.cadence,
        assignee_id=data.assignee_id,
        starts_on=params.in_range("starts_on", data.starts_on) if data.starts_on else today_in_china(),
        actor=caller.actor,
    )


@get("/", sync_to_thread=True, after_request=render_in_pool)
def list_plans(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[Plan]:
    """Active plans at sites in the caller's scope."""
    return schedules.list_plans(store, caller.user)


@put("/{plan_id:str}/deactivate", status_code=204, sync_to_thread=True)
def deactivate_plan(plan_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> None:
    """Supervisor: stop a plan (its history stays)."""
    schedules.deactivate_plan(store, caller.user, plan_id, caller.actor)


@get("/coverage", sync_to_thread=True, after_request=render_in_pool)
def get_coverage(caller: NamedDependency[Caller], store: NamedDependency[Store], first: Day, last: Day) -> Coverage:
    """Every planned period from ``first`` to ``last``: done, due or missed, with counts."""
    start, end = params.day("first", first), params.day("last", last)
    return schedules.coverage(store, caller.user, start, end, today_in_china())


@get("/due", sync_to_thread=True, after_request=render_in_pool)
def get_due(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[PeriodStatus]:
    """Planned inspections due now or missed in the last month, in the caller's scope (for the phone)."""
    return schedules.due_now(store, caller.user, today_in_china())


DUPLICATE_DAYS = 90  # how far back possible duplicates are looked for unless ``since`` says otherwise


@get("/duplicates", sync_to_thread=True)
def get_duplicates(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    since: Annotated[date | None, QueryParameter()] = None,
) -> list[Duplicate]:
    """Possible duplicates: same site, checklist and day, started on different devices (last 90 days, or ``since``)."""
    first = today_in_china() - timedelta(days=DUPLICATE_DAYS) if since is None else params.in_range("since", since)
    return schedules.possible_duplicates(store, caller.user, first)


router = Router(
    path="/api/schedules",
    route_handlers=[create_plan, list_plans, deactivate_plan, get_coverage, get_due, get_duplicates],
)

"""Findings and their corrective actions: the register, assignment, fix, verification, closure."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from server.dependencies import Caller
from server.paging import paged
from server.settings import Settings
from sync.db.store import Store
from sync.feed.events import record_overdue
from sync.review import actions, register
from sync.review.actions import ActionRules, Assignment, Closure, FixReport, Reopening, Verification
from sync.review.register import FindingDetail, FindingFilter, FindingView, OverdueSummary
from sync.review.workdays import make_calendar, today_in_china

Query = Annotated[str | None, QueryParameter()]
Flag = Annotated[bool | None, QueryParameter()]


def _rules(settings: Settings) -> ActionRules:
    return ActionRules(settings.working_days_default, make_calendar(settings.holidays, settings.makeup_workdays))


@get("/", sync_to_thread=True)
def list_findings(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    site_id: Query = None,
    district_id: Query = None,
    status: Query = None,
    overdue: Flag = None,
    repeat: Flag = None,
    severity: Query = None,
    checklist_id: Query = None,
    inspection_id: Query = None,
    cursor: Query = None,
    limit: Annotated[int, QueryParameter(ge=1, le=register.MAX_PAGE_LIMIT)] = register.PAGE_LIMIT,
) -> Response[list[FindingView]]:
    """Findings in the caller's scope, newest first (filters: site, district, status, overdue, repeat, severity).

    Paged: the next page is the ``Link: <…>; rel="next"`` header's URL (``cursor`` set).
    """
    filters = FindingFilter(site_id, district_id, status, overdue, repeat, severity, checklist_id, inspection_id)
    record_overdue(store, today_in_china())
    found, next_cursor = register.page_findings(store, caller.user, filters, cursor=cursor, limit=limit)
    return paged(request, found, next_cursor)


@get("/overdue-summary", sync_to_thread=True)
def get_overdue_summary(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> OverdueSummary:
    """Unverified and overdue corrective actions, counted per site and per district."""
    record_overdue(store, today_in_china())
    return register.overdue_summary(store, caller.user)


@get("/{finding_id:str}", sync_to_thread=True)
def get_finding(
    finding_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> FindingDetail:
    """One finding with its corrective action, evidence and history."""
    return register.get_finding(store, caller.user, finding_id)


@post("/{finding_id:str}/action", status_code=200, sync_to_thread=True)
def assign_action(
    finding_id: FromPath[str],
    data: JSONBody[Assignment],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    settings: NamedDependency[Settings],
) -> FindingDetail:
    """Supervisor: the responsible party and a deadline in working days (or a date not in the past)."""
    return actions.assign_action(store, caller.user, finding_id, data, _rules(settings))


@post("/{finding_id:str}/report-fix", status_code=200, sync_to_thread=True)
def report_fix(
    finding_id: FromPath[str], data: JSONBody[FixReport], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> FindingDetail:
    """Report the fix of an open action, with an optional note and photos."""
    return actions.report_fix(store, caller.user, finding_id, data)


@post("/{finding_id:str}/verify", status_code=200, sync_to_thread=True)
def verify_action(
    finding_id: FromPath[str],
    data: JSONBody[Verification],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
) -> FindingDetail:
    """Supervisor: verify the fix with evidence (photos, or a note with a later inspection)."""
    return actions.verify_action(store, caller.user, finding_id, data)


@post("/{finding_id:str}/close", status_code=200, sync_to_thread=True)
def close_action(
    finding_id: FromPath[str], data: JSONBody[Closure], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> FindingDetail:
    """Supervisor: close a verified action."""
    return actions.close_action(store, caller.user, finding_id, data)


@post("/{finding_id:str}/reopen", status_code=200, sync_to_thread=True)
def reopen_action(
    finding_id: FromPath[str], data: JSONBody[Reopening], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> FindingDetail:
    """Supervisor: the fix does not hold; back to open, with the reason."""
    return actions.reopen_action(store, caller.user, finding_id, data)


router = Router(
    path="/api/findings",
    route_handlers=[
        list_findings,
        get_overdue_summary,
        get_finding,
        assign_action,
        report_fix,
        verify_action,
        close_action,
        reopen_action,
    ],
)

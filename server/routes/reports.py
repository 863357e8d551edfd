"""Monthly and quarterly reports (服务质量检验办法 4.8, 4.9) for supervisors and admins."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from schemas.catalog import Catalog
from server import params
from server.dependencies import Caller
from server.workers import Workers
from sync.db.store import Store
from sync.review import reports
from sync.review.reports import Report

Query = Annotated[str | None, QueryParameter()]


@get("/monthly")
async def monthly_report(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    month: Annotated[str, QueryParameter()],
    district_id: Query = None,
) -> Report:
    """``?month=YYYY-MM``: the month's figures, due dates, the previous month and the change (a long job)."""
    period = reports.month_period(params.month("month", month))
    return await workers.long_job(reports.build_report, store, catalog, caller.user, period, district_id=district_id)


@get("/quarterly")
async def quarterly_report(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    quarter: Annotated[str, QueryParameter()],
    district_id: Query = None,
) -> Report:
    """``?quarter=YYYY-Qn``: the quarter's figures, due dates, the previous quarter and the change (a long job)."""
    period = reports.quarter_period(params.quarter("quarter", quarter))
    return await workers.long_job(reports.build_report, store, catalog, caller.user, period, district_id=district_id)


router = Router(path="/api/reports", route_handlers=[monthly_report, quarterly_report])

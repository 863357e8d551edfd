"""``/api/admin/audit``: the audit trail of administration (logins, accounts, sites, checklists, webhooks, plans).

Admins only (others get ``403``), their organisation's rows, newest first, filtered by actor,
action, object and time; the listing is keyset-paged (``Link: rel="next"``), the CSV streamed
(a long job, as the exports are) with every text cell neutralised against spreadsheet formulas.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from server.dependencies import Caller
from server.paging import paged
from server.workers import Workers
from sync.db.store import Store
from sync.org.audit_query import MAX_LIMIT, AuditEvent, AuditFilter, list_audit
from sync.outputs.audit_export import COLUMNS, audit_rows
from sync.outputs.tables import CSV_TYPE, csv_chunks

Text = Annotated[str | None, QueryParameter(min_length=1, max_length=200)]
Since = Annotated[datetime | None, QueryParameter(name="from")]
Until = Annotated[datetime | None, QueryParameter(name="to")]


@get("/audit", sync_to_thread=True)
def list_audit_events(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    actor: Text = None,
    action: Text = None,
    object_type: Text = None,
    object_id: Text = None,
    since: Since = None,
    until: Until = None,
    cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 100,
) -> Response[list[AuditEvent]]:
    """Admin: the organisation's audit trail, newest first: who, when, from where, what, before → after.

    ``from`` (inclusive) and ``to`` (exclusive) are RFC 3339 times with an offset; the next page is
    in the ``Link`` header (``rel="next"``).
    """
    filters = AuditFilter(actor, action, object_type, object_id, since, until, cursor, limit)
    page = list_audit(store, caller.user, filters)
    return paged(request, page.items, page.next_cursor)


@get("/audit.csv")
async def export_audit_events(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    workers: NamedDependency[Workers],
    actor: Text = None,
    action: Text = None,
    object_type: Text = None,
    object_id: Text = None,
    since: Since = None,
    until: Until = None,
) -> Stream:
    """Admin: the filtered audit trail as CSV (UTF-8 with a BOM), newest first; text cells neutralised."""
    filters = AuditFilter(actor, action, object_type, object_id, since, until)
    rows = await workers.long_job(audit_rows, store, caller.user, filters)
    return Stream(
        workers.long_steps(csv_chunks(COLUMNS, rows)),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


router = Router(path="/api/admin", route_handlers=[list_audit_events, export_audit_events])

"""Inspections in scope, one with everything, its audit trail, and review actions."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct

from schemas.catalog import Catalog
from server import params
from server.compression import UNCOMPRESSED
from server.dependencies import Caller
from server.paging import paged
from server.rendering import render_in_pool
from server.settings import Settings
from server.workers import Workers
from sync.clock import new_op_id
from sync.db.store import Store
from sync.engine.ops import Comment, Status, Transition, make_hlc
from sync.errors import Rejected
from sync.evidence.objects import BlobStore
from sync.org.sites import require_role
from sync.outputs.pdf import render_inspection_pdf
from sync.push import apply_server_op
from sync.review import queue, views
from sync.review.audit import AuditEntry, audit_log
from sync.review.queue import InspectionFilter, InspectionSummary, Verdict
from sync.review.views import InspectionView

Query = Annotated[str | None, QueryParameter()]
Score = Annotated[float | None, QueryParameter(ge=0, le=100)]
ACTIONS: dict[str, Status] = {"approve": "approved", "return": "returned", "reject": "rejected"}


class Review(Struct, forbid_unknown_fields=True):
    action: Literal["approve", "return", "reject"]
    comments: list[Comment] = []
    reason: Annotated[str, Meta(max_length=2000)] = ""


@get("/", sync_to_thread=True)
def list_inspections(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    status: Query = None,
    site_id: Query = None,
    district_id: Query = None,
    checklist_id: Query = None,
    inspector_id: Query = None,
    since: Annotated[str | None, QueryParameter(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    until: Annotated[str | None, QueryParameter(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    has_conflicts: Annotated[bool | None, QueryParameter()] = None,
    has_missing_photos: Annotated[bool | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 200,
    min_score: Score = None,
    max_score: Score = None,
    verdict: Annotated[Verdict | None, QueryParameter()] = None,
    cursor: Query = None,
) -> Response[list[InspectionSummary]]:
    """The review queue in scope by status, district, site, checklist, inspector, date, conflicts, score, verdict.

    Newest change first, ``limit`` a page; the next page is in the ``Link`` header (``rel="next"``).
    """
    params.optional_day("since", since)
    params.optional_day("until", until)
    filters = InspectionFilter(
        status,
        site_id,
        district_id,
        checklist_id,
        inspector_id,
        since,
        until,
        has_conflicts,
        has_missing_photos,
        limit,
        min_score,
        max_score,
        verdict,
        cursor,
    )
    page = queue.list_inspections(store, caller.user, filters)
    return paged(request, page.items, page.next_cursor)


@get("/{inspection_id:str}", sync_to_thread=True)
def get_inspection(
    inspection_id: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
) -> InspectionView:
    """One inspection: answers with field versions, entries, comments, conflicts, failed items."""
    return views.get_inspection(store, catalog, caller.user, inspection_id)


@get("/{inspection_id:str}/audit", sync_to_thread=True, after_request=render_in_pool)
def get_audit_log(
    inspection_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> list[AuditEntry]:
    """Every op sent for the inspection, accepted or not, oldest first."""
    return audit_log(store, caller.user, inspection_id)


@post("/{inspection_id:str}/review", status_code=200, sync_to_thread=True)
def review_inspection(
    inspection_id: FromPath[str],
    data: JSONBody[Review],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
) -> InspectionView:
    """Supervisor: approve, return for correction (comments pinned to items) or reject."""
    require_role(caller.user, "supervisor", "admin")
    views.get_inspection(store, catalog, caller.user, inspection_id)
    result = apply_server_op(store, catalog, caller.user, _transition(inspection_id, data))
    if result.problem is not None:
        raise Rejected(result.problem.type, result.problem.detail, result.problem.errors)
    return views.get_inspection(store, catalog, caller.user, inspection_id)


def _transition(inspection_id: str, review: Review) -> Transition:
    """The review as the server's own op: a status transition, with its comments and reason."""
    return Transition(
        op_id=new_op_id(),
        client_seq=1,
        inspection_id=inspection_id,
        hlc=make_hlc(int(time.time() * 1000)),
        to=ACTIONS[review.action],
        comments=review.comments,
        reason=review.reason,
    )


@get("/{inspection_id:str}/report.pdf", media_type="application/pdf", opt=UNCOMPRESSED)
async def get_inspection_pdf(
    inspection_id: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    blob_store: NamedDependency[BlobStore],
    settings: NamedDependency[Settings],
    workers: NamedDependency[Workers],
) -> Response[bytes]:
    """The PDF report of one inspection (Chinese, CJK font embedded): score, failed items, actions, signatures."""
    render = render_inspection_pdf
    body = await workers.long_job(render, store, catalog, caller.user, inspection_id, blob_store, settings.cjk_font)
    headers = {"Content-Disposition": f'inline; filename="inspection-{inspection_id}.pdf"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/pdf", headers=headers)


router = Router(
    path="/api/inspections",
    route_handlers=[list_inspections, get_inspection, get_audit_log, review_inspection, get_inspection_pdf],
)

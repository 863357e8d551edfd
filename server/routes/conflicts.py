"""The supervisors' conflict queue."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from schemas.catalog import Catalog
from server.dependencies import Caller
from server.paging import paged
from server.rendering import render_in_pool
from sync.db.store import Store
from sync.review import conflicts
from sync.review.conflicts import MAX_LIMIT, ConflictFilter, Resolution
from sync.review.views import ConflictView

Query = Annotated[str | None, QueryParameter()]


@get("/", sync_to_thread=True, after_request=render_in_pool)
def list_conflicts(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    status: Annotated[str | None, QueryParameter()] = "open",
    site_id: Query = None,
    district_id: Query = None,
    checklist_id: Query = None,
    kind: Query = None,
    inspection_id: Query = None,
    cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 200,
) -> Response[list[ConflictView]]:
    """Conflicts in the caller's districts, by status, district, site, checklist, kind or inspection.

    ``status`` is ``open`` unless given; empty, every status. Oldest opened first, ``limit`` a page; the next
    page is in the ``Link`` header (``rel="next"``).
    """
    filters = ConflictFilter(status or None, site_id, district_id, checklist_id, kind, inspection_id, cursor, limit)
    page = conflicts.list_conflicts(store, caller.user, filters)
    return paged(request, page.items, page.next_cursor)


@get("/{conflict_id:str}", sync_to_thread=True)
def get_conflict(
    conflict_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> ConflictView:
    """One conflict with every candidate side by side."""
    return conflicts.get_conflict(store, caller.user, conflict_id)


@post("/{conflict_id:str}/resolve", status_code=200, sync_to_thread=True)
def resolve_conflict(
    conflict_id: FromPath[str],
    data: JSONBody[Resolution],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
) -> ConflictView:
    """Resolve by choosing a candidate or entering a value, with a note; reaches devices on pull."""
    return conflicts.resolve_conflict(store, catalog, caller.user, conflict_id, data)


router = Router(path="/api/conflicts", route_handlers=[list_conflicts, get_conflict, resolve_conflict])

"""The supervisors' conflict queue."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from schemas.catalog import Catalog
from server.dependencies import Caller
from server.rendering import render_in_pool
from sync.db.store import Store
from sync.review import conflicts
from sync.review.conflicts import ConflictFilter, Resolution
from sync.review.views import ConflictView

Query = Annotated[str | None, QueryParameter()]


@get("/", sync_to_thread=True, after_request=render_in_pool)
def list_conflicts(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    status: Annotated[str | None, QueryParameter()] = "open",
    site_id: Query = None,
    district_id: Query = None,
    checklist_id: Query = None,
    kind: Query = None,
    inspection_id: Query = None,
) -> list[ConflictView]:
    """Conflicts in the caller's districts, by status, district, site, checklist, kind or inspection."""
    filters = ConflictFilter(status, site_id, district_id, checklist_id, kind, inspection_id)
    return conflicts.list_conflicts(store, caller.user, filters)


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

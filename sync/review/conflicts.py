"""The supervisors' conflict queue: list, inspect side by side, resolve.

The list is keyset-paged, oldest opened first (``opened_seq``, then ``id``): resolved conflicts
pile up with the history, and a page reads its rows in order from ``conflict_opened`` (status
given) or ``conflict_org_opened`` (every status) and stops at its limit.

A resolution is itself an op in the log with its own server sequence, so it
reaches every device in scope on its next pull; the inspection's stored facts
(:mod:`sync.engine.facts`) are computed again in the same transaction.
"""

from __future__ import annotations

from typing import Any

from msgspec import UNSET, Struct, UnsetType

from schemas.answers import check_value, items_by_id
from schemas.catalog import Catalog
from schemas.template import Photo
from sync.clock import now_iso
from sync.db.paging import decode_cursor, encode_cursor
from sync.db.store import Store
from sync.engine.document import FieldState, resolve_item
from sync.engine.facts import store_facts
from sync.engine.oplog import log_server_op
from sync.engine.ops import encoder
from sync.engine.rollups import moving_facts
from sync.engine.rows import InspectionRow, load_row, save_row
from sync.errors import InvalidInput, NotFound
from sync.evidence.refs import sync_evidence_refs
from sync.feed.events import conflict_resolved
from sync.org.accounts import User
from sync.org.sites import require_role, site_ids_in_scope
from sync.review.views import ConflictView, conflict_views

MAX_LIMIT = 500


class ConflictFilter(Struct, omit_defaults=True):
    """What to list: each filter optional, ``status`` ``open`` unless given (``None`` for any).

    ``cursor`` is a page's ``next_cursor``; ``limit`` the page's length.
    """

    status: str | None = "open"
    site_id: str | None = None
    district_id: str | None = None
    checklist_id: str | None = None
    kind: str | None = None
    inspection_id: str | None = None
    cursor: str | None = None
    limit: int = 200


class ConflictPage(Struct):
    """One page of conflicts and the cursor of the next (``None`` on the last page)."""

    items: list[ConflictView]
    next_cursor: str | None


class Resolution(Struct, forbid_unknown_fields=True):
    """Choose a kept candidate, or enter a value; with a note either way."""

    candidate_id: str | None = None
    value: Any | UnsetType = UNSET
    note: str = ""


def list_conflicts(store: Store, user: User, filters: ConflictFilter) -> ConflictPage:
    """A page of the conflicts at sites in the caller's scope (supervisors and admins), oldest opened first."""
    require_role(user, "supervisor", "admin")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return ConflictPage([], None)
    where = ["org_id = ?", f"site_id IN ({','.join('?' * len(scope))})"]
    args: list[Any] = [user.org_id, *scope]
    for column in ("status", "site_id", "checklist_id", "kind", "inspection_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if filters.district_id is not None:
        where.append("site_id IN (SELECT id FROM site WHERE district_id = ?)")
        args.append(filters.district_id)
    if filters.cursor is not None:
        where.append("(opened_seq, id) > (?, ?)")
        args += decode_cursor(filters.cursor, (int, str))
    views = conflict_views(store.db.conn, " AND ".join(where), args, limit=filters.limit + 1)
    if len(views) <= filters.limit:
        return ConflictPage(views, None)
    last = views[filters.limit - 1]
    return ConflictPage(views[: filters.limit], encode_cursor([last.opened_seq, last.id]))


def get_conflict(store: Store, user: User, conflict_id: str) -> ConflictView:
    """One conflict in the caller's scope (supervisors and admins)."""
    require_role(user, "supervisor", "admin")
    views = conflict_views(store.db.conn, "id = ? AND org_id = ?", [conflict_id, user.org_id])
    if not views or views[0].site_id not in site_ids_in_scope(store, user):
        raise NotFound(f"no conflict {conflict_id!r}")  # out of scope reads as unknown: no probing
    return views[0]


def resolve_conflict(
    store: Store, catalog: Catalog, user: User, conflict_id: str, resolution: Resolution
) -> ConflictView:
    """Resolve an open conflict: the chosen value becomes the answer, logged as an op."""
    view = get_conflict(store, user, conflict_id)
    if view.status != "open":
        raise InvalidInput(f"conflict {conflict_id} is already {view.status}")
    value = _chosen_value(view, resolution)
    if not resolution.note.strip():
        raise InvalidInput("a resolution needs a note saying why this value; it stays in the audit trail")
    now = now_iso()
    with store.transaction() as conn:
        row = load_row(conn, view.inspection_id)
        assert row is not None
        body = {"kind": "resolve", "conflict_id": conflict_id, "value": value, "note": resolution.note}
        logged = log_server_op(conn, row.id, "resolve", body, {"conflict_id": conflict_id}, user.id, now)
        op_id, seq, hlc = logged.op_id, logged.seq, logged.hlc
        _apply_resolution(catalog, row, view, value, user, op_id, seq, hlc)
        row.updated_seq, row.updated_at = seq, now
        resolution_json = {
            "winner": resolution.candidate_id or op_id,
            "value": value,
            "note": resolution.note,
            "by": user.id,
        }
        conn.execute(
            "UPDATE conflict SET status = 'resolved', resolved_seq = ?, resolved_at = ?, resolved_by = ?,"
            " resolution_json = ? WHERE id = ?",
            [seq, now, user.id, encoder.encode(resolution_json), conflict_id],
        )
        row.open_conflicts = conn.execute(
            "SELECT count(*) FROM conflict WHERE inspection_id = ? AND status = 'open'", [row.id]
        ).fetchone()[0]
        save_row(conn, row)
        with moving_facts(conn, [row.id]):
            store_facts(conn, catalog, [row])
        sync_evidence_refs(conn, row, catalog, user.id)  # a chosen photo now an answer; the others let go
        conflict_resolved(conn, row, view.path, {"conflict_id": conflict_id, "seq": seq, **resolution_json}, now)
    return get_conflict(store, user, conflict_id)


def _chosen_value(view: ConflictView, resolution: Resolution) -> Any:
    if resolution.candidate_id is not None:
        for candidate in view.candidates:
            if candidate["id"] == resolution.candidate_id:
                return candidate["value"]
        raise InvalidInput(f"conflict {view.id} has no candidate {resolution.candidate_id!r}")
    if resolution.value is UNSET:
        raise InvalidInput("choose a candidate_id or enter a value")
    return resolution.value


def _apply_resolution(
    catalog: Catalog, row: InspectionRow, view: ConflictView, value: Any, user: User, op_id: str, seq: int, hlc: int
) -> None:
    doc = row.doc
    if view.kind == "signature_stale":
        return  # kept as signed and marked stale; re-signing replaces it
    if view.kind == "edit_vs_delete" and isinstance(value, dict) and "entry" in value:
        entry = doc.entries.get(view.path)
        if entry is not None:
            entry.removed = seq if value["entry"] == "remove" else 0
        return
    if view.kind == "edit_vs_delete" and row.status == "deleted":
        row.status = "draft"
    template = catalog.get(row.checklist_id, row.version)
    assert template is not None
    item = resolve_item(items_by_id(template), view.path)
    if item is None:
        raise InvalidInput(f"no item at {view.path!r}")
    if isinstance(value, dict) and set(value) <= {"attach", "detach"}:
        if not isinstance(item, Photo):
            return
        value = _photo_chosen(doc.fields.get(view.path), value)
    if value is not None:
        errors = check_value(item, value, "/" + view.path)
        if errors:
            raise InvalidInput("; ".join(f"{e.pointer}: {e.detail}" for e in errors))
    state = doc.fields.get(view.path)
    tags = {e: [(seq, "")] for e in value} if isinstance(value, list) else None
    doc.fields[view.path] = FieldState(value, seq, tags)
    del state


def _photo_chosen(state: FieldState | None, chosen: dict[str, Any]) -> list[str]:
    """A photo item's answer once a kept-aside ``attach`` (or ``detach``) of one photo is chosen."""
    photos = [sha for sha in state.v if isinstance(sha, str)] if state is not None and isinstance(state.v, list) else []
    added = chosen.get("attach")
    if isinstance(added, str) and added not in photos:
        photos.append(added)
    return [sha for sha in photos if sha != chosen.get("detach")]

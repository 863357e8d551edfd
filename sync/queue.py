"""The review queue: inspections in scope, filtered the way a supervisor looks for work."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from sync.accounts import User
from sync.sites import site_ids_in_scope
from sync.store import Store


class InspectionFilter(Struct, omit_defaults=True):
    """Every filter is optional; dates are ``YYYY-MM-DD`` on the last change (UTC)."""

    status: str | None = None
    site_id: str | None = None
    district_id: str | None = None
    checklist_id: str | None = None
    inspector_id: str | None = None
    since: str | None = None
    until: str | None = None
    has_conflicts: bool | None = None
    has_missing_photos: bool | None = None
    limit: int = 200


class InspectionSummary(Struct):
    id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    created_at: str
    updated_at: str
    open_conflicts: int
    photos_expected: int
    photos_received: int


_PHOTOS = (
    "(SELECT count(DISTINCT r.sha256) FROM evidence_ref r WHERE r.inspection_id = i.id AND r.kind = 'photo')",
    "(SELECT count(DISTINCT r.sha256) FROM evidence_ref r JOIN blob b ON b.org_id = r.org_id"
    " AND b.sha256 = r.sha256 WHERE r.inspection_id = i.id AND r.kind = 'photo')",
)


def list_inspections(store: Store, user: User, filters: InspectionFilter) -> list[InspectionSummary]:
    """Inspections at sites in the caller's scope, newest change first."""
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    where = [f"i.site_id IN ({','.join('?' * len(scope))})", "i.status != 'deleted'"]
    args: list[Any] = list(scope)
    for column in ("status", "site_id", "checklist_id", "inspector_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"i.{column} = ?")
            args.append(value)
    if filters.district_id is not None:
        where.append("i.site_id IN (SELECT id FROM site WHERE district_id = ?)")
        args.append(filters.district_id)
    if filters.since is not None:
        where.append("i.updated_at >= ?")
        args.append(filters.since)
    if filters.until is not None:
        where.append("i.updated_at < date(?, '+1 day')")
        args.append(filters.until)
    if filters.has_conflicts is not None:
        where.append("i.open_conflicts > 0" if filters.has_conflicts else "i.open_conflicts = 0")
    if filters.has_missing_photos is not None:
        where.append(f"{_PHOTOS[0]} {'>' if filters.has_missing_photos else '='} {_PHOTOS[1]}")
    rows = store.db.execute(
        "SELECT i.id, i.site_id, i.checklist_id, i.version, i.inspector_id, i.status, i.created_at, i.updated_at,"
        f" i.open_conflicts, {_PHOTOS[0]}, {_PHOTOS[1]} FROM inspection i WHERE {' AND '.join(where)}"
        " ORDER BY i.updated_seq DESC LIMIT ?",
        [*args, filters.limit],
    ).fetchall()
    return [InspectionSummary(*r) for r in rows]

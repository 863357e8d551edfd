"""Reading the audit trail (:mod:`sync.org.audit`): admins only, their organisation's rows, filtered, newest first.

Filters: the actor (user id), the action, the object (type, and id), and a time range (``since``
inclusive, ``until`` exclusive, on the server's clock). A page is keyset-paged on ``seq`` (see
:mod:`sync.db.paging`), so a deep page costs what the first one does and rows recorded meanwhile
never repeat. Each row names the actor and the device as well as their ids (joined at read time).
Failed logins with a username no organisation holds have no organisation and are listed to no one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from msgspec import Struct

from sync.clock import iso
from sync.db.named import as_struct, named_rows
from sync.db.paging import decode_cursor, encode_cursor
from sync.db.store import Store
from sync.errors import InvalidFilter, InvalidInput
from sync.org.accounts import User
from sync.org.sites import require_role

MAX_LIMIT = 500
EXPORT_BATCH = MAX_LIMIT


class AuditEvent(Struct):
    """One recorded admin action or login: who, when, from where, what, and what changed (before → after)."""

    seq: int
    at: str
    actor_id: str | None
    actor_username: str | None
    device_id: str | None
    device_name: str | None
    address: str | None
    action: str
    object_type: str
    object_id: str | None
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditFilter:
    """What to list: every field ``None`` lists everything; ``cursor`` is a page's ``next_cursor``."""

    actor_id: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    cursor: str | None = None
    limit: int = 100


class AuditPage(Struct):
    """A page of the trail and the cursor of the next (``None`` on the last page)."""

    items: list[AuditEvent]
    next_cursor: str | None


_SELECT = (
    "SELECT a.seq, a.at, a.actor_id, u.username AS actor_username, a.device_id, d.name AS device_name, a.address,"
    " a.action, a.object_type, a.object_id, a.before_json AS before, a.after_json AS after"
    " FROM audit_event a LEFT JOIN user u ON u.id = a.actor_id LEFT JOIN device d ON d.id = a.device_id"
)


def list_audit(store: Store, user: User, filters: AuditFilter) -> AuditPage:
    """A page of the caller's organisation's trail, newest first (admins only)."""
    require_role(user, "admin")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be 1 to {MAX_LIMIT}")
    where, args = _conditions(user, filters)
    if filters.cursor is not None:
        where.append("a.seq < ?")
        args.append(decode_cursor(filters.cursor, (int,))[0])
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY a.seq DESC LIMIT ?"
    rows = [_event(r) for r in named_rows(store.db.execute(sql, [*args, filters.limit + 1]))]
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return AuditPage(rows, encode_cursor([rows[-1].seq]) if more else None)


def iter_audit(store: Store, user: User, filters: AuditFilter) -> Iterator[AuditEvent]:
    """Every row the filters select, newest first, read a batch at a time (for the CSV export).

    The role and the filters are checked here, at the call, before a stream of the rows starts.
    """
    first = list_audit(store, user, _with(filters, filters.cursor, EXPORT_BATCH))
    return _pages(store, user, filters, first)


def _pages(store: Store, user: User, filters: AuditFilter, page: AuditPage) -> Iterator[AuditEvent]:
    while True:
        yield from page.items
        if page.next_cursor is None:
            return
        page = list_audit(store, user, _with(filters, page.next_cursor, EXPORT_BATCH))


def _with(filters: AuditFilter, cursor: str | None, limit: int) -> AuditFilter:
    return AuditFilter(
        filters.actor_id,
        filters.action,
        filters.object_type,
        filters.object_id,
        filters.since,
        filters.until,
        cursor,
        limit,
    )


def _conditions(user: User, filters: AuditFilter) -> tuple[list[str], list[Any]]:
    where = ["a.org_id = ?"]
    args: list[Any] = [user.org_id]
    for column, value in (
        ("a.actor_id", filters.actor_id),
        ("a.action", filters.action),
        ("a.object_type", filters.object_type),
        ("a.object_id", filters.object_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    since, until = _instant(filters.since, "from"), _instant(filters.until, "to")
    if since is not None and until is not None and until < since:
        raise InvalidFilter("the time range ends before it starts")
    if since is not None:
        where.append("a.at >= ?")
        args.append(since)
    if until is not None:
        where.append("a.at < ?")
        args.append(until)
    return where, args


def _instant(moment: datetime | None, name: str) -> str | None:
    """An aware time as the trail writes it (RFC 3339 UTC, milliseconds); a time without an offset is refused."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise InvalidInput(f"{name} needs a UTC offset (2026-12-05T08:00:00+08:00 or …Z)")
    try:
        return iso(moment)
    except OverflowError:  # 0001-01-01T00:00+08:00 is before the first instant a datetime holds in UTC
        raise InvalidInput(f"{name} is out of range") from None


def _event(row: dict[str, Any]) -> AuditEvent:
    return as_struct(row, AuditEvent, json=("before", "after"))

"""The event feed: an append-only log of the changes other systems care about.

Each event is written in the same transaction as the change that causes it
(a push or review in :mod:`sync.push`, a resolution in :mod:`sync.review.conflicts`, a
closure in :mod:`sync.review.actions`), so the feed never shows a change that was
rolled back and never misses one that was committed. ``seq`` orders the feed;
readers page with ``after``. Overdue actions have no write of their own:
:func:`record_overdue` emits ``action.overdue`` once per action and deadline
when the feed, the overdue lists or the delivery loop look.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import msgspec
from msgspec import Struct

from sync.clock import now_iso
from sync.db.dialect import lock_sequence
from sync.db.named import as_struct, named_rows, rows_as
from sync.db.store import Store
from sync.engine.merge import Context
from sync.engine.ops import Op, Transition
from sync.engine.rows import InspectionRow
from sync.org.accounts import User
from sync.org.sites import require_role, site_ids_in_scope

KINDS = (
    "inspection.submitted",
    "inspection.edited",
    "inspection.returned",
    "inspection.approved",
    "inspection.rejected",
    "conflict.opened",
    "conflict.resolved",
    "action.overdue",
    "action.closed",
)
_STATUS_EVENTS = {"submitted", "returned", "approved", "rejected"}
_EDITED_IN = {"submitted", "returned"}
MAX_LIMIT = 500


class Event(Struct):
    """One change: what, where, and the details a consumer needs to fetch the rest."""

    seq: int
    kind: str
    site_id: str
    inspection_id: str | None
    finding_id: str | None
    payload: dict[str, Any]
    created_at: str


class EventPage(Struct):
    """Events oldest first; ``last_seq`` is the cursor of the next page."""

    events: list[Event]
    last_seq: int
    has_more: bool


def emit(
    conn: sqlite3.Connection,
    org_id: str,
    kind: str,
    site_id: str,
    *,
    inspection_id: str | None = None,
    finding_id: str | None = None,
    payload: dict[str, Any] | None = None,
    now: str | None = None,
) -> None:
    """Append one event inside the caller's transaction."""
    assert kind in KINDS, kind
    lock_sequence(conn)
    conn.execute(
        "INSERT INTO event (org_id, kind, inspection_id, finding_id, site_id, payload_json, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            org_id,
            kind,
            inspection_id,
            finding_id,
            site_id,
            msgspec.json.encode(payload or {}).decode(),
            now or now_iso(),
        ],
    )


def record_op_events(conn: sqlite3.Connection, row: InspectionRow, op: Op, before: str, ctx: Context) -> None:
    """The events of one op applied in a push or review: a status move, an edit after submission, new conflicts.

    ``row`` is the inspection after the op, ``before`` its status before it.
    """
    moved = row.status != before and row.status in _STATUS_EVENTS
    edited = ctx.changed and not isinstance(op, Transition) and row.status in _EDITED_IN
    if not (moved or edited or ctx.new_conflicts):
        return
    base = {"seq": ctx.seq, "by": ctx.user_id, "checklist_id": row.checklist_id, "version": row.version}
    where = {"inspection_id": row.id, "now": ctx.now}
    if moved:
        payload = {**base, "from": before, "to": row.status}
        if isinstance(op, Transition) and op.reason.strip():
            payload["reason"] = op.reason
        emit(conn, row.org_id, f"inspection.{row.status}", row.site_id, payload=payload, **where)
    elif edited:
        emit(
            conn,
            row.org_id,
            "inspection.edited",
            row.site_id,
            payload={**base, "op": op.__struct_config__.tag},
            **where,
        )
    for conflict in ctx.new_conflicts:
        payload = {**base, "conflict_id": conflict.id, "path": conflict.path, "conflict_kind": conflict.kind}
        emit(conn, row.org_id, "conflict.opened", row.site_id, payload=payload, **where)


def conflict_resolved(
    conn: sqlite3.Connection, row: InspectionRow, path: str, resolution: dict[str, Any], now: str
) -> None:
    """``conflict.resolved``, inside the resolution's transaction."""
    payload = {**resolution, "path": path}
    emit(conn, row.org_id, "conflict.resolved", row.site_id, inspection_id=row.id, payload=payload, now=now)


OVERDUE_CHECKED_KEY = "overdue_checked"
_ANNOUNCE_OVERDUE = (
    "INSERT INTO event (org_id, kind, inspection_id, finding_id, site_id, payload_json, created_at, dedup_key)"
    " SELECT f.org_id, 'action.overdue', f.inspection_id, f.id, f.site_id,"
    " json_object('deadline', a.deadline, 'responsible', a.responsible, 'status', a.status,"
    " 'pointer', f.pointer, 'severity', f.severity, 'today', CAST(? AS TEXT)),"
    " ?, 'overdue:' || f.id || ':' || a.deadline"
    " FROM corrective_action a JOIN finding f ON f.id = a.finding_id"
    " JOIN inspection i ON i.id = a.inspection_id"
    " WHERE a.status IN ('open', 'fixed_reported') AND a.deadline >= ? AND a.deadline < ?"
    " AND f.status = 'active' AND i.status IN ('submitted', 'returned', 'approved')"
    " AND NOT EXISTS (SELECT 1 FROM event e WHERE e.dedup_key = 'overdue:' || f.id || ':' || a.deadline)"
    " ORDER BY a.deadline, f.created_seq, f.pointer"
)


def overdue_checked(conn: sqlite3.Connection) -> str:
    """The watermark: every action overdue before this China date was announced when it was ('' for none)."""
    row = conn.execute("SELECT value FROM server_meta WHERE key = ?", [OVERDUE_CHECKED_KEY]).fetchone()
    return str(row[0]) if row else ""


def recheck_overdue_from(conn: sqlite3.Connection, deadline: str | None) -> None:
    """Move the watermark back to ``deadline``: an action with it is unverified and active again.

    Called in the transaction of a change that can make an action overdue without its deadline being
    crossed: a deadline set (in the past of the last look), a reopening, a finding reinstated.
    """
    if deadline is not None:
        conn.execute(
            "UPDATE server_meta SET value = ? WHERE key = ? AND value > ?", [deadline, OVERDUE_CHECKED_KEY, deadline]
        )


def record_overdue(store: Store, today: date) -> int:
    """Emit ``action.overdue`` for every action overdue on ``today`` not yet announced; returns how many.

    Idempotent: one event per action and deadline (a new deadline may become overdue again).
    Incremental: only unverified actions whose deadline falls between the last look's date (the
    watermark in ``server_meta``) and ``today`` are read, through ``corrective_action_open_deadline``;
    on a day already looked at this is one read of the watermark, without a write transaction.
    """
    day = today.isoformat()
    if overdue_checked(store.db.conn) >= day:
        return 0
    with store.transaction() as conn:
        lock_sequence(conn)  # first: another app server's look at the same day commits before this reads
        checked = overdue_checked(conn)
        if checked >= day:
            return 0
        cursor = conn.execute(_ANNOUNCE_OVERDUE, [day, now_iso(), checked, day])
        conn.execute(
            "INSERT INTO server_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [OVERDUE_CHECKED_KEY, day],
        )
        return cursor.rowcount


_COLUMNS = "seq, kind, site_id, inspection_id, finding_id, payload_json AS payload, created_at"


def list_events(store: Store, user: User, *, after: int = 0, limit: int = 100) -> EventPage:
    """Events after ``after`` at sites in the caller's scope, oldest first (admins and supervisors)."""
    require_role(user, "supervisor", "admin")
    limit = max(1, min(limit, MAX_LIMIT))
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return EventPage([], after, False)
    marks = ",".join("?" * len(scope))
    rows = store.db.execute(
        f"SELECT {_COLUMNS} FROM event WHERE org_id = ? AND seq > ? AND site_id IN ({marks}) ORDER BY seq LIMIT ?",
        [user.org_id, after, *scope, limit + 1],
    )
    found = list(named_rows(rows))
    events = [as_struct(r, Event, json=("payload",)) for r in found[:limit]]
    return EventPage(events, events[-1].seq if events else after, len(found) > limit)


def events_for(conn: sqlite3.Connection, org_id: str, kinds: list[str], after: int, limit: int) -> list[Event]:
    """An organisation's events of some kinds after ``after``, oldest first (for webhook delivery)."""
    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM event WHERE org_id = ? AND seq > ? AND kind IN ({marks}) ORDER BY seq LIMIT ?",
        [org_id, after, *kinds, limit],
    )
    return rows_as(rows, Event, json=("payload",))


def last_seq(conn: sqlite3.Connection) -> int:
    """The sequence of the newest event (0 for none)."""
    seq: int = conn.execute("SELECT coalesce(max(seq), 0) FROM event").fetchone()[0]
    return seq

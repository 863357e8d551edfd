"""The append-only op log, read per inspection: every accepted, merged, conflicting and rejected op."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from sync.db.named import named_row, rows_as
from sync.db.store import Store
from sync.errors import NotFound
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope


class AuditEntry(Struct):
    """One op as received, with the device its client last synced with (none for the server's own ops)."""

    seq: int
    op_id: str
    kind: str
    user_id: str
    client_id: str | None
    client_seq: int | None
    received_at: str
    outcome: str
    op: dict[str, Any]
    result: dict[str, Any]
    device_id: str | None = None
    device_name: str | None = None


def audit_log(store: Store, user: User, inspection_id: str) -> list[AuditEntry]:
    """Every op ever sent for an inspection in the caller's scope, oldest first."""
    row = named_row(store.db.execute("SELECT org_id, site_id FROM inspection WHERE id = ?", [inspection_id]))
    if row is None or row["org_id"] != user.org_id or row["site_id"] not in site_ids_in_scope(store, user):
        raise NotFound(f"no inspection {inspection_id!r}")  # out of scope reads as unknown: no probing
    rows = store.db.execute(
        "SELECT l.seq, l.op_id, l.kind, l.user_id, l.client_id, l.client_seq, l.received_at, l.outcome,"
        " l.op_json AS op, l.result_json AS result, c.device_id, d.name AS device_name"
        " FROM op_log l LEFT JOIN client c ON c.client_id = l.client_id LEFT JOIN device d ON d.id = c.device_id"
        " WHERE l.inspection_id = ? ORDER BY l.seq",
        [inspection_id],
    )
    return rows_as(rows, AuditEntry, json=("op", "result"))

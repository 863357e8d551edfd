"""The audit trail as CSV rows (:mod:`sync.org.audit_query`).

Usernames, device names and what changed are user text: the rows go out through
:func:`sync.outputs.tables.csv_chunks`, which neutralises every text cell a spreadsheet could take
for a formula (:func:`sync.outputs.tables.neutralise`), as in every other export.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from sync.db.store import Store
from sync.org.accounts import User
from sync.org.audit_query import AuditFilter, iter_audit

COLUMNS = [
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "device_id",
    "device_name",
    "address",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
]


def audit_rows(store: Store, user: User, filters: AuditFilter) -> Iterator[list[Any]]:
    """The rows of the filtered trail, newest first, in :data:`COLUMNS` order (checks the role at the call)."""
    events = iter_audit(store, user, filters)
    return (
        [
            event.seq,
            event.at,
            event.actor_id,
            event.actor_username,
            event.device_id,
            event.device_name,
            event.address,
            event.action,
            event.object_type,
            event.object_id,
            _json(event.before),
            _json(event.after),
        ]
        for event in events
    )


def _json(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()

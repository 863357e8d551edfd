"""The audit trail as CSV rows (:mod:`sync.org.audit_query`), every text cell neutralised against formulas.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or CR, which
some skip first) as a formula; usernames, device names and what changed are user text. OWASP's
CSV-injection advice: prefix such a cell with ``'`` so it is shown as text.
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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ``'``; anything else as it is.

    Local to the audit export until the shared helper of issue 14 item 3 is on main.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def audit_rows(store: Store, user: User, filters: AuditFilter) -> Iterator[list[Any]]:
    """The rows of the filtered trail, newest first, in :data:`COLUMNS` order (checks the role at the call)."""
    events = iter_audit(store, user, filters)
    return (
        [
            event.seq,
            event.at,
            *map(neutral, [event.actor_id, event.actor_username, event.device_id, event.device_name]),
            *map(neutral, [event.address, event.action, event.object_type, event.object_id]),
            neutral(_json(event.before)),
            neutral(_json(event.after)),
        ]
        for event in events
    )


def _json(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()

"""The audit trail of administration (等保 2.0 安全审计): who changed what, when, from where — recorded.

One call per admin action: the function that makes the change calls :func:`record` with the
transaction's connection, so a change that rolls back leaves no audit row and one that commits
always has one. The row holds the organisation, the server's time, the actor (user and device,
``None`` for a failed login or the server itself), the client's address, the action
(``user.create``, ``login.failure`` …: :data:`ACTIONS`), the object (type and id) and what
changed as JSON before → after. Never a password, a token, a secret or a hash: :func:`record`
refuses values under those names.

``audit_event`` is append-only (migration m017's triggers refuse UPDATE, and DELETE of a row
younger than 180 days); :func:`purge` is the one delete path, run by the retention task.
The listing is :mod:`sync.org.audit_query`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from sync.clock import now_iso
from sync.db.migrations.audit import MIN_RETENTION_DAYS
from sync.db.store import Store

ACTIONS = (
    "login.success",
    "login.failure",
    "login.throttled",
    "device.revoke",
    "user.create",
    "user.deactivate",
    "user.reactivate",
    "user.assign_sites",
    "user.assign_districts",
    "district.create",
    "site.create",
    "checklist.publish",
    "webhook.create",
    "webhook.delete",
    "plan.create",
    "plan.deactivate",
)
"""Every action the trail records, one per kind of admin change (and the login outcomes)."""

SECRET_NAMES = frozenset({"password", "password_hash", "secret", "token", "token_hash"})
"""Names whose values never enter the trail; :func:`record` refuses a before or after holding one."""

__all__ = ["ACTIONS", "MIN_RETENTION_DAYS", "SECRET_NAMES", "SYSTEM", "Actor", "purge", "record"]


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: the user and device behind a request's token, and the client's address.

    The route builds it from the request (``Caller.actor``); a login knows only the address, and
    the server itself acting (demo data, tests calling ``sync`` directly) is :data:`SYSTEM`.
    """

    user_id: str | None = None
    device_id: str | None = None
    address: str | None = None


SYSTEM = Actor()
"""No user, no device, no address: the server acting on its own."""


def record(
    conn: sqlite3.Connection,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str | None,
    *,
    org_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit row inside the caller's transaction ``conn`` (see the module).

    Raises:
        ValueError: an unknown action, or ``before``/``after`` naming a secret (:data:`SECRET_NAMES`).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _refuse_secrets(before)
    _refuse_secrets(after)
    who = actor or SYSTEM
    conn.execute(
        "INSERT INTO audit_event (org_id, at, actor_id, device_id, address, action, object_type, object_id,"
        " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [org_id, now_iso(), who.user_id, who.device_id, who.address, action, object_type, object_id,
         _json(before), _json(after)],
    )  # fmt: skip


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()


def _refuse_secrets(value: Any) -> None:
    if isinstance(value, dict):
        named = SECRET_NAMES.intersection(value)
        if named:
            raise ValueError(f"the audit trail never holds {', '.join(sorted(named))}")
        for inner in value.values():
            _refuse_secrets(inner)
    elif isinstance(value, list):
        for inner in value:
            _refuse_secrets(inner)


def purge(store: Store, before: str) -> int:
    """Delete the audit rows recorded before ``before`` (RFC 3339 UTC); returns how many went.

    The retention task calls it with now minus ``XUNJIAN_AUDIT_RETENTION_DAYS``; the database
    refuses to delete a row younger than :data:`MIN_RETENTION_DAYS` whatever ``before`` says.
    """
    with store.transaction() as conn:
        return conn.execute("DELETE FROM audit_event WHERE at < ?", [before]).rowcount

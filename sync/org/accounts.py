"""Users, passwords (argon2), device tokens and the slowing of repeated failed logins."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from msgspec import Struct

from sync.clock import new_id, now_iso
from sync.db.named import as_struct, named_row, rows_as
from sync.db.store import Store
from sync.errors import AlreadyExists, AuthenticationFailed, InvalidInput, LoginThrottled, NotFound
from sync.org import audit
from sync.org.audit import Actor

Role = Literal["admin", "supervisor", "inspector"]
ROLES: tuple[Role, ...] = ("admin", "supervisor", "inspector")
TOKEN_PREFIX = "xj_"  # noqa: S105 - a prefix, not a secret


class User(Struct, frozen=True):
    """An account of one organisation, with its role."""

    id: str
    org_id: str
    username: str
    display_name: str
    role: Role
    active: bool


class Device(Struct, frozen=True):
    """A named device holding one bearer token of a user."""

    id: str
    name: str
    created_at: str
    last_seen_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class LoginPolicy:
    """How repeated failures slow logins down.

    After ``free_failures`` failures within ``window_s`` seconds, each further
    attempt must wait ``base_delay_s * 2**(extra failures - 1)`` seconds after
    the last failure, capped at ``max_delay_s``.
    """

    free_failures: int = 5
    window_s: float = 15 * 60
    base_delay_s: float = 2.0
    max_delay_s: float = 15 * 60


def hash_token(token: str) -> str:
    """The SHA-256 of a bearer token, as stored (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    store: Store,
    hasher: PasswordHasher,
    *,
    org_id: str,
    username: str,
    password: str,
    role: Role,
    display_name: str,
    actor: Actor | None = None,
) -> User:
    """Create an account; usernames are unique across the server."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}")
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters")
    password_hash = hasher.hash(password)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM user WHERE username = ?", [username]).fetchone():
            raise AlreadyExists(f"username {username!r} is taken")
        user = User(new_id(), org_id, username, display_name, role, True)
        conn.execute(
            "INSERT INTO user (id, org_id, username, display_name, role, password_hash, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            [user.id, org_id, username, display_name, role, password_hash, now_iso()],
        )
        audit.record(conn, actor, "user.create", "user", user.id, org_id=org_id, after=_user_fields(user))
    return user


_USER_COLUMNS = "id, org_id, username, display_name, role, active"


def get_user(store: Store, org_id: str, user_id: str) -> User:
    """One user of the organisation; :class:`NotFound` otherwise."""
    found = rows_as(
        store.db.execute(f"SELECT {_USER_COLUMNS} FROM user WHERE id = ? AND org_id = ?", [user_id, org_id]), User
    )
    if not found:
        raise NotFound(f"no user {user_id!r}")
    return found[0]


def list_users(store: Store, org_id: str) -> list[User]:
    """The organisation's users, by role and username."""
    rows = store.db.execute(f"SELECT {_USER_COLUMNS} FROM user WHERE org_id = ? ORDER BY role, username", [org_id])
    return rows_as(rows, User)


def _user_fields(user: User) -> dict[str, object]:
    """A user as the audit trail records them (never the password or its hash)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "active": user.active}


def set_active(store: Store, user: User, active: bool, actor: Actor | None = None) -> User:
    """Activate or deactivate a user; deactivating revokes every device token."""
    with store.transaction() as conn:
        conn.execute("UPDATE user SET active = ? WHERE id = ?", [int(active), user.id])
        action = "user.reactivate" if active else "user.deactivate"
        audit.record(conn, actor, action, "user", user.id, org_id=user.org_id, before={"active": user.active},
                     after={"active": active})  # fmt: skip
        if not active:
            conn.execute(
                "UPDATE device SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                [now_iso(), user.id],
            )
    return User(user.id, user.org_id, user.username, user.display_name, user.role, active)


def login(
    store: Store,
    hasher: PasswordHasher,
    policy: LoginPolicy,
    *,
    username: str,
    password: str,
    device_name: str,
    client: str = "",
    now: float | None = None,
) -> tuple[str, User, Device]:
    """Check the password and issue a bearer token bound to a new named device.

    Raises :class:`LoginThrottled` while the username is slowed down, and
    :class:`AuthenticationFailed` (recording the failure) on a wrong password. The audit trail
    gets every outcome, with the username tried and the ``client`` address.
    """
    at = time.time() if now is None else now
    wait = _throttle_wait(store, policy, username, at)
    row = named_row(store.db.execute(f"SELECT {_USER_COLUMNS}, password_hash FROM user WHERE username = ?", [username]))
    if wait > 0:
        with store.transaction() as conn:
            _audit_failure(conn, "login.throttled", row, username, client)
        raise LoginThrottled(wait)
    if row is None or not row["active"] or not _verify(hasher, row["password_hash"], password):
        with store.transaction() as conn:
            conn.execute("INSERT INTO login_failure (username, at) VALUES (?, ?)", [username, at])
            _audit_failure(conn, "login.failure", row, username, client)
        raise AuthenticationFailed("wrong username or password")
    user = as_struct(row, User)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    stamp = now_iso()
    device = Device(new_id(), device_name, stamp, stamp, None)
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failure WHERE username = ?", [username])
        conn.execute(
            "INSERT INTO device (id, user_id, name, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            [device.id, user.id, device_name, hash_token(token), stamp, stamp],
        )
        actor = Actor(user.id, device.id, client or None)
        after = {"username": username, "device_name": device_name}
        audit.record(conn, actor, "login.success", "user", user.id, org_id=user.org_id, after=after)
    return token, user, device


def _audit_failure(
    conn: sqlite3.Connection, action: str, row: dict[str, Any] | None, username: str, client: str
) -> None:
    """A refused login in the trail: no actor; the user tried, if the username is one (else no organisation)."""
    org_id, user_id = (None, None) if row is None else (row["org_id"], row["id"])
    actor = Actor(address=client or None)
    audit.record(conn, actor, action, "user", user_id, org_id=org_id, after={"username": username})


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _throttle_wait(store: Store, policy: LoginPolicy, username: str, now: float) -> int:
    rows = store.db.execute(
        "SELECT at FROM login_failure WHERE username = ? AND at > ? ORDER BY at",
        [username, now - policy.window_s],
    ).fetchall()
    extra = len(rows) - policy.free_failures
    if extra < 0:
        return 0
    delay = min(policy.base_delay_s * 2**extra, policy.max_delay_s)
    remaining = rows[-1][0] + delay - now
    return max(0, int(remaining + 0.999))


def authenticate(store: Store, token: str) -> tuple[User, str]:
    """The active user and device id behind a bearer token."""
    row = named_row(
        store.db.execute(
            "SELECT u.id, u.org_id, u.username, u.display_name, u.role, u.active, d.id AS device_id"
            " FROM device d JOIN user u ON u.id = d.user_id"
            " WHERE d.token_hash = ? AND d.revoked_at IS NULL",
            [hash_token(token)],
        )
    )
    if row is None or not row["active"]:
        raise AuthenticationFailed("missing, unknown or revoked token")
    return as_struct(row, User), row["device_id"]


def list_devices(store: Store, user: User) -> list[Device]:
    """The user's devices, revoked ones included, oldest first."""
    rows = store.db.execute(
        "SELECT id, name, created_at, last_seen_at, revoked_at FROM device WHERE user_id = ? ORDER BY created_at",
        [user.id],
    )
    return rows_as(rows, Device)


def revoke_device(store: Store, user: User, device_id: str, actor: Actor | None = None) -> Device:
    """Revoke one of the user's device tokens (idempotent)."""
    with store.transaction() as conn:
        row = named_row(
            conn.execute(
                "SELECT id, name, created_at, last_seen_at, revoked_at FROM device WHERE id = ? AND user_id = ?",
                [device_id, user.id],
            )
        )
        if row is None:
            raise NotFound(f"no device {device_id!r} of this user")
        if row["revoked_at"] is None:
            row["revoked_at"] = now_iso()
            conn.execute("UPDATE device SET revoked_at = ? WHERE id = ?", [row["revoked_at"], device_id])
            audit.record(conn, actor, "device.revoke", "device", device_id, org_id=user.org_id,
                         before={"user_id": user.id, "name": row["name"], "revoked_at": None},
                         after={"user_id": user.id, "name": row["name"], "revoked_at": row["revoked_at"]})  # fmt: skip
    return as_struct(row, Device)

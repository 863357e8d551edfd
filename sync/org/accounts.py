"""Users, passwords (argon2), device tokens and their expiry, and the slowing of repeated failed logins.

A failed login is recorded with the client address. Back-off is kept per (account, address), so
a stranger's failures never lock the rightful user out from another address, and per address
across accounts, so password spraying is slowed too. An unknown or inactive username costs the
same argon2 verification as a wrong password (against a dummy hash of the same parameters).
"""

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

from sync.clock import iso_from_epoch, ms_from_iso, new_id, now_iso
from sync.db.named import as_struct, named_row, rows_as
from sync.db.store import Store
from sync.errors import AlreadyExists, AuthenticationFailed, InvalidInput, LoginThrottled, NotFound
from sync.org import audit
from sync.org.audit import Actor
from sync.org.passwords import check_new_password

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

    After ``free_failures`` failures for one account from one client address within
    ``window_s`` seconds, each further attempt of that address for that account must wait
    ``base_delay_s * 2**(extra failures - 1)`` seconds after the last failure, capped at
    ``max_delay_s``; the same after ``address_free_failures`` failures of one address across
    all accounts (password spraying).
    """

    free_failures: int = 5
    window_s: float = 15 * 60
    base_delay_s: float = 2.0
    max_delay_s: float = 15 * 60
    address_free_failures: int = 20


@dataclass(frozen=True)
class TokenPolicy:
    """When a device token expires: ``idle_days`` after its last use, ``max_days`` after it was issued.

    The last use is written at most once per ``touch_s`` seconds, not at every request.
    """

    idle_days: float = 30
    max_days: float = 180
    touch_s: float = 5 * 60


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
    demo_account: bool = False,
) -> User:
    """Create an account; usernames are unique across the server.

    The password must pass the policy (:func:`sync.org.passwords.check_new_password`), except
    for the demo accounts, which only demo mode creates.
    """
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}")
    if not demo_account:
        check_new_password(username, password)
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

    Raises :class:`LoginThrottled` while this client address is slowed down (for this account,
    or across accounts), and :class:`AuthenticationFailed` (recording the failure) on a wrong
    password or an unknown or inactive username, after the same work for each. The audit trail
    gets every outcome, with the username tried and the ``client`` address.
    """
    at = time.time() if now is None else now
    wait = _throttle_wait(store, policy, username, client, at)
    row = named_row(store.db.execute(f"SELECT {_USER_COLUMNS}, password_hash FROM user WHERE username = ?", [username]))
    if wait > 0:
        with store.transaction() as conn:
            _audit_failure(conn, "login.throttled", row, username, client)
        raise LoginThrottled(wait)
    # one verification whatever the username: an unknown one is checked against a dummy hash of the same cost
    verified = _verify(hasher, _dummy_hash(hasher) if row is None else row["password_hash"], password)
    if row is None or not row["active"] or not verified:
        record_login_failure(store, policy, username, client, at, row)
        raise AuthenticationFailed("wrong username or password")
    user = as_struct(row, User)
    token, device = issue_token(store, user, device_name, client)
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failure WHERE username = ? AND client = ?", [username, client])
    return token, user, device


def issue_token(store: Store, user: User, device_name: str, client: str = "") -> tuple[str, Device]:
    """A new bearer token for the user, bound to a new named device (a ``login.success`` in the trail)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    stamp = now_iso()
    device = Device(new_id(), device_name, stamp, stamp, None)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO device (id, user_id, name, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            [device.id, user.id, device_name, hash_token(token), stamp, stamp],
        )
        actor = Actor(user.id, device.id, client or None)
        after = {"username": user.username, "device_name": device_name}
        audit.record(conn, actor, "login.success", "user", user.id, org_id=user.org_id, after=after)
    return token, device


def record_login_failure(
    store: Store, policy: LoginPolicy, username: str, client: str, at: float, row: dict[str, Any] | None = None
) -> None:
    """Record a failed login of ``username`` from ``client``, in the table and the trail.

    The address's failures older than the window go.
    """
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failure WHERE client = ? AND at <= ?", [client, at - policy.window_s])
        conn.execute("INSERT INTO login_failure (username, client, at) VALUES (?, ?, ?)", [username, client, at])
        _audit_failure(conn, "login.failure", row, username, client)


_dummy_hashes: dict[tuple[object, ...], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password with the hasher's parameters: what an unknown username is checked against."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len, hasher.type)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


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


def _throttle_wait(store: Store, policy: LoginPolicy, username: str, client: str, now: float) -> int:
    """Seconds this client must wait before trying ``username`` again (0: it may now)."""
    since = now - policy.window_s
    account = store.db.execute(
        "SELECT at FROM login_failure WHERE username = ? AND client = ? AND at > ? ORDER BY at",
        [username, client, since],
    ).fetchall()
    address = store.db.execute(
        "SELECT at FROM login_failure WHERE client = ? AND at > ? ORDER BY at", [client, since]
    ).fetchall()
    return max(
        _wait([r[0] for r in account], policy.free_failures, policy, now),
        _wait([r[0] for r in address], policy.address_free_failures, policy, now),
    )


def _wait(times: list[float], free: int, policy: LoginPolicy, now: float) -> int:
    extra = len(times) - free
    if extra < 0:
        return 0
    delay = min(policy.base_delay_s * 2**extra, policy.max_delay_s)
    return max(0, int(times[-1] + delay - now + 0.999))


def authenticate(
    store: Store, token: str, policy: TokenPolicy | None = None, *, now: float | None = None
) -> tuple[User, str]:
    """The active user and device id behind a bearer token that is neither revoked nor expired.

    The device's last use is written when it is older than ``policy.touch_s`` (not at every request).
    """
    policy = policy or TokenPolicy()
    row = named_row(
        store.db.execute(
            "SELECT u.id, u.org_id, u.username, u.display_name, u.role, u.active, d.id AS device_id,"
            " d.created_at AS issued_at, d.last_seen_at AS used_at"
            " FROM device d JOIN user u ON u.id = d.user_id"
            " WHERE d.token_hash = ? AND d.revoked_at IS NULL",
            [hash_token(token)],
        )
    )
    if row is None or not row["active"]:
        raise AuthenticationFailed("missing, unknown or revoked token")
    at = time.time() if now is None else now
    used = ms_from_iso(row["used_at"]) / 1000
    if at - ms_from_iso(row["issued_at"]) / 1000 > policy.max_days * 86400:
        raise AuthenticationFailed(f"this token is older than {policy.max_days:g} days and has expired; log in again")
    if at - used > policy.idle_days * 86400:
        raise AuthenticationFailed(f"this token was unused for {policy.idle_days:g} days and has expired; log in again")
    if at - used > policy.touch_s:
        touch_device(store, row["device_id"], at)
    return as_struct(row, User), row["device_id"]


def touch_device(store: Store, device_id: str, at: float) -> None:
    """Note that the device's token was used at ``at`` (epoch seconds)."""
    with store.transaction() as conn:
        conn.execute("UPDATE device SET last_seen_at = ? WHERE id = ?", [iso_from_epoch(at), device_id])


def list_devices(
    store: Store, user: User, policy: TokenPolicy | None = None, *, now: float | None = None
) -> list[Device]:
    """The user's devices whose token still works (neither revoked nor expired under ``policy``), oldest first.

    Every login makes a device, so a user's devices grow with the years; the live ones are bounded by
    the policy (tokens issued in the last ``max_days``), and read from ``device_live``, an index of
    unrevoked tokens by user and issue time (m108), from the policy's cutoff on. A revoked device is
    in the audit trail (``device.revoke``).
    """
    policy = policy or TokenPolicy()
    at = time.time() if now is None else now
    rows = store.db.execute(
        "SELECT id, name, created_at, last_seen_at, revoked_at FROM device"
        " WHERE user_id = ? AND revoked_at IS NULL AND created_at >= ? AND last_seen_at >= ?"
        " ORDER BY created_at",
        [user.id, iso_from_epoch(at - policy.max_days * 86400), iso_from_epoch(at - policy.idle_days * 86400)],
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


def revoke_all_devices(store: Store, user: User, actor: Actor | None = None) -> int:
    """Revoke every device token of the user that is not revoked yet (one ``device.revoke`` each); how many were."""
    stamp = now_iso()
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT id, name FROM device WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", [user.id]
        ).fetchall()
        conn.execute("UPDATE device SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [stamp, user.id])
        for device_id, name in rows:
            audit.record(conn, actor, "device.revoke", "device", device_id, org_id=user.org_id,
                         before={"user_id": user.id, "name": name, "revoked_at": None},
                         after={"user_id": user.id, "name": name, "revoked_at": stamp})  # fmt: skip
        return len(rows)

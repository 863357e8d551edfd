"""``/api/auth``: log in for a bearer token, who the caller is, and the caller's device tokens."""

from __future__ import annotations

from typing import Annotated, Any

from argon2 import PasswordHasher
from litestar import Request, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from server.dependencies import Caller
from server.settings import Settings
from sync.db.store import Store
from sync.org import accounts
from sync.org.accounts import Device, User
from sync.org.sites import assignments


class LoginRequest(Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=100)]
    password: Annotated[str, Meta(min_length=1, max_length=200)]
    device_name: Annotated[str, Meta(min_length=1, max_length=100)]


class LoginResponse(Struct):
    token: str
    user: User
    device: Device


class Me(Struct):
    user: User
    device_id: str
    assignments: list[str]


class DeviceView(Struct):
    id: str
    name: str
    created_at: str
    last_seen_at: str
    revoked_at: str | None
    current: bool


@post("/login", status_code=200, sync_to_thread=True)
def login(
    request: Request[Any, Any, Any],
    data: JSONBody[LoginRequest],
    store: NamedDependency[Store],
    hasher: NamedDependency[PasswordHasher],
    settings: NamedDependency[Settings],
) -> LoginResponse:
    """Log in with username and password; returns a bearer token bound to a named device.

    Failures slow down the client address (the connection's, from the ASGI scope; a forwarded
    header is not trusted) for this account, and across accounts after more of them.
    """
    token, user, device = accounts.login(
        store,
        hasher,
        settings.login,
        username=data.username,
        password=data.password,
        device_name=data.device_name,
        client=request.client.host if request.client else "",
    )
    return LoginResponse(token, user, device)


@get("/me", sync_to_thread=True)
def get_me(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Me:
    """The caller, their device and their assignments (site or district ids)."""
    return Me(caller.user, caller.device_id, assignments(store, caller.user))


@get("/devices", sync_to_thread=True)
def list_devices(
    caller: NamedDependency[Caller], store: NamedDependency[Store], settings: NamedDependency[Settings]
) -> list[DeviceView]:
    """The caller's device tokens that still work (neither revoked nor expired), newest last; ``current``
    marks this one. Revoked and expired tokens are not listed: every login makes one, so they would grow
    with the years (a revocation is in the audit trail)."""
    return [_view(d, caller) for d in accounts.list_devices(store, caller.user, settings.tokens)]


@delete("/devices/{device_id:str}", status_code=200, sync_to_thread=True)
def revoke_device(
    device_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> DeviceView:
    """Revoke one of the caller's device tokens (it stops working at once)."""
    return _view(accounts.revoke_device(store, caller.user, device_id, caller.actor), caller)


def _view(device: Device, caller: Caller) -> DeviceView:
    return DeviceView(
        device.id,
        device.name,
        device.created_at,
        device.last_seen_at,
        device.revoked_at,
        device.id == caller.device_id,
    )


router = Router(path="/api/auth", route_handlers=[login, get_me, list_devices, revoke_device])

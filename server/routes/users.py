"""Users and their assignments, managed by admins."""

from __future__ import annotations

from typing import Annotated

from argon2 import PasswordHasher
from litestar import Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from server.dependencies import Caller
from server.rendering import render_in_pool
from sync.db.store import Store
from sync.org import accounts, sites
from sync.org.accounts import Role, User
from sync.org.sites import require_role


class NewUser(Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{2,50}$")]
    password: Annotated[str, Meta(min_length=1, max_length=200)]  # the policy says more (weak-password)
    role: Role
    display_name: Annotated[str, Meta(min_length=1, max_length=100)]


class SiteAssignment(Struct, forbid_unknown_fields=True):
    site_ids: list[str]


class DistrictAssignment(Struct, forbid_unknown_fields=True):
    district_ids: list[str]


class ActiveFlag(Struct, forbid_unknown_fields=True):
    active: bool


class Revoked(Struct):
    revoked: int


class UserView(Struct):
    user: User
    assignments: list[str]


@get("/", sync_to_thread=True, after_request=render_in_pool)
def list_users(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[UserView]:
    """Admin: every user of the organisation with their assignments."""
    require_role(caller.user, "admin")
    return [UserView(u, sites.assignments(store, u)) for u in accounts.list_users(store, caller.user.org_id)]


@post("/", sync_to_thread=True)
def create_user(
    data: JSONBody[NewUser],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    hasher: NamedDependency[PasswordHasher],
) -> User:
    """Admin: create an account (password hashed with argon2)."""
    require_role(caller.user, "admin")
    return accounts.create_user(
        store,
        hasher,
        org_id=caller.user.org_id,
        username=data.username,
        password=data.password,
        role=data.role,
        display_name=data.display_name,
        actor=caller.actor,
    )


@put("/{user_id:str}/sites", sync_to_thread=True)
def assign_sites(
    user_id: FromPath[str],
    data: JSONBody[SiteAssignment],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
) -> SiteAssignment:
    """Admin: replace an inspector's assigned sites."""
    require_role(caller.user, "admin")
    return SiteAssignment(sites.assign_sites(store, caller.user.org_id, user_id, data.site_ids, caller.actor))


@put("/{user_id:str}/districts", sync_to_thread=True)
def assign_districts(
    user_id: FromPath[str],
    data: JSONBody[DistrictAssignment],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
) -> DistrictAssignment:
    """Admin: replace a supervisor's districts."""
    require_role(caller.user, "admin")
    return DistrictAssignment(
        sites.assign_districts(store, caller.user.org_id, user_id, data.district_ids, caller.actor)
    )


@put("/{user_id:str}/active", sync_to_thread=True)
def set_user_active(
    user_id: FromPath[str], data: JSONBody[ActiveFlag], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> User:
    """Admin: deactivate (revoking every token) or reactivate a user."""
    require_role(caller.user, "admin")
    target = accounts.get_user(store, caller.user.org_id, user_id)
    return accounts.set_active(store, target, data.active, caller.actor)


@post("/{user_id:str}/revoke-devices", status_code=200, sync_to_thread=True)
def revoke_devices(user_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Revoked:
    """Admin: revoke every device token of a user (a lost phone, a leaver); each stops working at once."""
    require_role(caller.user, "admin")
    user = accounts.get_user(store, caller.user.org_id, user_id)
    return Revoked(accounts.revoke_all_devices(store, user, caller.actor))


router = Router(
    path="/api/users",
    route_handlers=[list_users, create_user, assign_sites, assign_districts, set_user_active, revoke_devices],
)

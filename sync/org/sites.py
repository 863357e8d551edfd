"""Organisations, districts, sites, assignments, and each user's scope.

Scope is decided here and nowhere else: an admin sees the whole organisation,
a supervisor the sites of their districts, an inspector their assigned sites.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from msgspec import Struct

from sync.clock import new_id, now_iso
from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor

SiteType = Literal["supermarket", "market", "service_hall"]
SITE_TYPES: tuple[SiteType, ...] = ("supermarket", "market", "service_hall")


class Organisation(Struct, frozen=True):
    """A tenant: its users, districts and sites are its own."""

    id: str
    name: str


class District(Struct, frozen=True):
    """A group of sites a supervisor is responsible for."""

    id: str
    name: str


class Site(Struct, frozen=True):
    """A place that is inspected: its district, name, type and address."""

    id: str
    district_id: str
    name: str
    site_type: SiteType
    address: str


def create_organisation(store: Store, name: str) -> Organisation:
    """Store a new organisation."""
    org = Organisation(new_id(), name)
    with store.transaction() as conn:
        conn.execute("INSERT INTO organisation (id, name) VALUES (?, ?)", [org.id, name])
    return org


def get_organisation(store: Store, org_id: str) -> Organisation:
    """One organisation; :class:`NotFound` otherwise."""
    found = rows_as(store.db.execute("SELECT id, name FROM organisation WHERE id = ?", [org_id]), Organisation)
    if not found:
        raise NotFound(f"no organisation {org_id!r}")
    return found[0]


def create_district(store: Store, org_id: str, name: str, actor: Actor | None = None) -> District:
    """Add a district; its name is unique in the organisation."""
    district = District(new_id(), name)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM district WHERE org_id = ? AND name = ?", [org_id, name]).fetchone():
            raise AlreadyExists(f"district {name!r} already exists")
        conn.execute("INSERT INTO district (id, org_id, name) VALUES (?, ?, ?)", [district.id, org_id, name])
        audit.record(conn, actor, "district.create", "district", district.id, org_id=org_id, after={"name": name})
    return district


def create_site(
    store: Store,
    org_id: str,
    *,
    district_id: str,
    name: str,
    site_type: SiteType,
    address: str,
    actor: Actor | None = None,
) -> Site:
    """Add a site to one of the organisation's districts."""
    if site_type not in SITE_TYPES:
        raise InvalidInput(f"unknown site type {site_type!r}; expected one of {', '.join(SITE_TYPES)}")
    site = Site(new_id(), district_id, name, site_type, address)
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM district WHERE id = ? AND org_id = ?", [district_id, org_id]).fetchone():
            raise InvalidInput(f"no district {district_id!r} in this organisation")
        conn.execute(
            "INSERT INTO site (id, org_id, district_id, name, site_type, address, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [site.id, org_id, district_id, name, site_type, address, now_iso()],
        )
        fields = {"district_id": district_id, "name": name, "site_type": site_type, "address": address}
        audit.record(conn, actor, "site.create", "site", site.id, org_id=org_id, after=fields)
    return site


def list_districts(store: Store, user: User) -> list[District]:
    """Districts in the user's scope."""
    if user.role == "admin":
        sql = "SELECT id, name FROM district WHERE org_id = ? ORDER BY name"
        args = [user.org_id]
    elif user.role == "supervisor":
        sql = (
            "SELECT d.id, d.name FROM district d JOIN supervisor_district s ON s.district_id = d.id"
            " WHERE s.user_id = ? ORDER BY d.name"
        )
        args = [user.id]
    else:
        sql = (
            "SELECT DISTINCT d.id, d.name FROM district d JOIN site ON site.district_id = d.id"
            " JOIN inspector_site a ON a.site_id = site.id WHERE a.user_id = ? ORDER BY d.name"
        )
        args = [user.id]
    return rows_as(store.db.execute(sql, args), District)


_SITE_COLUMNS = "site.id, site.district_id, site.name, site.site_type, site.address"


def _scope_sql(user: User) -> tuple[str, list[str]]:
    if user.role == "admin":
        return "site.org_id = ?", [user.org_id]
    if user.role == "supervisor":
        return (
            "site.district_id IN (SELECT district_id FROM supervisor_district WHERE user_id = ?)",
            [user.id],
        )
    return "site.id IN (SELECT site_id FROM inspector_site WHERE user_id = ?)", [user.id]


def list_sites(store: Store, user: User) -> list[Site]:
    """Sites in the user's scope, by name."""
    where, args = _scope_sql(user)
    return rows_as(store.db.execute(f"SELECT {_SITE_COLUMNS} FROM site WHERE {where} ORDER BY site.name", args), Site)


def site_ids_in_scope(store: Store, user: User) -> set[str]:
    """The ids of the sites the user may see and work on."""
    where, args = _scope_sql(user)
    return {r[0] for r in store.db.execute(f"SELECT site.id FROM site WHERE {where}", args)}


def get_site(store: Store, user: User, site_id: str) -> Site:
    """One site; :class:`NotFound` outside the organisation or the caller's scope (the same answer: no probing)."""
    found = rows_as(
        store.db.execute(
            f"SELECT {_SITE_COLUMNS} FROM site WHERE site.id = ? AND site.org_id = ?", [site_id, user.org_id]
        ),
        Site,
    )
    if not found or site_id not in site_ids_in_scope(store, user):
        raise NotFound(f"no site {site_id!r}")
    return found[0]


def require_role(user: User, *roles: str) -> None:
    """Raise :class:`Forbidden` unless the user has one of ``roles``."""
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {user.role}")


def assign_sites(
    store: Store, org_id: str, inspector_id: str, site_ids: list[str], actor: Actor | None = None
) -> list[str]:
    """Replace an inspector's site assignments; returns the assigned site ids."""
    chosen = list(dict.fromkeys(site_ids))
    with store.transaction() as conn:
        _require_user_role(conn, org_id, inspector_id, "inspector")
        held = _held(conn, "SELECT site_id FROM inspector_site WHERE user_id = ? ORDER BY site_id", inspector_id)
        for site_id in site_ids:
            if not conn.execute("SELECT 1 FROM site WHERE id = ? AND org_id = ?", [site_id, org_id]).fetchone():
                raise InvalidInput(f"no site {site_id!r} in this organisation")
        conn.execute("DELETE FROM inspector_site WHERE user_id = ?", [inspector_id])
        conn.executemany(
            "INSERT INTO inspector_site (user_id, site_id) VALUES (?, ?)",
            [(inspector_id, s) for s in chosen],
        )
        audit.record(conn, actor, "user.assign_sites", "user", inspector_id, org_id=org_id,
                     before={"site_ids": held}, after={"site_ids": sorted(chosen)})  # fmt: skip
    return chosen


def assign_districts(
    store: Store, org_id: str, supervisor_id: str, district_ids: list[str], actor: Actor | None = None
) -> list[str]:
    """Replace a supervisor's districts; returns the assigned district ids."""
    chosen = list(dict.fromkeys(district_ids))
    with store.transaction() as conn:
        _require_user_role(conn, org_id, supervisor_id, "supervisor")
        held = _held(
            conn, "SELECT district_id FROM supervisor_district WHERE user_id = ? ORDER BY district_id", supervisor_id
        )
        for district_id in district_ids:
            if not conn.execute("SELECT 1 FROM district WHERE id = ? AND org_id = ?", [district_id, org_id]).fetchone():
                raise InvalidInput(f"no district {district_id!r} in this organisation")
        conn.execute("DELETE FROM supervisor_district WHERE user_id = ?", [supervisor_id])
        conn.executemany(
            "INSERT INTO supervisor_district (user_id, district_id) VALUES (?, ?)",
            [(supervisor_id, d) for d in chosen],
        )
        audit.record(conn, actor, "user.assign_districts", "user", supervisor_id, org_id=org_id,
                     before={"district_ids": held}, after={"district_ids": sorted(chosen)})  # fmt: skip
    return chosen


def assignments(store: Store, user: User) -> list[str]:
    """Site ids of an inspector, or district ids of a supervisor."""
    if user.role == "inspector":
        sql = "SELECT site_id FROM inspector_site WHERE user_id = ? ORDER BY site_id"
    elif user.role == "supervisor":
        sql = "SELECT district_id FROM supervisor_district WHERE user_id = ? ORDER BY district_id"
    else:
        return []
    return [r[0] for r in store.db.execute(sql, [user.id])]


def _require_user_role(conn: sqlite3.Connection, org_id: str, user_id: str, role: str) -> None:
    row = conn.execute("SELECT role FROM user WHERE id = ? AND org_id = ?", [user_id, org_id]).fetchone()
    if row is None:
        raise NotFound(f"no user {user_id!r}")
    if row[0] != role:
        raise InvalidInput(f"user {user_id!r} is a {row[0]}, not a {role}")


def _held(conn: sqlite3.Connection, sql: str, user_id: str) -> list[str]:
    """The ids a user is assigned before a change (for the audit trail's before)."""
    return [r[0] for r in conn.execute(sql, [user_id])]

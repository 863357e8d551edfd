"""The names the desk shows: the users of the caller's organisation that their scope touches.

Supervisors and admins only. An admin gets the whole organisation. A supervisor gets the
supervisors and admins of the organisation, the inspectors assigned to sites in their
districts, and the inspectors of inspections at those sites (someone reassigned since still
has a name in the history), read from ``site_inspector`` (m106), never from the inspections.
Never a token or a password hash. Devices are named where they are shown (the audit trail's
entries and the conflicts' candidates carry ``device_name``), not here: every login makes a
device, so a list of them grows with the years.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from sync.db.named import rows_as
from sync.db.store import Store
from sync.org.accounts import User
from sync.org.sites import require_role, site_ids_in_scope


class DirectoryUser(Struct, frozen=True):
    """A user as the directory names them."""

    id: str
    username: str
    display_name: str
    role: str
    active: bool


class Directory(Struct, frozen=True):
    """The users a supervisor or admin may see by name."""

    users: list[DirectoryUser]


def directory(store: Store, user: User) -> Directory:
    """Users the caller may see by name (see the module docstring)."""
    require_role(user, "supervisor", "admin")
    where = "org_id = ?"
    args: list[Any] = [user.org_id]
    if user.role != "admin":
        sites = sorted(site_ids_in_scope(store, user))
        marks = ",".join("?" * len(sites))
        where += " AND (role IN ('supervisor', 'admin')"
        if sites:
            where += (
                f" OR id IN (SELECT user_id FROM inspector_site WHERE site_id IN ({marks}))"
                f" OR id IN (SELECT inspector_id FROM site_inspector WHERE site_id IN ({marks}))"
            )
            args += sites + sites
        where += ")"
    users = rows_as(
        store.db.execute(
            f"SELECT id, username, display_name, role, active FROM user WHERE {where} ORDER BY role, username", args
        ),
        DirectoryUser,
    )
    return Directory(users)

"""Scope: admins see the organisation, supervisors their districts, inspectors their sites."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import Forbidden, InvalidInput, NotFound
from sync.org import sites
from sync.org.accounts import Role, User, create_user


@pytest.fixture
def people(store: Store, hasher: PasswordHasher) -> dict[str, User]:
    org = sites.create_organisation(store, "所")
    north = sites.create_district(store, org.id, "北区")
    south = sites.create_district(store, org.id, "南区")
    made = {}
    for name, district in [("n1", north), ("n2", north), ("s1", south)]:
        site = sites.create_site(store, org.id, district_id=district.id, name=name, site_type="market", address="路")
        made[name] = site.id
    users = {}
    roles: list[tuple[str, Role]] = [("admin", "admin"), ("sup", "supervisor"), ("ins", "inspector")]
    for username, role in roles:
        users[username] = create_user(
            store, hasher, org_id=org.id, username=username, password="Quiet-Kite-88", role=role, display_name=username
        )
    sites.assign_districts(store, org.id, users["sup"].id, [north.id])
    sites.assign_sites(store, org.id, users["ins"].id, [made["s1"], made["s1"]])
    return users


def names(store: Store, user: User) -> list[str]:
    return [s.name for s in sites.list_sites(store, user)]


def test_scope_by_role(store: Store, people: dict[str, User]) -> None:
    assert names(store, people["admin"]) == ["n1", "n2", "s1"]
    assert names(store, people["sup"]) == ["n1", "n2"]
    assert names(store, people["ins"]) == ["s1"]


def test_a_site_outside_scope_reads_as_unknown(store: Store, people: dict[str, User]) -> None:
    s1 = sites.list_sites(store, people["ins"])[0]
    assert sites.get_site(store, people["ins"], s1.id) == s1
    with pytest.raises(NotFound) as hidden:
        sites.get_site(store, people["sup"], s1.id)
    assert str(hidden.value) == f"no site {s1.id!r}"
    with pytest.raises(NotFound):
        sites.get_site(store, people["admin"], "missing")


def test_require_role(people: dict[str, User]) -> None:
    sites.require_role(people["admin"], "admin")
    with pytest.raises(Forbidden, match="admin"):
        sites.require_role(people["ins"], "admin", "supervisor")


def test_assignment_is_replaced_whole_and_checks_ids(store: Store, people: dict[str, User]) -> None:
    ins = people["ins"]
    all_sites = sites.list_sites(store, people["admin"])
    sites.assign_sites(store, ins.org_id, ins.id, [all_sites[0].id, all_sites[1].id])
    assert names(store, ins) == ["n1", "n2"]
    with pytest.raises(InvalidInput):
        sites.assign_sites(store, ins.org_id, ins.id, ["no-such-site"])
    assert names(store, ins) == ["n1", "n2"]  # the failed call changed nothing
    with pytest.raises(InvalidInput):
        sites.create_site(store, ins.org_id, district_id="nope", name="x", site_type="market", address="a")

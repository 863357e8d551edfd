"""The authorization matrix: every endpoint x role x in-scope / out-of-scope.

Demo scope: supervisor1 has 上城区 (sites 联华超市(解放路店), 望江农贸市场, 上城区政务服务中心),
supervisor2 has 西湖区; inspector1 has 联华超市 and 望江农贸市场; inspector3 has 物美超市 and 古荡农贸市场.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from httpx import Response

from sync.org.accounts import create_user
from sync.org.sites import create_district, create_organisation, create_site
from tests.clients import Client, World, bearer, login
from tests.templates import minimal_template

IN_SHANGCHENG = "联华超市(解放路店)"
IN_XIHU = "物美超市(文三路店)"
ROLES = ["anonymous", "admin", "supervisor1", "inspector1"]

Call = Callable[[Client, World, dict[str, str]], Response]


def _headers(world: World, who: str) -> dict[str, str]:
    return {} if who == "anonymous" else world.headers[who]


def _site(name: str) -> Call:
    return lambda c, w, h: c.get(f"/api/sites/{w.sites[name]}", headers=h)


def _new_site(c: Client, w: World, h: dict[str, str]) -> Response:
    body = {"district_id": w.districts["西湖区 Xihu"], "name": "新站点", "site_type": "market", "address": "路"}
    return c.post("/api/sites", json=body, headers=h)


def _new_user(c: Client, w: World, h: dict[str, str]) -> Response:
    body = {"username": "inspector9", "password": "long-enough", "role": "inspector", "display_name": "九"}
    return c.post("/api/users", json=body, headers=h)


def _assign_sites(c: Client, w: World, h: dict[str, str]) -> Response:
    body = {"site_ids": [w.sites[IN_XIHU]]}
    return c.put(f"/api/users/{w.users['inspector1']}/sites", json=body, headers=h)


def _assign_districts(c: Client, w: World, h: dict[str, str]) -> Response:
    body = {"district_ids": [w.districts["西湖区 Xihu"]]}
    return c.put(f"/api/users/{w.users['supervisor1']}/districts", json=body, headers=h)


def _deactivate(c: Client, w: World, h: dict[str, str]) -> Response:
    return c.put(f"/api/users/{w.users['inspector3']}/active", json={"active": False}, headers=h)


SCHEMA_URL = "/api/checklists/market_order/versions/1/schema"
CHECK_URL = "/api/checklists/market_order/versions/1/check"

# (name, call, expected status for anonymous, admin, supervisor1, inspector1)
MATRIX: list[tuple[str, Call, tuple[int, int, int, int]]] = [
    ("health", lambda c, w, h: c.get("/api/health", headers=h), (200, 200, 200, 200)),
    ("me", lambda c, w, h: c.get("/api/auth/me", headers=h), (401, 200, 200, 200)),
    ("devices", lambda c, w, h: c.get("/api/auth/devices", headers=h), (401, 200, 200, 200)),
    ("list checklists", lambda c, w, h: c.get("/api/checklists", headers=h), (401, 200, 200, 200)),
    ("checklist schema", lambda c, w, h: c.get(SCHEMA_URL, headers=h), (401, 200, 200, 200)),
    ("check answers", lambda c, w, h: c.post(CHECK_URL, json={"answers": {}}, headers=h), (401, 200, 200, 200)),
    (
        "publish checklist",
        lambda c, w, h: c.post("/api/checklists", json=minimal_template(), headers=h),
        (401, 201, 403, 403),
    ),
    ("list districts", lambda c, w, h: c.get("/api/districts", headers=h), (401, 200, 200, 200)),
    (
        "create district",
        lambda c, w, h: c.post("/api/districts", json={"name": "拱墅区"}, headers=h),
        (401, 201, 403, 403),
    ),
    ("list sites", lambda c, w, h: c.get("/api/sites", headers=h), (401, 200, 200, 200)),
    ("site in supervisor1's district and inspector1's sites", _site(IN_SHANGCHENG), (401, 200, 200, 200)),
    ("site outside supervisor1's district and inspector1's sites", _site(IN_XIHU), (401, 200, 404, 404)),
    ("site unknown", lambda c, w, h: c.get("/api/sites/unknown-id", headers=h), (401, 404, 404, 404)),
    ("create site", _new_site, (401, 201, 403, 403)),
    ("list users", lambda c, w, h: c.get("/api/users", headers=h), (401, 200, 403, 403)),
    ("create user", _new_user, (401, 201, 403, 403)),
    ("assign inspector sites", _assign_sites, (401, 200, 403, 403)),
    ("assign supervisor districts", _assign_districts, (401, 200, 403, 403)),
    ("deactivate user", _deactivate, (401, 200, 403, 403)),
]


@pytest.mark.parametrize(("name", "call", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
def test_authorization_matrix(
    client: Client, world: World, name: str, call: Call, expected: tuple[int, ...], role: int
) -> None:
    response = call(client, world, _headers(world, ROLES[role]))
    assert response.status_code == expected[role], f"{name} as {ROLES[role]}: {response.text}"
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        kind = {401: "unauthorized", 403: "forbidden|out-of-scope", 404: "not-found"}[response.status_code]
        assert response.json()["type"].removeprefix("urn:xunjian:problem:") in kind.split("|")


def _names(response: Response) -> set[str]:
    return {row["name"] for row in response.json()}


def test_each_role_lists_exactly_its_scope(client: Client, world: World) -> None:
    listed = {who: _names(client.get("/api/sites", headers=world.headers[who])) for who in world.headers}
    assert len(listed["admin"]) == 6
    assert listed["supervisor1"] == {"联华超市(解放路店)", "望江农贸市场", "上城区政务服务中心"}
    assert listed["supervisor2"] == {"物美超市(文三路店)", "古荡农贸市场", "西湖区市民服务大厅"}
    assert listed["inspector1"] == {"联华超市(解放路店)", "望江农贸市场"}
    assert listed["inspector3"] == {"物美超市(文三路店)", "古荡农贸市场"}
    districts = {who: _names(client.get("/api/districts", headers=world.headers[who])) for who in world.headers}
    assert districts["supervisor1"] == {"上城区 Shangcheng"}
    assert districts["inspector2"] == {"上城区 Shangcheng"}
    assert districts["admin"] == {"上城区 Shangcheng", "西湖区 Xihu"}


def test_reassignment_changes_scope_at_once(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    site = world.sites[IN_XIHU]
    assert client.get(f"/api/sites/{site}", headers=world.headers["inspector1"]).status_code == 404
    response = client.put(f"/api/users/{world.users['inspector1']}/sites", json={"site_ids": [site]}, headers=admin)
    assert response.status_code == 200
    assert client.get(f"/api/sites/{site}", headers=world.headers["inspector1"]).status_code == 200
    assert _names(client.get("/api/sites", headers=world.headers["inspector1"])) == {IN_XIHU}


def test_assignment_roles_are_checked(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    wrong = client.put(
        f"/api/users/{world.users['supervisor1']}/sites", json={"site_ids": [world.sites[IN_XIHU]]}, headers=admin
    )
    assert wrong.status_code == 422
    assert "not a inspector" in wrong.json()["detail"]


def test_another_organisation_sees_nothing_of_this_one(client: Client, world: World, app: Any) -> None:
    store = app.state.store
    other = create_organisation(store, "另一个市场监管所")
    district = create_district(store, other.id, "滨江区")
    create_site(store, other.id, district_id=district.id, name="滨江超市", site_type="supermarket", address="路")
    create_user(
        store,
        app.state.hasher,
        org_id=other.id,
        username="admin_b",
        password="password-b",
        role="admin",
        display_name="B",
    )
    theirs = bearer(login(client, "admin_b", "password-b"))
    assert _names(client.get("/api/sites", headers=theirs)) == {"滨江超市"}
    assert client.get(f"/api/sites/{world.sites[IN_SHANGCHENG]}", headers=theirs).status_code == 404
    assert {u["user"]["username"] for u in client.get("/api/users", headers=theirs).json()} == {"admin_b"}
    assign = client.put(f"/api/users/{world.users['inspector1']}/sites", json={"site_ids": []}, headers=theirs)
    assert assign.status_code == 404
    assert len(client.get("/api/sites", headers=world.headers["inspector1"]).json()) == 2

"""``GET /api/directory``: names of users for the desk, within the caller's scope and organisation; conflict
candidates and the audit trail name the device each op came from beside it (a list of every device would grow
with every login)."""

from __future__ import annotations

from typing import Any

from sync.org.accounts import Role, create_user
from sync.org.sites import assign_districts, assign_sites, create_district, create_organisation, create_site
from tests.clients import SHOP, Client, World, bearer, device, login, started

USER_KEYS = {"id", "username", "display_name", "role", "active"}


def names(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/directory", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def usernames(body: dict[str, Any]) -> set[str]:
    return {u["username"] for u in body["users"]}


def other_organisation(client: Client, app: Any) -> dict[str, str]:
    """A second organisation with an admin, a supervisor and an inspector, each logged in once."""
    store = app.state.store
    org = create_organisation(store, "另一个市场监管所")
    district = create_district(store, org.id, "滨江区")
    site = create_site(store, org.id, district_id=district.id, name="滨江超市", site_type="supermarket", address="路")
    made = {}
    roles: list[tuple[str, Role]] = [("other_admin", "admin"), ("other_sup", "supervisor"), ("other_insp", "inspector")]
    for username, role in roles:
        user = create_user(
            store, app.state.hasher, org_id=org.id, username=username, password="pw-12345678", role=role,
            display_name=f"外单位 {username}",
        )  # fmt: skip
        made[username] = user.id
    assign_districts(store, org.id, made["other_sup"], [district.id])
    assign_sites(store, org.id, made["other_insp"], [site.id])
    for username in made:
        login(client, username, "pw-12345678", device=f"{username}-phone")
    return made


def test_a_supervisor_gets_the_names_in_their_districts_and_never_secrets(
    client: Client, world: World, app: Any
) -> None:
    login(client, "inspector1", device="张的手机")
    outsiders = other_organisation(client, app)
    body = names(client, world.headers["supervisor1"])
    # 上城区: inspector1 and inspector2 are assigned there; inspector3 and 4 work in 西湖区 only
    assert usernames(body) == {"admin", "supervisor1", "supervisor2", "inspector1", "inspector2"}
    assert set(body) == {"users"}
    assert all(set(u) == USER_KEYS for u in body["users"])
    zhang = next(u for u in body["users"] if u["username"] == "inspector1")
    assert zhang == {
        "id": world.users["inspector1"],
        "username": "inspector1",
        "display_name": "张巡检 Zhang",
        "role": "inspector",
        "active": True,
    }
    assert {u["id"] for u in body["users"]}.isdisjoint(outsiders.values())
    raw = client.get("/api/directory", headers=world.headers["supervisor1"]).text
    assert "xj_" not in raw and "argon2" not in raw and "token" not in raw and "password" not in raw

    assert usernames(names(client, world.headers["supervisor2"])) == {
        "admin",
        "supervisor1",
        "supervisor2",
        "inspector3",
        "inspector4",
    }


def test_an_admin_gets_the_whole_organisation_and_no_other(client: Client, world: World, app: Any) -> None:
    outsiders = other_organisation(client, app)
    body = names(client, world.headers["admin"])
    assert usernames(body) == set(world.users)
    assert {u["id"] for u in body["users"]}.isdisjoint(outsiders.values())
    foreign = names(client, bearer(login(client, "other_sup", "pw-12345678")))
    assert usernames(foreign) == {"other_admin", "other_sup", "other_insp"}


def test_inspectors_may_not_read_the_directory(client: Client, world: World) -> None:
    response = client.get("/api/directory", headers=world.headers["inspector1"])
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:xunjian:problem:forbidden"
    assert client.get("/api/directory").status_code == 401


def test_an_inspector_moved_away_keeps_a_name_where_they_inspected(
    client: Client, world: World, app: Any, probe: None
) -> None:
    admin = world.headers["admin"]
    inspector3 = world.users["inspector3"]
    own_sites = [world.sites["物美超市(文三路店)"], world.sites["古荡农贸市场"]]
    assert "inspector3" not in usernames(names(client, world.headers["supervisor1"]))
    client.put(f"/api/users/{inspector3}/sites", json={"site_ids": [world.sites[SHOP]]}, headers=admin)
    inspection_id = started(client, world, device(client, "inspector3", "陈的手机"))
    client.put(f"/api/users/{inspector3}/sites", json={"site_ids": own_sites}, headers=admin)
    body = names(client, world.headers["supervisor1"])
    assert "inspector3" in usernames(body)
    assert "inspector4" not in usernames(body)
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert {e["device_name"] for e in audit if e["client_id"]} == {"陈的手机"}


def test_conflict_candidates_and_the_audit_trail_name_their_devices(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client, name="手机A"), device(client, name="平板B")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    supervisor = world.headers["supervisor1"]
    [conflict] = client.get("/api/conflicts", params={"inspection_id": inspection_id}, headers=supervisor).json()
    assert conflict["version"] == 1
    by_value = {c["value"]: c["device_name"] for c in conflict["candidates"]}
    assert by_value == {"pass": "手机A", "fail": "平板B"}
    assert len({c["device_id"] for c in conflict["candidates"]}) == 2

    resolved = client.post(
        f"/api/conflicts/{conflict['id']}/resolve", json={"value": "pass", "note": "复核"}, headers=supervisor
    )
    assert resolved.status_code == 200, resolved.text
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=supervisor).json()
    sent = [(e["device_name"], e["kind"]) for e in audit if e["client_id"]]
    assert ("手机A", "create") in sent and ("平板B", "set") in sent
    [resolution] = [e for e in audit if e["kind"] == "resolve"]
    assert resolution["device_id"] is None and resolution["device_name"] is None
    assert resolution["user_id"] == world.users["supervisor1"]

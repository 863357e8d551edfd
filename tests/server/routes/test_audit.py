"""``/api/admin/audit``: every admin action and login through the real API is one audit row, listed to admins only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.clients import Client, World, assert_problem, bearer, login
from tests.templates import minimal_template

ADDRESS = "testclient"  # the ASGI scope's client address under Litestar's test client


def trail(client: Client, world: World, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/admin/audit", params=params, headers=world.headers["admin"])
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def only(
    client: Client, world: World, action: str, object_id: str | None = None, actor: str = "admin"
) -> dict[str, Any]:
    """The one row of ``action`` (on ``object_id``) by ``actor`` (the demo data's own rows have none)."""
    params = {"action": action, "actor": world.users[actor]} | ({"object_id": object_id} if object_id else {})
    rows = trail(client, world, **params)
    assert len(rows) == 1, rows
    return rows[0]


def admin_device(client: Client, world: World) -> str:
    device_id: str = client.get("/api/auth/me", headers=world.headers["admin"]).json()["device_id"]
    return device_id


def assert_by_admin(client: Client, world: World, row: dict[str, Any]) -> None:
    assert row["actor_id"] == world.users["admin"]
    assert row["actor_username"] == "admin"
    assert row["device_id"] == admin_device(client, world)
    assert row["address"] == ADDRESS


def test_creating_a_district_and_a_site_records_who_from_where_and_what(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    district = client.post("/api/districts", json={"name": "滨江区"}, headers=headers).json()
    site = client.post(
        "/api/sites",
        json={"district_id": district["id"], "name": "=HYPERLINK(1)", "site_type": "market", "address": "滨江路 1 号"},
        headers=headers,
    ).json()
    row = only(client, world, "district.create", district["id"])
    assert_by_admin(client, world, row)
    assert (row["object_type"], row["before"], row["after"]) == ("district", None, {"name": "滨江区"})
    row = only(client, world, "site.create", site["id"])
    assert_by_admin(client, world, row)
    assert row["after"] == {
        "district_id": district["id"],
        "name": "=HYPERLINK(1)",
        "site_type": "market",
        "address": "滨江路 1 号",
    }


def test_user_changes_are_recorded_before_to_after_and_never_the_password(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    created = client.post(
        "/api/users",
        json={"username": "newbie", "password": "s3cret-pass-word", "role": "inspector", "display_name": "新人"},
        headers=headers,
    ).json()
    site = world.sites["望江农贸市场"]
    assert client.put(f"/api/users/{created['id']}/sites", json={"site_ids": [site]}, headers=headers).is_success
    assert client.put(f"/api/users/{created['id']}/sites", json={"site_ids": []}, headers=headers).is_success
    assert client.put(f"/api/users/{created['id']}/active", json={"active": False}, headers=headers).is_success
    assert client.put(f"/api/users/{created['id']}/active", json={"active": True}, headers=headers).is_success
    supervisor, district = world.users["supervisor1"], world.districts["西湖区 Xihu"]
    held = world.districts["上城区 Shangcheng"]
    assert client.put(f"/api/users/{supervisor}/districts", json={"district_ids": [district]}, headers=headers)

    row = only(client, world, "user.create", created["id"])
    assert_by_admin(client, world, row)
    assert row["after"] == {"username": "newbie", "display_name": "新人", "role": "inspector", "active": True}
    changes = trail(client, world, action="user.assign_sites", object_id=created["id"])
    assert [(r["before"], r["after"]) for r in changes] == [
        ({"site_ids": [site]}, {"site_ids": []}),
        ({"site_ids": []}, {"site_ids": [site]}),
    ]
    assert only(client, world, "user.deactivate", created["id"])["after"] == {"active": False}
    assert only(client, world, "user.reactivate", created["id"])["before"] == {"active": False}
    row = only(client, world, "user.assign_districts", supervisor)
    assert (row["before"], row["after"]) == ({"district_ids": [held]}, {"district_ids": [district]})
    everything = client.get("/api/admin/audit", params={"limit": 500}, headers=headers).text
    assert "s3cret-pass-word" not in everything
    assert "argon2" not in everything


def test_logins_succeeded_failed_and_throttled_are_recorded_with_the_username_tried(
    client: Client, world: World
) -> None:
    token = login(client, "inspector4", device="工作手机")
    me = client.get("/api/auth/me", headers=bearer(token)).json()
    row = trail(client, world, action="login.success", actor=world.users["inspector4"])[0]
    assert (row["device_id"], row["device_name"], row["address"]) == (me["device_id"], "工作手机", ADDRESS)
    assert row["after"] == {"username": "inspector4", "device_name": "工作手机"}
    wrong = {"username": "inspector4", "password": "not-the-password", "device_name": "x"}
    for _ in range(5):  # five failures, then the next attempt is slowed down (429)
        assert client.post("/api/auth/login", json=wrong).status_code == 401
    assert client.post("/api/auth/login", json=wrong).status_code == 429
    failures = trail(client, world, action="login.failure", object_id=world.users["inspector4"])
    assert len(failures) == 5
    assert {(r["actor_id"], r["device_id"], r["address"]) for r in failures} == {(None, None, ADDRESS)}
    assert failures[0]["after"] == {"username": "inspector4"}
    [throttled] = trail(client, world, action="login.throttled", object_id=world.users["inspector4"])
    assert (throttled["actor_id"], throttled["after"]) == (None, {"username": "inspector4"})
    assert "not-the-password" not in client.get("/api/admin/audit.csv", headers=world.headers["admin"]).text


def test_a_failed_login_with_an_unknown_username_is_listed_to_no_organisation(client: Client, world: World) -> None:
    wrong = {"username": "mallory", "password": "whatever-it-is", "device_name": "x"}
    assert client.post("/api/auth/login", json=wrong).status_code == 401
    assert "mallory" not in client.get("/api/admin/audit", params={"limit": 500}, headers=world.headers["admin"]).text


def test_revoking_a_device_is_recorded_once(client: Client, world: World) -> None:
    phone = login(client, "inspector2", device="phone")
    tablet = login(client, "inspector2", device="tablet")
    tablet_id = next(d["id"] for d in client.get("/api/auth/devices", headers=bearer(tablet)).json() if d["current"])
    for _ in range(2):  # the second revocation changes nothing and records nothing
        assert client.delete(f"/api/auth/devices/{tablet_id}", headers=bearer(phone)).status_code == 200
    row = only(client, world, "device.revoke", tablet_id, actor="inspector2")
    assert row["actor_id"] == world.users["inspector2"]
    assert row["before"]["revoked_at"] is None
    assert row["after"]["revoked_at"] is not None
    assert row["after"]["name"] == "tablet"


def test_publishing_a_checklist_is_recorded_once_and_an_identical_republish_not_at_all(
    client: Client, world: World
) -> None:
    template = minimal_template("audited_probe")
    for status in (201, 200):
        assert client.post("/api/checklists", json=template, headers=world.headers["admin"]).status_code == status
    row = only(client, world, "checklist.publish", "audited_probe")
    assert_by_admin(client, world, row)
    assert (row["object_type"], row["after"]) == ("checklist", {"version": 1})


def test_webhooks_created_and_deleted_are_recorded_without_their_secret(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    secret = "0123456789abcdef-s"
    body: dict[str, Any] = {"url": "https://hooks.example.com/x", "kinds": ["inspection.submitted"], "secret": secret}
    webhook = client.post("/api/webhooks", json=body, headers=headers).json()
    assert client.delete(f"/api/webhooks/{webhook['id']}", headers=headers).is_success
    created = only(client, world, "webhook.create", webhook["id"])
    deleted = only(client, world, "webhook.delete", webhook["id"])
    assert_by_admin(client, world, created)
    assert created["after"] == {"url": body["url"], "kinds": body["kinds"]}
    assert deleted["before"] == created["after"]
    assert deleted["after"] is None
    assert secret not in client.get("/api/admin/audit.csv", headers=headers).text


def test_plans_created_and_deactivated_by_a_supervisor_are_recorded(client: Client, world: World, probe: None) -> None:
    headers = world.headers["supervisor1"]
    site = world.sites["望江农贸市场"]
    plan = client.post(
        "/api/schedules",
        json={"site_id": site, "checklist_id": "sync_probe", "kind": "monthly_spot_check"},
        headers=headers,
    ).json()
    assert client.put(f"/api/schedules/{plan['id']}/deactivate", headers=headers).status_code == 204
    created = only(client, world, "plan.create", plan["id"], actor="supervisor1")
    assert created["actor_id"] == world.users["supervisor1"]
    assert created["after"]["site_id"] == site
    deactivated = only(client, world, "plan.deactivate", plan["id"], actor="supervisor1")
    assert (deactivated["before"], deactivated["after"]) == ({"active": True}, {"active": False})


def test_a_refused_change_leaves_no_audit_row(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    before = trail(client, world, limit=500)
    taken = {"username": "inspector1", "password": "long-enough-1", "role": "inspector", "display_name": "x"}
    assert client.post("/api/users", json=taken, headers=headers).status_code == 409
    inspector = world.users["inspector1"]
    refused = client.put(f"/api/users/{inspector}/sites", json={"site_ids": ["no-such-site"]}, headers=headers)
    assert refused.status_code == 422
    assert trail(client, world, limit=500) == before


@pytest.mark.parametrize("user", ["supervisor1", "inspector1"])
def test_only_admins_read_the_trail(client: Client, world: World, user: str) -> None:
    for path in ("/api/admin/audit", "/api/admin/audit.csv"):
        assert_problem(client.get(path, headers=world.headers[user]), 403, "forbidden")
    assert client.get("/api/admin/audit").status_code == 401


def test_the_trail_pages_newest_first_with_every_filter_carried_over(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    names = [f"区{n}" for n in range(5)]
    for name in names:
        assert client.post("/api/districts", json={"name": name}, headers=headers).is_success
    seen: list[dict[str, Any]] = []
    url: str | None = "/api/admin/audit?action=district.create&limit=2&actor=" + world.users["admin"]
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        seen += response.json()
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
    assert [r["after"]["name"] for r in seen] == names[::-1]
    assert [r["seq"] for r in seen] == sorted((r["seq"] for r in seen), reverse=True)


def test_the_time_filter_takes_offsets_and_refuses_times_without_one(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    assert client.post("/api/districts", json={"name": "萧山区"}, headers=headers).is_success
    at = only(client, world, "district.create")["at"]
    mine = {"action": "district.create", "actor": world.users["admin"]}
    assert len(trail(client, world, **mine, **{"from": at})) == 1
    assert trail(client, world, **mine, to=at) == []
    assert trail(client, world, **mine, **{"from": "2000-01-01T08:00:00+08:00", "to": at}) == []
    assert len(trail(client, world, **mine, **{"from": "2000-01-01T08:00:00+08:00", "to": "3000-01-01T00:00:00Z"})) == 1
    naive = client.get("/api/admin/audit", params={"from": "2026-01-01T00:00:00"}, headers=headers)
    assert_problem(naive, 422, "invalid-input")
    backwards = client.get("/api/admin/audit", params={"from": at, "to": "2000-01-01T00:00:00Z"}, headers=headers)
    assert_problem(backwards, 400, "bad-request")
    early = client.get("/api/admin/audit", params={"from": "0001-01-01T00:00:00+08:00"}, headers=headers)
    assert early.status_code == 422
    bad_cursor = client.get("/api/admin/audit", params={"cursor": "bm9wZQ"}, headers=headers)
    assert bad_cursor.status_code == 422


def test_the_csv_neutralises_formulas_in_every_text_cell(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        name = f"{prefix}cmd|' /C calc'!A0"
        response = client.post("/api/districts", json={"name": name}, headers=headers)
        assert response.status_code == 201, response.text
    login(client, "admin", device='=HYPERLINK("http://evil")')
    response = client.get("/api/admin/audit.csv", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="audit.csv"'
    rows = list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["seq", "at", "actor_id"]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    mine = {"action": "district.create", "actor": world.users["admin"]}
    filtered = client.get("/api/admin/audit.csv", params=mine, headers=headers)
    assert len(list(csv.reader(io.StringIO(filtered.text)))) == 1 + 6

"""Login, bearer tokens bound to named devices, revocation, slowed-down failures."""

from __future__ import annotations

from tests.clients import Client, World, bearer, login


def test_login_returns_a_token_bound_to_a_named_device(client: Client) -> None:
    response = client.post(
        "/api/auth/login", json={"username": "inspector1", "password": "demo1234", "device_name": "红米 Note 12"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("xj_")
    assert body["user"]["username"] == "inspector1"
    assert body["user"]["role"] == "inspector"
    assert body["device"]["name"] == "红米 Note 12"
    assert "password" not in response.text


def test_me_shows_the_caller_and_their_assignments(client: Client, world: World) -> None:
    me = client.get("/api/auth/me", headers=world.headers["inspector1"]).json()
    assert me["user"]["username"] == "inspector1"
    assert sorted(me["assignments"]) == sorted([world.sites["联华超市(解放路店)"], world.sites["望江农贸市场"]])


def test_wrong_password_is_unauthorized_without_saying_which_part_was_wrong(client: Client) -> None:
    for username in ("inspector1", "nobody"):
        response = client.post(
            "/api/auth/login", json={"username": username, "password": "wrong-pass", "device_name": "x"}
        )
        assert response.status_code == 401
        assert response.json()["detail"] == "wrong username or password"


def test_devices_are_listed_and_a_revoked_token_stops_working(client: Client) -> None:
    phone = login(client, "inspector2", device="phone")
    tablet = login(client, "inspector2", device="tablet")
    devices = client.get("/api/auth/devices", headers=bearer(phone)).json()
    assert [d["name"] for d in devices] == ["phone", "tablet"]
    assert [d["current"] for d in devices] == [True, False]
    tablet_id = devices[1]["id"]
    revoked = client.delete(f"/api/auth/devices/{tablet_id}", headers=bearer(phone))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    refused = client.get("/api/sites", headers=bearer(tablet))
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:xunjian:problem:unauthorized"
    assert client.get("/api/sites", headers=bearer(phone)).status_code == 200


def test_a_user_cannot_revoke_another_users_device(client: Client) -> None:
    mine = login(client, "inspector1")
    theirs = login(client, "inspector3")
    their_device = client.get("/api/auth/devices", headers=bearer(theirs)).json()[0]["id"]
    response = client.delete(f"/api/auth/devices/{their_device}", headers=bearer(mine))
    assert response.status_code == 404
    assert client.get("/api/sites", headers=bearer(theirs)).status_code == 200


def test_repeated_failed_logins_are_slowed_down_with_retry_after(client: Client) -> None:
    bad = {"username": "supervisor2", "password": "guess-guess", "device_name": "x"}
    statuses = [client.post("/api/auth/login", json=bad).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 401]
    throttled = client.post("/api/auth/login", json={**bad, "password": "demo1234"})
    assert throttled.status_code == 429
    problem = throttled.json()
    assert problem["type"] == "urn:xunjian:problem:too-many-attempts"
    assert int(throttled.headers["retry-after"]) >= 1
    assert problem["retry_after"] == int(throttled.headers["retry-after"])
    # other accounts are not slowed down
    assert (
        client.post(
            "/api/auth/login", json={"username": "supervisor1", "password": "demo1234", "device_name": "x"}
        ).status_code
        == 200
    )


def test_deactivated_user_loses_every_token_and_cannot_log_in(client: Client, world: World) -> None:
    user_id = world.users["inspector4"]
    response = client.put(f"/api/users/{user_id}/active", json={"active": False}, headers=world.headers["admin"])
    assert response.status_code == 200
    assert client.get("/api/sites", headers=world.headers["inspector4"]).status_code == 401
    again = client.post("/api/auth/login", json={"username": "inspector4", "password": "demo1234", "device_name": "x"})
    assert again.status_code == 401

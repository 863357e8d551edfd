"""Login, bearer tokens bound to named devices, revocation, slowed-down failures."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from litestar import Litestar

from bench.live import serve, server_settings
from server.settings import Settings
from sync.clock import iso_from_epoch
from sync.org import accounts
from sync.org.demo import DEMO_PASSWORD
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


def test_devices_are_listed_and_a_revoked_token_stops_working_and_leaves_the_list(client: Client) -> None:
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
    assert [d["name"] for d in client.get("/api/auth/devices", headers=bearer(phone)).json()] == ["phone"]


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


def test_back_off_follows_the_client_address_over_real_http(tmp_path: Path) -> None:
    """Three client addresses on the loopback network (127.0.0.2-4) against a real server on 127.0.0.1."""
    with serve(server_settings(tmp_path)) as live:

        def from_address(address: str) -> httpx.Client:
            client = httpx.Client(base_url=live.url, transport=httpx.HTTPTransport(local_address=address), timeout=30)
            live.clients.append(client)
            return client

        a, b, c = from_address("127.0.0.2"), from_address("127.0.0.3"), from_address("127.0.0.4")
        wrong = {"username": "inspector1", "password": "not-the-password", "device_name": "x"}
        statuses = [a.post("/api/auth/login", json=wrong).status_code for _ in range(20)]
        assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
        right = {**wrong, "password": DEMO_PASSWORD}
        assert a.post("/api/auth/login", json=right).status_code == 429
        assert b.post("/api/auth/login", json=right).status_code == 200  # the rightful user is never locked out
        spray = [
            c.post("/api/auth/login", json={**wrong, "username": f"user{n}", "password": "Winter2026!"}).status_code
            for n in range(30)
        ]
        assert spray[:20] == [401] * 20 and set(spray[20:]) == {429}
        assert c.post("/api/auth/login", json={**right, "username": "inspector2"}).status_code == 429
        stored = {row[0] for row in live.lane.app.state.store.db.execute("SELECT DISTINCT client FROM login_failure")}
        assert stored == {"127.0.0.2", "127.0.0.4"}


def test_an_expired_token_answers_401_and_a_fresh_login_works(client: Client, app: Litestar) -> None:
    token = login(client, "inspector1")
    assert client.get("/api/sites", headers=bearer(token)).status_code == 200
    long_ago = iso_from_epoch(time.time() - 31 * 86400)
    with app.state.store.transaction() as conn:
        conn.execute("UPDATE device SET last_seen_at = ? WHERE token_hash = ?", [long_ago, accounts.hash_token(token)])
    expired = client.get("/api/sites", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["type"] == "urn:xunjian:problem:unauthorized"
    assert "expired" in expired.json()["detail"]
    assert client.get("/api/sites", headers=bearer(login(client, "inspector1"))).status_code == 200


def test_the_token_expiry_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"XUNJIAN_TOKEN_IDLE_DAYS": "7", "XUNJIAN_TOKEN_MAX_DAYS": "90"})
    assert (settings.tokens.idle_days, settings.tokens.max_days) == (7, 90)
    assert (Settings.from_env({}).tokens.idle_days, Settings.from_env({}).tokens.max_days) == (30, 180)

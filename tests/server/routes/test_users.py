"""Users managed by admins: the password policy on new accounts, revoking every device of a user."""

from __future__ import annotations

from tests.clients import Client, World, bearer, login

PROBLEM = "urn:xunjian:problem:"


def test_a_new_account_needs_a_password_that_follows_the_policy(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    body = {"username": "zhao.min", "role": "inspector", "display_name": "赵敏"}
    for password, rule, words in (
        ("short-1", "length", ("10", "至少")),
        ("Zhao.Min-2026", "username", ("username", "用户名")),
        ("1234567890", "common", ("common", "常见")),
        ("password123", "common", ("common", "常见")),
    ):
        refused = client.post("/api/users", json={**body, "password": password}, headers=admin)
        problem = refused.json()
        assert (refused.status_code, problem["type"], problem["rule"]) == (422, PROBLEM + "weak-password", rule)
        assert all(word in problem["detail"] for word in words), problem["detail"]
    created = client.post("/api/users", json={**body, "password": "Tea-Terraces-of-Longjing"}, headers=admin)
    assert created.status_code == 201, created.text
    assert (
        client.post(
            "/api/auth/login", json={"username": "zhao.min", "password": "Tea-Terraces-of-Longjing", "device_name": "p"}
        ).status_code
        == 200
    )


def test_an_admin_revokes_every_device_of_a_user(client: Client, world: World) -> None:
    phone, tablet = login(client, "inspector2", device="phone"), login(client, "inspector2", device="tablet")
    other = world.headers["inspector1"]
    user_id = world.users["inspector2"]
    for who in ("supervisor1", "inspector2"):
        refused = client.post(f"/api/users/{user_id}/revoke-devices", headers=world.headers[who])
        assert (refused.status_code, refused.json()["type"]) == (403, PROBLEM + "forbidden")
    done = client.post(f"/api/users/{user_id}/revoke-devices", headers=world.headers["admin"])
    assert (done.status_code, done.json()) == (200, {"revoked": 3})  # the world's device, the phone, the tablet
    for token in (phone, tablet):
        gone = client.get("/api/sites", headers=bearer(token))
        assert (gone.status_code, gone.json()["type"]) == (401, PROBLEM + "unauthorized")
    assert client.get("/api/sites", headers=world.headers["inspector2"]).status_code == 401
    assert client.get("/api/sites", headers=other).status_code == 200
    assert client.get("/api/sites", headers=bearer(login(client, "inspector2"))).status_code == 200
    unknown = client.post("/api/users/no-such-user/revoke-devices", headers=world.headers["admin"])
    assert (unknown.status_code, unknown.json()["type"]) == (404, PROBLEM + "not-found")

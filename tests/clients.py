"""The server tests' HTTP helpers over the test client: logging in, the demo organisation as seen
through the API, devices, problem responses, and a finding's actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from bench.device import Device
from sync.org.accounts import User
from sync.org.demo import ACCOUNTS, DEMO_PASSWORD

Client = TestClient[Litestar]
SHOP = "联华超市(解放路店)"
PROBLEM = "application/problem+json"
PROBLEM_PREFIX = "urn:xunjian:problem:"


@dataclass(frozen=True)
class World:
    """The demo organisation as the tests see it: tokens and site ids by name."""

    headers: dict[str, dict[str, str]]
    sites: dict[str, str]
    districts: dict[str, str]
    users: dict[str, str]


def login(client: Client, username: str, password: str = DEMO_PASSWORD, device: str = "test") -> str:
    response = client.post("/api/auth/login", json={"username": username, "password": password, "device_name": device})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def demo_world(client: Client) -> World:
    """Every demo account logged in, and the sites, districts and users by name."""
    headers = {name: bearer(login(client, name)) for name in ACCOUNTS}
    sites = {s["name"]: s["id"] for s in client.get("/api/sites", headers=headers["admin"]).json()}
    districts = {d["name"]: d["id"] for d in client.get("/api/districts", headers=headers["admin"]).json()}
    users = {u["user"]["username"]: u["user"]["id"] for u in client.get("/api/users", headers=headers["admin"]).json()}
    return World(headers, sites, districts, users)


def device(client: Client, user: str = "inspector1", name: str = "phone") -> Device:
    return Device(client, login(client, user, device=name), name=name)


def started(client: Client, world: World, phone: Device) -> str:
    """A ``sync_probe`` inspection of the shop, started on ``phone`` and synced."""
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.sync()
    return inspection_id


def assert_problem(response: object, status: int, slug: str) -> dict[str, object]:
    """``response`` is an RFC 9457 problem of ``status`` and type ``slug``, with a title and a detail."""
    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["type"] == f"{PROBLEM_PREFIX}{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def problem_type(response: Any) -> str:
    """The problem type's slug of a problem response."""
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return str(response.json()["type"]).removeprefix(PROBLEM_PREFIX)


def still_up(client: Client) -> None:
    assert client.get("/api/health").json()["status"] == "ok"


def review(client: Client, world: World, inspection_id: str, **body: Any) -> None:
    """``POST /api/inspections/{inspection_id}/review`` as supervisor1 (``action``, ``comments``, ``reason``)."""
    response = client.post(f"/api/inspections/{inspection_id}/review", json=body, headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text


def act(client: Client, world: World, user: str, finding_id: str, action: str, body: dict[str, Any]) -> Any:
    """``POST /api/findings/{finding_id}/{action}`` as ``user``."""
    return client.post(f"/api/findings/{finding_id}/{action}", json=body, headers=world.headers[user])


def user_of(client: Client, world: World, name: str) -> User:
    me = client.get("/api/auth/me", headers=world.headers[name]).json()["user"]
    return User(**me)

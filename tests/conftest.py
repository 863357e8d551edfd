"""Shared fixtures: real SQLite files in a temporary folder, the real app, demo accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import TestClient

from bench.device import Device
from server.app import create_app
from server.settings import Settings
from sync.db.store import Store, open_store
from sync.org.demo import ACCOUNTS, DEMO_PASSWORD
from tests.sync_template import SYNC_TEMPLATE

Client = TestClient[Litestar]
SHOP = "联华超市(解放路店)"

# No timed assertions: Hypothesis's per-example deadline fails a property on a busy machine, not on a bug.
hypothesis_settings.register_profile("xunjian", deadline=None)
hypothesis_settings.load_profile("xunjian")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test: a fresh data folder and cheap password hashing."""
    return Settings(data_dir=tmp_path / "data", argon2_time_cost=1, argon2_memory_kib=1024)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database file, migrated."""
    opened = open_store(tmp_path / "store")
    yield opened
    opened.close()


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(replace(settings, demo=True))


@pytest.fixture
def client(app: Litestar) -> Iterator[Client]:
    with TestClient(app) as test_client:
        yield test_client


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


@pytest.fixture
def world(client: Client) -> World:
    headers = {name: bearer(login(client, name)) for name in ACCOUNTS}
    sites = {s["name"]: s["id"] for s in client.get("/api/sites", headers=headers["admin"]).json()}
    districts = {d["name"]: d["id"] for d in client.get("/api/districts", headers=headers["admin"]).json()}
    users = {u["user"]["username"]: u["user"]["id"] for u in client.get("/api/users", headers=headers["admin"]).json()}
    return World(headers, sites, districts, users)


@pytest.fixture
def probe(client: Client, world: World) -> None:
    response = client.post("/api/checklists", json=SYNC_TEMPLATE, headers=world.headers["admin"])
    assert response.status_code == 201, response.text


def device(client: Client, user: str = "inspector1", name: str = "phone") -> Device:
    return Device(client, login(client, user, device=name), name=name)


def started(client: Client, world: World, phone: Device) -> str:
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.sync()
    return inspection_id

"""Shared fixtures: real SQLite files in a temporary folder, the real app, demo accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings
from sync.db.store import Store, open_store
from tests.clients import Client, World, demo_world
from tests.s3 import moto_server
from tests.templates import SYNC_TEMPLATE

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


@pytest.fixture
def world(client: Client) -> World:
    return demo_world(client)


@pytest.fixture
def probe(client: Client, world: World) -> None:
    response = client.post("/api/checklists", json=SYNC_TEMPLATE, headers=world.headers["admin"])
    assert response.status_code == 201, response.text


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-protocol HTTP endpoint (moto's server mode), started once per session when a test asks."""
    with moto_server() as endpoint:
        yield endpoint

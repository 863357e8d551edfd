"""Shared fixtures: real SQLite files in a temporary folder (or PostgreSQL databases), the real app, demo accounts.

With ``XUNJIAN_TEST_BACKEND=postgresql`` the ``store`` and ``settings`` fixtures give each test a
fresh database in a throwaway PostgreSQL cluster (``tests/pg.py``); tests that are SQLite's by
nature are marked ``sqlite_only`` and skipped there, each with its reason.
"""

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
from sync.db.open import open_store
from sync.db.store import Store
from tests.clients import Client, World, demo_world
from tests.pg import ON_POSTGRESQL, Cluster, Databases
from tests.s3 import moto_server
from tests.templates import SYNC_TEMPLATE

# No timed assertions: Hypothesis's per-example deadline fails a property on a busy machine, not on a bug.
hypothesis_settings.register_profile("xunjian", deadline=None)
hypothesis_settings.load_profile("xunjian")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): SQLite's by nature (PRAGMAs, WAL, the file backup)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRESQL:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.kwargs.get('reason', marker.args)}"))


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[Databases]:
    """The session's PostgreSQL cluster and its migrated template (started on first use)."""
    cluster = Cluster()
    try:
        yield Databases(cluster)
    finally:
        cluster.stop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test's database: a fresh PostgreSQL one on that backend, else ``""`` (SQLite in the data folder)."""
    if not ON_POSTGRESQL:
        yield ""
        return
    databases: Databases = request.getfixturevalue("pg_databases")
    name = databases.fresh()
    yield databases.cluster.url(name)
    databases.cluster.drop(name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for a test: a fresh data folder (and database) and cheap password hashing."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, argon2_time_cost=1, argon2_memory_kib=1024)


@pytest.fixture
def store(tmp_path: Path, database_url: str) -> Iterator[Store]:
    """A fresh database, migrated: a file, or a PostgreSQL database on that backend."""
    opened = open_store(database_url, tmp_path / "store")
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

"""A full disk: every write answers 507 storage-full with Retry-After, nothing acknowledged is lost, and writes
work again once space returns. On a real full file system (a small tmpfs) and, root-free, on SQLite's own limit."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.app import create_app
from server.settings import Settings
from tests.clients import SHOP, assert_problem, device, login
from tests.disk import SmallDisk, small_disk
from tests.evidence import metadata
from tests.images import noise_jpeg

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = {**TUS, "Content-Type": "application/offset+octet-stream"}


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk", 64) as mounted:
        yield mounted


@pytest.fixture
def live(disk: SmallDisk) -> Iterator[LiveServer]:
    with serve(server_settings(disk.mount, disk_warn_mb=16)) as server:
        yield server


def data_dir(live: LiveServer) -> Path:
    assert live.settings.data_dir is not None
    return live.settings.data_dir


def token(client: httpx.Client) -> str:
    return client.headers["Authorization"].partition(" ")[2]


def empty_wal(database: Path) -> None:
    """Copy the WAL into the database and cut it to nothing, so the next write needs new space."""
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def assert_storage_full(response: httpx.Response) -> None:
    body = assert_problem(response, 507, "storage-full")
    assert int(response.headers["retry-after"]) > 0
    assert body["retry_after"] == int(response.headers["retry-after"])


def create_upload(http: httpx.Client, data: bytes) -> httpx.Response:
    digest = hashlib.sha256(data).hexdigest()
    meta = metadata(sha256=digest, kind="photo", media_type="image/jpeg", filename="p.jpg")
    return http.post("/api/uploads", headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta})


def patch(http: httpx.Client, url: str, offset: int, chunk: bytes) -> httpx.Response:
    return http.patch(url, content=chunk, headers={**CHUNK, "Upload-Offset": str(offset)})


def test_a_full_disk_answers_507_keeps_what_was_acknowledged_and_recovers(live: LiveServer, disk: SmallDisk) -> None:
    http = live.client("inspector1")
    site = http.get("/api/sites").json()[0]["id"]
    phone = Device(http, token(http), "phone")
    kept = phone.create(site, "supermarket_service")
    phone.set(kept, {"sales_area_m2": 800.0})
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    photo = noise_jpeg()
    created = create_upload(http, photo)
    assert created.status_code == 201
    url = created.headers["location"]
    health = http.get("/api/health").json()
    assert (health["status"], health["disk_low"]) == ("ok", False)

    database = data_dir(live) / "xunjian.db"
    empty_wal(database)
    disk.fill()
    health = http.get("/api/health").json()
    assert health["disk_low"] is True and health["disk_free_bytes"] < 16 * 1024 * 1024
    assert health["warnings"]
    later = phone.create(site, "supermarket_service")
    phone.set(later, {"sales_area_m2": 120.0})
    sent = {"client_id": phone.client_id, "ops": phone.pending()}
    assert_storage_full(http.post("/api/sync/push", json=sent))
    assert_storage_full(patch(http, url, 0, photo))
    assert http.head(url, headers=TUS).headers["upload-offset"] == "0"
    assert_storage_full(create_upload(http, noise_jpeg(300, 200)))
    assert http.get(f"/api/inspections/{kept}").json()["answers"] == {"sales_area_m2": 800.0}

    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()

    disk.free()
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    assert patch(http, url, 0, photo).status_code == 204
    assert http.get(f"/api/blobs/{hashlib.sha256(photo).hexdigest()}").content == photo
    assert create_upload(http, noise_jpeg(300, 200)).status_code == 201


def test_a_chunk_larger_than_the_space_left_keeps_exactly_the_bytes_on_disk(live: LiveServer, disk: SmallDisk) -> None:
    http = live.client("inspector1")
    photo = noise_jpeg(2000, 1600)
    assert len(photo) > 3 * 1024 * 1024
    url = create_upload(http, photo).headers["location"]
    disk.fill(room=1024 * 1024)
    assert_storage_full(patch(http, url, 0, photo))
    offset = int(http.head(url, headers=TUS).headers["upload-offset"])
    on_disk = (data_dir(live) / "uploads" / url.rsplit("/", 1)[1]).read_bytes()
    assert offset == len(on_disk)  # no more than the file holds: never counted, never padded
    assert 0 < offset < len(photo)
    assert on_disk == photo[:offset]
    disk.free()
    resumed = patch(http, url, offset, photo[offset:])
    assert (resumed.status_code, resumed.headers["upload-complete"]) == (204, "?1")
    assert http.get(f"/api/blobs/{hashlib.sha256(photo).hexdigest()}").content == photo


def test_sqlite_full_answers_507_and_writes_work_again_without_root(tmp_path: Path) -> None:
    """SQLite's own limit (``max_page_count``) answers SQLITE_FULL for real: the database path, root-free."""
    from litestar.testing import TestClient

    settings = Settings(data_dir=tmp_path / "data", demo=True, argon2_time_cost=1, argon2_memory_kib=1024)
    with TestClient(create_app(settings)) as client:
        phone = device(client)
        site = next(s["id"] for s in client.get("/api/sites", headers=phone.headers).json() if s["name"] == SHOP)
        kept = phone.create(site, "supermarket_service")
        phone.push()
        store = client.app.state.store
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        with store.transaction() as conn:
            conn.execute(f"PRAGMA max_page_count = {pages}")
        for n in range(40):
            phone.create(site, "supermarket_service")
            phone.set(kept, {"sales_area_m2": float(n)})
        sent = {"client_id": phone.client_id, "ops": phone.pending()}
        response = client.post("/api/sync/push", json=sent, headers=phone.headers)
        assert_storage_full(response)
        admin = {"Authorization": f"Bearer {login(client, 'admin')}"}
        for n in range(200):  # an admin write: the free pages a refused push left run out
            created = client.post("/api/districts", json={"name": f"区{n}" + "名" * 190}, headers=admin)
            if created.status_code != 201:
                break
        assert_storage_full(created)
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with store.transaction() as conn:
            conn.execute("PRAGMA max_page_count = 1073741823")
        while phone.pending():
            assert {r["outcome"] for r in phone.push()} == {"applied"}
        assert client.get(f"/api/inspections/{kept}", headers=phone.headers).json()["answers"] == {
            "sales_area_m2": 39.0
        }

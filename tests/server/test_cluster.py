"""Two real app servers (``python -m server``) on one database and one object store behave as one.

The database is the test's (a PostgreSQL one with ``XUNJIAN_TEST_BACKEND=postgresql``, else the
shared SQLite file in one data folder), the evidence a bucket of moto's S3 server. A device pushes
to one server and another pulls from the other; an upload started on one is finished on the other;
a server killed (``kill -9``) under a push is retried on the other with exactly-once results; webhook
events are delivered once each, in order, while both servers run their delivery loops.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.device import Device
from bench.live import ServerProcess
from sync.db.open import open_store
from tests.evidence import CHUNK, PHOTO, TUS, metadata
from tests.s3 import new_bucket
from tests.server.webhook_receiver import Receiver, delivered_all, login
from tests.templates import SYNC_TEMPLATE

KINDS = ["inspection.submitted"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(hold=set())
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def servers(tmp_path: Path, database_url: str, s3_endpoint: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Server A (which seeds the demo data) and server B, on the same database and bucket, both delivering."""
    env = {
        "XUNJIAN_BLOB_STORE": new_bucket(s3_endpoint),
        "XUNJIAN_WEBHOOK_POLL_S": "0.1",
        "XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",  # the receiver is on loopback
    }
    if database_url:
        env["XUNJIAN_DATABASE_URL"] = database_url
    with (
        ServerProcess(tmp_path, "--demo", env=env, timeout=120) as a,
        ServerProcess(tmp_path, env=env, timeout=120) as b,
    ):
        yield a, b


def test_two_servers_push_pull_and_deliver_webhooks_as_one(
    servers: tuple[ServerProcess, ServerProcess], receiver: Receiver
) -> None:
    a, b = servers
    with httpx.Client(base_url=a.base, timeout=30) as http_a, httpx.Client(base_url=b.base, timeout=30) as http_b:
        admin = login(http_a, "admin")
        assert http_a.post("/api/checklists", json=SYNC_TEMPLATE, headers=admin).status_code == 201
        hook = {"url": receiver.url, "kinds": KINDS, "secret": "a-secret-of-sixteen+"}
        created = http_b.post("/api/webhooks", json=hook, headers=admin)  # a token from A holds on B
        assert created.status_code == 201, created.text
        phone = Device(http_a, login(http_a, "inspector1")["Authorization"].removeprefix("Bearer "), name="phone")
        site_id = http_a.get("/api/sites", headers=phone.headers).json()[0]["id"]
        expected = {}
        for n in range(12):
            phone.http = (http_a, http_b)[n % 2]  # pushes alternate between the servers
            inspection_id = phone.create(site_id, "sync_probe")
            expected[inspection_id] = {"licence": "pass", "frozen_temp": -20 - n}
            phone.set(inspection_id, expected[inspection_id])
            phone.transition(inspection_id, "submitted")
            phone.push()
        assert phone.pending() == []
        tablet = Device(http_b, login(http_b, "inspector1")["Authorization"].removeprefix("Bearer "), name="tablet")
        tablet.sync()  # pulls from B what was pushed to both
        assert {i: tablet.answers(i) for i in expected} == expected
        events = http_a.get("/api/events", params={"after": 0, "limit": 500}, headers=admin).json()["events"]
        seqs = [e["seq"] for e in events if e["kind"] in KINDS]
        assert len(seqs) == 12
        assert delivered_all(receiver, set(seqs)) >= set(seqs)
    with receiver.lock:
        delivered = [seq for _, seq, _ in receiver.deliveries]
    assert delivered == seqs  # each once, in order, though both servers were delivering


def test_an_upload_started_on_one_server_is_finished_on_the_other(servers: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = servers
    digest = hashlib.sha256(PHOTO).hexdigest()
    half = len(PHOTO) // 2
    with httpx.Client(base_url=a.base, timeout=30) as http_a, httpx.Client(base_url=b.base, timeout=30) as http_b:
        phone = login(http_a, "inspector1")
        meta = metadata(sha256=digest, kind="photo", media_type="image/jpeg", filename="IMG_0001.JPG")
        created = http_a.post(
            "/api/uploads", headers={**phone, **TUS, "Upload-Length": str(len(PHOTO)), "Upload-Metadata": meta}
        )
        assert created.status_code == 201, created.text
        url = created.headers["location"]
        first = http_a.patch(url, content=PHOTO[:half], headers={**phone, **CHUNK, "Upload-Offset": "0"})
        assert first.status_code == 204, first.text
        offset = http_b.head(url, headers={**phone, **TUS})  # resumed on the other server
        assert offset.headers["upload-offset"] == str(half)
        rest = http_b.patch(url, content=PHOTO[half:], headers={**phone, **CHUNK, "Upload-Offset": str(half)})
        assert rest.status_code == 204, rest.text
        assert rest.headers["upload-offset"] == str(len(PHOTO))
        fetched = http_a.get(f"/api/blobs/{digest}", headers=phone)
        assert fetched.status_code == 200
        assert fetched.content == PHOTO


def test_a_server_killed_mid_push_is_retried_on_the_other_exactly_once(
    servers: tuple[ServerProcess, ServerProcess], tmp_path: Path, database_url: str
) -> None:
    a, b = servers
    with httpx.Client(base_url=a.base, timeout=30) as http_a, httpx.Client(base_url=b.base, timeout=30) as http_b:
        admin = login(http_a, "admin")
        assert http_a.post("/api/checklists", json=SYNC_TEMPLATE, headers=admin).status_code == 201
        phone = Device(http_a, login(http_a, "inspector1")["Authorization"].removeprefix("Bearer "))
        site_id = http_a.get("/api/sites", headers=phone.headers).json()[0]["id"]
        expected = {}
        for n in range(10):
            inspection_id = phone.create(site_id, "sync_probe")
            expected[inspection_id] = {"licence": "fail", "frozen_temp": -30 + n}
            phone.set(inspection_id, expected[inspection_id])
        total = len(phone.pending())
        body = json.dumps({"client_id": phone.client_id, "ops": phone.pending()}).encode()
        head = (
            "POST /api/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {phone.token}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", a.port)) as sock:
            sock.sendall(head + body)
            a.kill()  # the answer never comes: the phone retries on B
        phone.http = http_b
        phone.sync()
        assert phone.pending() == []
        assert {i: d["answers"] for i, d in phone.server.items()} == expected
    store = open_store(database_url, tmp_path)
    try:
        logged = store.db.execute(
            "SELECT count(*), count(DISTINCT op_id) FROM op_log WHERE client_id = ?", [phone.client_id]
        ).fetchone()
        assert tuple(logged) == (total, total)  # every op once, whether A logged it before dying or B did
    finally:
        store.close()


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from ``/proc``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_workers_start_n_processes_on_one_port_that_serve_as_one(tmp_path: Path, database_url: str) -> None:
    env = {"XUNJIAN_DATABASE_URL": database_url} if database_url else {}
    with ServerProcess(tmp_path, "--demo", "--workers", "2", env=env, timeout=120) as server:
        assert server.proc is not None
        children = children_of(server.proc.pid)
        with httpx.Client(base_url=server.base, timeout=30) as http:
            admin = login(http, "admin")
            assert http.post("/api/checklists", json=SYNC_TEMPLATE, headers=admin).status_code == 201
            phone = Device(http, login(http, "inspector1")["Authorization"].removeprefix("Bearer "))
            site_id = http.get("/api/sites", headers=phone.headers).json()[0]["id"]
            expected = {}
            for n in range(8):  # each request goes to whichever worker accepts it
                inspection_id = phone.create(site_id, "sync_probe")
                expected[inspection_id] = {"licence": "pass", "frozen_temp": -10 - n}
                phone.set(inspection_id, expected[inspection_id])
                phone.push()
                assert http.get("/api/checklists", headers=admin).status_code == 200
            phone.sync()
            assert {i: d["answers"] for i, d in phone.server.items()} == expected
    assert len(children) >= 2  # the supervisor's worker processes (a resource tracker may be one more)


def test_workers_refuse_a_database_in_memory(tmp_path: Path) -> None:
    from server.__main__ import main

    assert main(["--workers", "0"]) == 2

"""Kill -9 the server in the middle of pushes, many times: retries give exactly-once results."""

from __future__ import annotations

import json
import random
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.device import Device
from bench.live import ServerProcess
from tests.templates import SYNC_TEMPLATE

KILLS = 12


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """``python -m server --demo`` in a subprocess over one data folder, restartable."""
    with ServerProcess(tmp_path, "--demo") as running:
        yield running


def send_and_die(server: ServerProcess, device: Device, limit: int) -> None:
    """Write one push request on a raw socket, then kill the server without reading the answer."""
    body = json.dumps({"client_id": device.client_id, "ops": device.pending()[:limit]}).encode()
    head = (
        f"POST /api/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {device.token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head + body)
        server.kill()


def test_kill_9_mid_push_then_retry_is_exactly_once(server: ServerProcess, tmp_path: Path) -> None:
    rng = random.Random(20261122)
    with httpx.Client(base_url=server.base, timeout=10) as http:
        admin = http.post("/api/auth/login", json={"username": "admin", "password": "demo1234", "device_name": "a"})
        assert (
            http.post(
                "/api/checklists", json=SYNC_TEMPLATE, headers={"Authorization": f"Bearer {admin.json()['token']}"}
            ).status_code
            == 201
        )
        login = http.post(
            "/api/auth/login", json={"username": "inspector1", "password": "demo1234", "device_name": "phone"}
        ).json()
        sites = http.get("/api/sites", headers={"Authorization": f"Bearer {login['token']}"}).json()
    with httpx.Client(base_url=server.base, timeout=10) as phone_http:
        phone = Device(phone_http, login["token"])
        total_ops, expected = crash_many_times(server, phone, sites, rng)
    db = sqlite3.connect(tmp_path / "xunjian.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    op_ids = [r[0] for r in db.execute("SELECT op_id FROM op_log WHERE client_id = ?", [phone.client_id])]
    assert len(op_ids) == total_ops == len(set(op_ids))
    assert db.execute("SELECT last_seq FROM client WHERE client_id = ?", [phone.client_id]).fetchone() == (total_ops,)
    assert db.execute("SELECT count(*) FROM inspection").fetchone() == (40,)
    db.close()
    assert {i: d["answers"] for i, d in phone.server.items()} == expected


def crash_many_times(
    server: ServerProcess, phone: Device, sites: list[dict[str, str]], rng: random.Random
) -> tuple[int, dict[str, dict[str, object]]]:
    """Queue 40 inspections, kill the server mid-push ``KILLS`` times, then sync; returns the ops and answers."""
    expected: dict[str, dict[str, object]] = {}
    for n in range(40):
        inspection_id = phone.create(sites[n % 2]["id"], "sync_probe")
        answers = {"licence": rng.choice(["pass", "fail"]), "frozen_temp": -30 + n}
        phone.set(inspection_id, answers)
        expected[inspection_id] = answers
    total_ops = len(phone.outbox)
    for _ in range(KILLS):
        send_and_die(server, phone, rng.randint(1, 30))
        server.start()
        phone.push(limit=rng.randint(1, 10))
    phone.sync()
    assert phone.pending() == []
    server.kill()
    return total_ops, expected

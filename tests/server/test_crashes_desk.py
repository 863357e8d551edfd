"""Kill -9 the server in the middle of the desk's writes: reviews, conflict resolutions, corrective actions.

Each action is written on a raw socket and the server killed a random (seeded) moment later, so the
kill lands before, during or after its transaction; the server is started again and the supervisor
(or inspector) retries, as the desk does when an answer never came. Every action takes effect exactly
once, the phone's acknowledged ops are each applied once, and the database is intact.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.device import Device
from bench.live import ServerProcess
from sync.org.demo import DEMO_PASSWORD
from tests.server.crashing import check_after_crashes, request_and_die
from tests.templates import SYNC_TEMPLATE

SHOP = "联华超市(解放路店)"
PHOTO = hashlib.sha256(b"after the fix").hexdigest()
ALREADY = (409, 422)  # a retry of what the killed request did: the action is no longer possible


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path, "--demo", timeout=120) as running:
        yield running


def login(http: httpx.Client, username: str, device: str = "desk") -> str:
    body = {"username": username, "password": DEMO_PASSWORD, "device_name": device}
    response = http.post("/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def crash_then_retry(
    server: ServerProcess, http: httpx.Client, rng: random.Random, token: str, path: str, body: dict[str, Any]
) -> dict[str, Any] | None:
    """POST ``body`` to ``path`` and kill the server under it; restart and retry: the retry's answer if it was 200."""
    request_and_die(server, rng, "POST", path, token, body)
    server.start()
    retried = http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert retried.status_code == 200 or retried.status_code in ALREADY, retried.text
    answer: dict[str, Any] | None = retried.json() if retried.status_code == 200 else None
    return answer


def submitted(phone: Device, site_id: str, answers: dict[str, Any]) -> str:
    inspection_id = phone.create(site_id, "sync_probe")
    phone.set(inspection_id, answers)
    phone.transition(inspection_id, "submitted")
    return inspection_id


def in_conflict(phone: Device, tablet: Device, site_id: str) -> str:
    """An inspection whose licence the phone and the tablet answered differently, each from the same base."""
    inspection_id = phone.create(site_id, "sync_probe")
    phone.sync()
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    return inspection_id


def test_kill_9_during_reviews_resolutions_and_corrective_actions_then_retry_is_exactly_once(
    server: ServerProcess, tmp_path: Path
) -> None:
    rng = random.Random(20261205)
    with httpx.Client(base_url=server.base, timeout=30) as http:
        admin, supervisor = login(http, "admin"), login(http, "supervisor1")
        desk = {"Authorization": f"Bearer {supervisor}"}
        published = http.post("/api/checklists", json=SYNC_TEMPLATE, headers={"Authorization": f"Bearer {admin}"})
        assert published.status_code == 201
        phone = Device(http, login(http, "inspector1", "phone"), name="phone")
        tablet = Device(http, login(http, "inspector1", "tablet"), name="tablet")
        site_id = next(s["id"] for s in http.get("/api/sites", headers=phone.headers).json() if s["name"] == SHOP)
        reviewed = [submitted(phone, site_id, {"licence": "pass", "frozen_temp": -20}) for _ in range(2)]
        failing = submitted(phone, site_id, {"licence": "fail", "frozen_temp": -20})
        phone.sync()
        conflicted = [in_conflict(phone, tablet, site_id) for _ in range(2)]

        for inspection_id in reviewed:
            crash_then_retry(
                server, http, rng, supervisor, f"/api/inspections/{inspection_id}/review", {"action": "approve"}
            )
        for inspection_id in conflicted:
            conflict = http.get("/api/conflicts", params={"inspection_id": inspection_id}, headers=desk).json()[0]
            body = {"value": "na", "note": "现场核实不适用"}
            crash_then_retry(server, http, rng, supervisor, f"/api/conflicts/{conflict['id']}/resolve", body)
        finding = next(
            f
            for f in http.get("/api/findings", params={"inspection_id": failing}, headers=desk).json()
            if f["pointer"] == "/licence"
        )
        actions: list[tuple[str, str, dict[str, Any]]] = [
            (phone.token, "report-fix", {"note": "已补办营业执照", "photos": [PHOTO]}),
            (supervisor, "verify", {"photos": [PHOTO], "note": "现场复查合格"}),
            (supervisor, "close", {"note": "整改完成"}),
        ]
        for token, action, body in actions:
            crash_then_retry(server, http, rng, token, f"/api/findings/{finding['id']}/{action}", body)

        phone.sync()
        tablet.sync()
        assert phone.pending() == tablet.pending() == []
        history = http.get(f"/api/findings/{finding['id']}", headers=desk).json()["history"]
        assert [event["kind"] for event in history] == ["recorded", "fix_reported", "verified", "closed"]
        for inspection_id in conflicted:
            assert phone.server[inspection_id]["answers"]["licence"] == "na"
            query = {"inspection_id": inspection_id, "status": "resolved"}
            states = http.get("/api/conflicts", params=query, headers=desk).json()
            assert [c["status"] for c in states] == ["resolved"]
        assert all(phone.server[i]["status"] == "approved" for i in reviewed)
    server.kill()

    db = check_after_crashes(tmp_path)
    devices = [phone.client_id, tablet.client_id]
    logged = db.execute("SELECT count(*) FROM op_log WHERE client_id IN (?, ?)", devices).fetchone()[0]
    assert logged == phone.next_seq - 1 + tablet.next_seq - 1
    events = "SELECT count(*) FROM event WHERE inspection_id = ? AND kind = ?"
    for inspection_id in reviewed:  # a retried approval is a no-op (logged, changing nothing): approved once
        assert db.execute(events, [inspection_id, "inspection.approved"]).fetchone() == (1,)
    for inspection_id in conflicted:
        resolutions = "SELECT count(*) FROM op_log WHERE inspection_id = ? AND kind = 'resolve'"
        assert db.execute(resolutions, [inspection_id]).fetchone() == (1,)
        assert db.execute(events, [inspection_id, "conflict.resolved"]).fetchone() == (1,)
    changes = "SELECT count(*) FROM op_log WHERE inspection_id = ? AND kind = 'finding'"
    assert db.execute(changes, [failing]).fetchone() == (3,)  # fixed, verified, closed: once each
    assert db.execute(events, [failing, "action.closed"]).fetchone() == (1,)
    db.close()

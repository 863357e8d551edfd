"""Kill -9 the server while it delivers webhooks: every event arrives at least once, a repeat with the same id.

The guarantee after a crash is at-least-once: an event's delivery is recorded after the receiver
answered, so a kill between the two sends it again after the restart, with the same
``X-Xunjian-Delivery`` id (``<webhook id>:<event seq>``) and the same body, for the receiver to
drop as a duplicate. The receiver here holds chosen deliveries (seeded) while the test kills the server,
so each of those is certainly sent again.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.device import Device
from bench.live import ServerProcess
from tests.server.crashing import check_after_crashes
from tests.server.webhook_receiver import WAIT_S, Receiver, delivered_all, login
from tests.templates import SYNC_TEMPLATE

KINDS = ["inspection.submitted", "inspection.edited"]
INSPECTIONS = 8
KILLS = 3


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rng = random.Random(20261205)
    hold = set(rng.sample(range(2, INSPECTIONS * 2), KILLS))
    running = Receiver(hold)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.release.set()
    running.shutdown()
    running.server_close()


def test_kill_9_during_webhook_delivery_delivers_every_event_at_least_once_with_one_id(
    tmp_path: Path, receiver: Receiver
) -> None:
    fast = {
        "XUNJIAN_WEBHOOK_POLL_S": "0.2",
        "XUNJIAN_WEBHOOK_BACKOFF_S": "0.2",
        "XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",  # the receiver is on loopback
    }
    with (
        ServerProcess(tmp_path, "--demo", env=fast, timeout=120) as server,
        httpx.Client(base_url=server.base, timeout=30) as http,
    ):
        admin = login(http, "admin")
        assert http.post("/api/checklists", json=SYNC_TEMPLATE, headers=admin).status_code == 201
        hook = {"url": receiver.url, "kinds": KINDS, "secret": "a-secret-of-sixteen+"}
        created = http.post("/api/webhooks", json=hook, headers=admin)
        assert created.status_code == 201, created.text
        phone = Device(http, login(http, "inspector1")["Authorization"].removeprefix("Bearer "))
        site_id = http.get("/api/sites", headers=phone.headers).json()[0]["id"]
        for n in range(INSPECTIONS):
            inspection_id = phone.create(site_id, "sync_probe")
            phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20 - n})
            phone.transition(inspection_id, "submitted")
            phone.set(inspection_id, {"frozen_temp": -30 - n})  # edited after submission: a second event
        phone.sync()
        for _ in range(KILLS):
            assert receiver.holding.wait(WAIT_S), "no delivery came to hold"
            receiver.holding.clear()
            server.kill()  # the receiver has the event; the server never hears its answer
            receiver.release.set()
            server.start()
        events = http.get("/api/events", params={"after": 0, "limit": 500}, headers=admin).json()["events"]
        expected = {e["seq"] for e in events if e["kind"] in KINDS}
        assert len(expected) == INSPECTIONS * 2
        assert delivered_all(receiver, expected) >= expected
        webhook_id = created.json()["id"]
    with receiver.lock:
        deliveries = list(receiver.deliveries)
    by_seq: dict[int, set[tuple[str, bytes]]] = {}
    for delivery_id, seq, body in deliveries:
        by_seq.setdefault(seq, set()).add((delivery_id, body))
    for seq, copies in by_seq.items():
        assert {delivery_id for delivery_id, _ in copies} == {f"{webhook_id}:{seq}"}  # every copy: one id
        assert len({body for _, body in copies}) == 1  # and one body
    assert len(deliveries) >= len(expected) + KILLS  # each held delivery was sent again
    check_after_crashes(tmp_path).close()

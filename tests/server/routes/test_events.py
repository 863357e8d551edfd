"""The event feed and webhooks over HTTP: events of the workflow, scope, bad input, a real loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings
from sync.feed.pinned_post import pinned_post
from sync.feed.targets import parse_networks
from sync.feed.webhooks import DeliveryPolicy, deliver_due
from tests.clients import SHOP, Client, World, bearer, device, login, review
from tests.ssrf import REFUSED
from tests.templates import SYNC_TEMPLATE

PROBLEM = "urn:xunjian:problem:"
SECRET = "loopback-secret-1234"
T0 = 1_900_000_000.0


LOOPBACK = "127.0.0.0/8"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background delivery: the tests drive each pass with their own clock; receivers on 127.0.0.1 allowed."""
    return replace(settings, webhook_poll_s=0, webhook_allow_networks=LOOPBACK)


class Loopback:
    """A real HTTP receiver on 127.0.0.1 that answers from a script of status codes, then 200."""

    def __init__(self, *script: int) -> None:
        self.script = list(script)
        self.got: list[tuple[bytes, dict[str, str]]] = []
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.got.append((body, dict(self.headers.items())))
                status = outer.script.pop(0) if outer.script else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if status == 200:
                    outer.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body, _ in self.got]


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    receiver = Loopback(500, 502)
    yield receiver
    receiver.close()


def events(client: Client, world: World, user: str = "admin", **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/events", params=params, headers=world.headers[user])
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["events"]
    return found


def workflow(client: Client, world: World) -> str:
    """A conflict opened and resolved, then submitted, edited, returned, submitted again and approved."""
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"frozen_temp": -20})
    phone.sync()
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    headers = world.headers["supervisor1"]
    conflict_id = client.get("/api/conflicts", headers=headers).json()[0]["id"]
    choice = {"value": "pass", "note": "复核"}
    resolved = client.post(f"/api/conflicts/{conflict_id}/resolve", json=choice, headers=headers)
    assert resolved.status_code == 200, resolved.text
    phone.sync()
    phone.transition(inspection_id, "submitted")
    phone.sync()
    phone.set(inspection_id, {"notes": "补充说明"})
    phone.sync()
    review(client, world, inspection_id, action="return", reason="请补充照片")
    phone.sync()
    phone.transition(inspection_id, "submitted")
    phone.sync()
    review(client, world, inspection_id, action="approve")
    return inspection_id


FLOW = [
    "conflict.opened",
    "conflict.resolved",
    "inspection.submitted",
    "inspection.edited",
    "inspection.returned",
    "inspection.submitted",
    "inspection.approved",
]


def test_the_workflow_is_in_the_feed_in_order_and_in_scope(client: Client, world: World, probe: None) -> None:
    inspection_id = workflow(client, world)
    feed = events(client, world)
    assert [e["kind"] for e in feed] == FLOW
    assert {e["inspection_id"] for e in feed} == {inspection_id}
    assert {e["site_id"] for e in feed} == {world.sites[SHOP]}
    assert feed[1]["payload"]["value"] == "pass"
    assert feed[1]["payload"]["conflict_id"] == feed[0]["payload"]["conflict_id"]
    assert (feed[4]["payload"]["from"], feed[4]["payload"]["reason"]) == ("submitted", "请补充照片")
    assert [e["seq"] for e in feed] == sorted(e["seq"] for e in feed)
    assert events(client, world, "supervisor1") == feed
    assert events(client, world, "supervisor2") == []  # another district
    page = client.get("/api/events", params={"after": feed[2]["seq"], "limit": 2}, headers=world.headers["admin"])
    assert [e["kind"] for e in page.json()["events"]] == FLOW[3:5]
    assert (page.json()["last_seq"], page.json()["has_more"]) == (feed[4]["seq"], True)
    forbidden = client.get("/api/events", headers=world.headers["inspector1"])
    assert forbidden.status_code == 403
    assert forbidden.json()["type"] == PROBLEM + "forbidden"


def test_webhooks_are_for_admins_with_http_urls_and_known_kinds(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    body = {"url": "https://example.test/hook", "kinds": ["action.closed", "inspection.approved"], "secret": SECRET}
    created = client.post("/api/webhooks", json=body, headers=admin)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert "secret" not in hook and SECRET not in created.text
    assert hook["kinds"] == ["inspection.approved", "action.closed"]
    assert [h["id"] for h in client.get("/api/webhooks", headers=admin).json()] == [hook["id"]]
    for url in ("ftp://example.test/", "file:///etc/passwd", "example.test/hook"):
        refused = client.post("/api/webhooks", json={**body, "url": url}, headers=admin)
        assert (refused.status_code, refused.json()["type"]) == (422, PROBLEM + "webhook-target-refused"), url
    unknown = client.post("/api/webhooks", json={**body, "kinds": ["inspection.burnt"]}, headers=admin)
    assert (unknown.status_code, unknown.json()["type"]) == (422, PROBLEM + "invalid-input")
    assert "inspection.burnt" in unknown.json()["detail"]
    short = client.post("/api/webhooks", json={**body, "secret": "short"}, headers=admin)
    assert (short.status_code, short.json()["type"]) == (400, PROBLEM + "invalid-body")
    for user in ("supervisor1", "inspector1"):
        assert client.post("/api/webhooks", json=body, headers=world.headers[user]).status_code == 403
        assert client.get("/api/webhooks", headers=world.headers[user]).status_code == 403
    assert client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=admin).json() == []
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=admin).status_code == 204
    gone = client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=admin)
    assert (gone.status_code, gone.json()["type"]) == (404, PROBLEM + "not-found")
    assert client.delete(f"/api/webhooks/{hook['id']}", headers=admin).status_code == 404


def test_a_real_receiver_gets_every_event_once_in_order_signed_after_retries(
    client: Client, world: World, probe: None, app: Litestar, loopback: Loopback
) -> None:
    body = {"url": loopback.url, "kinds": FLOW[1:], "secret": SECRET}  # not conflict.opened
    hook = client.post("/api/webhooks", json=body, headers=world.headers["admin"]).json()
    workflow(client, world)
    post, policy = pinned_post(5, parse_networks(LOOPBACK)), DeliveryPolicy(base_s=2, max_attempts=5)
    store = app.state.store
    assert deliver_due(store, post, T0, policy=policy) == 1  # 500: retry in 2 s
    assert deliver_due(store, post, T0 + 1, policy=policy) == 0
    assert deliver_due(store, post, T0 + 2, policy=policy) == 1  # 502: retry in 4 s
    assert deliver_due(store, post, T0 + 6, policy=policy) == 6  # then all six, in order
    assert deliver_due(store, post, T0 + 60, policy=policy) == 0  # exactly once
    received = loopback.events()
    expected = [e for e in events(client, world) if e["kind"] != "conflict.opened"]
    assert received[2:] == expected
    assert [e["seq"] for e in received[:3]] == [expected[0]["seq"]] * 3
    for raw, headers in loopback.got:
        signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Xunjian-Signature"], signature)
        assert headers["Content-Type"] == "application/json"
    log = client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=world.headers["admin"]).json()
    first = [d for d in reversed(log) if d["event_seq"] == expected[0]["seq"]]
    assert [(d["attempt"], d["outcome"], d["status_code"]) for d in first] == [
        (1, "retrying", 500),
        (2, "retrying", 502),
        (3, "delivered", 200),
    ]
    assert [d["outcome"] for d in log[:6]] == ["delivered"] * 6


def test_the_background_task_delivers_and_stops_with_the_app(settings: Settings, loopback: Loopback) -> None:
    loopback.script.clear()
    app = create_app(replace(settings, demo=True, webhook_poll_s=0.01))
    with TestClient(app) as client:
        admin = bearer(login(client, "admin"))
        body = {"url": loopback.url, "kinds": ["inspection.approved", "inspection.submitted"], "secret": SECRET}
        assert client.post("/api/webhooks", json=body, headers=admin).status_code == 201
        assert client.post("/api/checklists", json=SYNC_TEMPLATE, headers=admin).status_code == 201
        phone = device(client)
        sites = {s["name"]: s["id"] for s in client.get("/api/sites", headers=admin).json()}
        inspection_id = phone.create(sites[SHOP], "sync_probe")
        phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
        phone.transition(inspection_id, "submitted")
        phone.sync()
        assert loopback.arrived.wait(30)
        task = app.state.webhook_task
    assert task.done()
    assert [e["kind"] for e in loopback.events()] == ["inspection.submitted"]


TARGET_BODY = {"kinds": ["action.closed"], "secret": SECRET}


def test_every_spelling_of_an_internal_target_is_refused_with_a_problem_naming_why(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, demo=True, webhook_allow_networks=""))) as client:
        admin = bearer(login(client, "admin"))
        for url, why in REFUSED:
            refused = client.post("/api/webhooks", json={**TARGET_BODY, "url": url}, headers=admin)
            problem = refused.json()
            assert (refused.status_code, problem["type"]) == (422, PROBLEM + "webhook-target-refused"), url
            assert why in problem["detail"], (url, problem["detail"])
        assert client.get("/api/webhooks", headers=admin).json() == []


def test_the_allow_setting_opens_the_networks_it_names(settings: Settings) -> None:
    allowed = Settings.from_env({"XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8, 10.20.0.0/16"})
    assert [str(n) for n in allowed.webhook_networks] == ["127.0.0.0/8", "10.20.0.0/16"]
    with pytest.raises(ValueError, match="does not appear"):
        Settings.from_env({"XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "10.0.0.0/8,intranet"})
    app = create_app(replace(settings, demo=True, webhook_poll_s=0, webhook_allow_networks="127.0.0.0/8"))
    with TestClient(app) as client:
        admin = bearer(login(client, "admin"))
        for url in ("http://127.0.0.1:9/hook", "http://0x7f.1:9/hook", "http://localhost:9/hook"):
            taken = client.post("/api/webhooks", json={**TARGET_BODY, "url": url}, headers=admin)
            assert taken.status_code == 201, (url, taken.text)
        refused = client.post("/api/webhooks", json={**TARGET_BODY, "url": "http://10.0.0.1/"}, headers=admin)
        assert refused.json()["type"] == PROBLEM + "webhook-target-refused"
        assert "private" in refused.json()["detail"]

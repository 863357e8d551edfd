"""Security headers on every response and JSON-only request bodies (issue 14), through the real app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.app import create_app
from server.settings import Settings
from tests.clients import Client, World, assert_problem, device, started

API_CSP = "default-src 'none'; frame-ancestors 'none'"


def assert_always(response: Any) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_json_answers_get_every_header(client: Client, world: World) -> None:
    signed_in = client.get("/api/sites", headers=world.headers["inspector1"])
    assert signed_in.status_code == 200
    assert_always(signed_in)
    assert signed_in.headers["content-security-policy"] == API_CSP
    assert signed_in.headers["cache-control"] == "no-store"
    health = client.get("/api/health")  # no credentials: nothing personal to keep out of caches
    assert_always(health)
    assert health.headers["content-security-policy"] == API_CSP
    assert "no-store" not in health.headers.get("cache-control", "")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/sites/nope", 404), ("GET", "/api/no-such-route", 404), ("DELETE", "/api/sites", 405)],
)
def test_problems_and_routing_answers_get_them_too(
    client: Client, world: World, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, headers=world.headers["inspector1"])
    assert response.status_code == status
    assert_always(response)
    assert response.headers["content-security-policy"] == API_CSP
    assert response.headers["cache-control"] == "no-store"
    anonymous = client.get("/api/sites")
    assert_problem(anonymous, 401, "unauthorized")
    assert_always(anonymous)
    assert anonymous.headers["content-security-policy"] == API_CSP


def test_a_handler_that_chose_its_caching_keeps_it(client: Client, world: World) -> None:
    schema = client.get("/api/checklists/market_order/versions/1/schema", headers=world.headers["inspector1"])
    assert schema.status_code == 200
    assert "immutable" in schema.headers["cache-control"]  # a published version never changes
    assert schema.headers["content-security-policy"] == API_CSP


def test_the_csv_type_names_its_charset_once(client: Client, world: World) -> None:
    response = client.get("/api/exports/inspections.csv", headers=world.headers["supervisor1"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture
def app_dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>巡检</title>", encoding="utf-8")
    return dist


def test_the_app_page_keeps_its_own_policy(settings: Settings, app_dist: Path) -> None:
    with TestClient(create_app(replace(settings, pwa_dist=app_dist))) as client:
        page = client.get("/app/")
    assert page.status_code == 200
    assert_always(page)
    assert "script-src 'self'" in page.headers["content-security-policy"]  # the app runs; the API's would stop it


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", None],
)
def test_a_json_body_needs_the_json_type(client: Client, world: World, content_type: str | None) -> None:
    body = b'{"username": "inspector1", "password": "x", "device_name": "d"}'
    headers = {} if content_type is None else {"Content-Type": content_type}
    login = client.post("/api/auth/login", content=body, headers=headers)
    assert_problem(login, 415, "unsupported-media-type")
    headers |= world.headers["supervisor1"]
    plan = client.post("/api/schedules", content=b'{"site_id": "x"}', headers=headers)
    assert_problem(plan, 415, "unsupported-media-type")


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_types_are_accepted(client: Client, content_type: str) -> None:
    body = b'{"username": "inspector1", "password": "demo-wrong", "device_name": "d"}'
    response = client.post("/api/auth/login", content=body, headers={"Content-Type": content_type})
    assert_problem(response, 401, "unauthorized")  # read and judged: the type was accepted


def test_a_push_with_another_type_is_refused(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    started(client, world, phone)
    sent = {**phone.headers, "Content-Type": "text/plain"}
    response = client.post("/api/sync/push", content=b'{"client_id": "x", "ops": []}', headers=sent)
    assert_problem(response, 415, "unsupported-media-type")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as server:
        yield server


def test_the_fast_lane_keeps_the_rule_and_sends_the_headers(live: LiveServer) -> None:
    http = live.client("inspector1")
    phone = Device(http, http.headers["Authorization"].partition(" ")[2], "phone")
    phone.create(http.get("/api/sites").json()[0]["id"], "supermarket_service")
    batch = httpx.Request("POST", "/", json={"client_id": phone.client_id, "ops": phone.pending()}).read()
    refused = http.post("/api/sync/push", content=batch, headers={"Content-Type": "text/plain"})
    assert_problem(refused, 415, "unsupported-media-type")
    assert live.lane.answered == 0
    answered = http.post("/api/sync/push", content=batch, headers={"Content-Type": "application/json"})
    assert answered.status_code == 200
    assert live.lane.answered == 1
    assert_always(answered)
    assert answered.headers["content-security-policy"] == API_CSP
    assert answered.headers["cache-control"] == "no-store"

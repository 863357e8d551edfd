"""Deeply nested JSON (issue 14, item 2): refused with a 400 problem before it is decoded, on every route.

A body nested ~1,000 deep made login (no token needed), the answer check, the push, review and
every other JSON route fail with ``RecursionError`` (500).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from bench.live import serve, server_settings
from server.nesting import MAX_DEPTH, too_deep
from tests.clients import Client, World, assert_problem, started
from tests.clients import device as new_device

DEEP_ARRAY = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
DEEP_UNCLOSED = b'{"answers": ' + b"[" * 1000
DEEP_BODIES = [DEEP_ARRAY, DEEP_OBJECT, DEEP_UNCLOSED]
JSON = {"content-type": "application/json"}


def nested(depth: int) -> bytes:
    return json.dumps(json.loads("[" * depth + "]" * depth)).encode()


def test_depth_is_counted_outside_strings_and_escapes() -> None:
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert too_deep(b'{"a": ' + nested(MAX_DEPTH) + b"}")
    assert not too_deep(json.dumps({"text": "[" * 500, "more": '{{{\\"[[[', "x": [1, {"y": "]]]"}]}).encode())
    assert not too_deep(json.dumps(["\\", "[[[" * 100, '"' * 10, "\\\\[", "\n["]).encode())
    assert not too_deep(b"[" + b"[1,{}]," * 5000 + b"[]]")  # long, shallow
    assert too_deep(b"[" + b"[1,{}]," * 5000 + nested(MAX_DEPTH) + b"]")
    assert too_deep(DEEP_UNCLOSED)
    assert not too_deep(b"")


def routes_with_bodies(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) that takes a body, its path parameters filled in."""
    found = []
    for route in app.routes:
        path = route.path.replace("{version:int}", "1")
        while "{" in path:
            start = path.index("{")
            path = path[:start] + "x" + path[path.index("}", start) + 1 :]
        found += [
            (method, path) for method in sorted(getattr(route, "methods", ())) if method in ("POST", "PUT", "PATCH")
        ]
    return found


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["array", "object", "unclosed"])
def test_no_route_answers_a_deep_body_with_a_server_error(
    client: Client, world: World, app: Litestar, body: bytes
) -> None:
    routes = routes_with_bodies(app)
    assert ("POST", "/api/auth/login") in routes and ("POST", "/api/sync/push") in routes
    for method, path in routes:
        for headers in ({}, world.headers["admin"], world.headers["inspector1"]):
            response = client.request(method, path, content=body, headers={**JSON, **headers})
            assert response.status_code < 500, (method, path, response.text)


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["array", "object", "unclosed"])
def test_login_check_push_review_and_publish_refuse_a_deep_body(
    client: Client, world: World, probe: None, body: bytes
) -> None:
    inspection_id = started(client, world, new_device(client))
    for path, who in [
        ("/api/auth/login", None),
        ("/api/checklists/sync_probe/versions/1/check", "inspector1"),
        ("/api/sync/push", "inspector1"),
        (f"/api/inspections/{inspection_id}/review", "supervisor1"),
        ("/api/checklists", "admin"),
    ]:
        headers = {**JSON, **(world.headers[who] if who else {})}
        body_problem = assert_problem(client.post(path, content=body, headers=headers), 400, "too-deeply-nested")
        assert str(MAX_DEPTH) in str(body_problem["detail"])


def test_the_push_fast_lane_refuses_a_deep_body_as_the_route_does(tmp_path: Path) -> None:
    with serve(server_settings(tmp_path)) as live:
        http = live.client("inspector1")
        for body in DEEP_BODIES:
            assert_problem(http.post("/api/sync/push", content=body, headers=JSON), 400, "too-deeply-nested")
        assert live.lane.answered == 0
        ok: Any = http.post("/api/sync/push", json={"client_id": "0190a0c4-1234-7abc-8def-0123456789ab", "ops": []})
        assert ok.status_code == 200 and live.lane.answered == 1

"""The push's fast lane over real HTTP: pushes that go well are answered there, the rest by the route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.routes.sync import PushResponse, push_answer, result_body
from sync.engine.ops import FieldResult, OpResult, PushResult, Rejection

CLIENT = "0190a0c4-1234-7abc-8def-0123456789ab"
EMPTY = b'{"client_id": "%s", "ops": []}' % CLIENT.encode()
HUGE = b'{"client_id": "%s", "ops": "' % CLIENT.encode() + b"x" * (17 * 1024 * 1024) + b'"}'  # over 16 MiB
PROBLEM = "application/problem+json"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as server:
        yield server


def token(client: httpx.Client) -> str:
    return client.headers["Authorization"].partition(" ")[2]


def shop(client: httpx.Client) -> str:
    site: str = client.get("/api/sites").json()[0]["id"]
    return site


def test_a_push_that_goes_well_is_answered_by_the_fast_lane(live: LiveServer) -> None:
    http = live.client("inspector1")
    phone = Device(http, token(http), "phone")
    inspection_id = phone.create(shop(http), "supermarket_service")
    phone.set(inspection_id, {"sales_area_m2": 800.0})
    sent = {"client_id": phone.client_id, "ops": phone.pending()}
    first = http.post("/api/sync/push", json=sent)
    assert live.lane.answered == 1
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert int(first.headers["content-length"]) == len(first.content)
    assert [r["outcome"] for r in first.json()["results"]] == ["applied", "applied"]
    again = http.post("/api/sync/push", json=sent)  # a lost answer, the same push resent
    assert live.lane.answered == 2
    assert again.json()["results"] == first.json()["results"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"sales_area_m2": 800.0}
    assert http.get("/api/health").json()["status"] == "ok"  # other routes pass through


def test_an_op_rejected_inside_a_push_is_still_answered_there(live: LiveServer) -> None:
    http = live.client("inspector1")
    phone = Device(http, token(http), "phone")
    inspection_id = phone.create(shop(http), "supermarket_service")
    phone.set(inspection_id, {"sales_area_m2": "很大"})
    results = phone.push()
    assert [r["outcome"] for r in results] == ["applied", "rejected"]
    assert results[1]["problem"]["type"] == "urn:xunjian:problem:invalid-answers"
    assert results[1]["problem"]["status"] == 422
    assert live.lane.answered == 1


@pytest.mark.parametrize(
    ("headers", "body", "status", "slug"),
    [
        ({}, EMPTY, 401, "unauthorized"),
        ({"Authorization": "Bearer not-a-token"}, EMPTY, 401, "unauthorized"),
        (None, b'{"client_id": ', 400, "bad-request"),
        (None, b'{"client_id": "not-a-uuid", "ops": []}', 400, "invalid-body"),
        (None, HUGE, 413, "body-too-large"),
    ],
)
def test_a_push_the_lane_does_not_answer_gets_the_routes_problem(
    live: LiveServer, headers: dict[str, str] | None, body: bytes, status: int, slug: str
) -> None:
    http = live.client("inspector1")
    sent = {**(dict(http.headers) if headers is None else headers), "Content-Type": "application/json"}
    response = httpx.post(f"{live.url}/api/sync/push", content=body, headers=sent, timeout=30)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["type"] == f"urn:xunjian:problem:{slug}"
    assert live.lane.answered == 0
    assert http.get("/api/health").json()["status"] == "ok"


def test_a_batch_refused_whole_is_refused_by_the_route_and_changes_nothing(live: LiveServer) -> None:
    first, second = live.client("inspector1"), live.client("inspector2")
    owner = Device(first, token(first), "owner")
    inspection_id = owner.create(shop(first), "supermarket_service")
    owner.push()
    assert live.lane.answered == 1
    thief = Device(second, token(second), "thief", client_id=owner.client_id)
    thief.create(shop(first), "supermarket_service")
    response = second.post("/api/sync/push", json={"client_id": owner.client_id, "ops": thief.pending()})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    assert live.lane.answered == 1
    owner.pull()
    assert list(owner.server) == [inspection_id]


def test_the_lanes_answer_is_the_routes_response_byte_for_byte() -> None:
    result = PushResult(
        [
            OpResult(CLIENT, 1, "applied", 7),
            OpResult(CLIENT, 2, "conflict", 8, [FieldResult("licence", "conflict", 5, "c-1")], ["c-1"]),
            OpResult(CLIENT, 3, "rejected", 9, problem=Rejection("invalid-answers", "1 answer", [{"pointer": "/x"}])),
            OpResult(CLIENT, 4, "gap", problem=Rejection("sequence-gap", "resend from 3")),
        ],
        9,
        123,
    )
    route = msgspec.json.encode(PushResponse([result_body(r) for r in result.results], 9, 123))
    assert push_answer(result) == route
    assert msgspec.json.decode(route)["results"][2]["problem"]["status"] == 422

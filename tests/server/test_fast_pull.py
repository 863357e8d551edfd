"""The pull's fast lane over real HTTP: pulls that go well answered there as the route would, the rest by it."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import brotli
import httpx
import pytest

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.fast_pull import compressed, pull_query
from server.params import SEQ_MAX

PROBLEM = "application/problem+json"
SAME = ("content-type", "content-encoding", "vary", "cache-control", "content-security-policy", "referrer-policy")
VIA_ROUTE = "&route=1"  # a parameter the route ignores and the lane leaves to it


@pytest.fixture
def live(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path, database_url=database_url)) as server:  # SQLite, or PostgreSQL on that backend
        yield server


def token(client: httpx.Client) -> str:
    return client.headers["Authorization"].partition(" ")[2]


def filled(live: LiveServer, inspections: int = 1) -> httpx.Client:
    """inspector1 signed in, with inspections pushed that have answers and a failed item."""
    http = live.client("inspector1")
    phone = Device(http, token(http), "phone")
    site = http.get("/api/sites").json()[0]["id"]
    for _ in range(inspections):
        inspection_id = phone.create(site, "supermarket_service")
        phone.set(inspection_id, {"sales_area_m2": 800.0, "consumer_rights": "fail", "good_faith": "pass"})
    phone.push()
    return http


class Sent(NamedTuple):
    """An answer as it came over the wire: status, headers, body not decoded."""

    status_code: int
    headers: httpx.Headers
    content: bytes


def raw(http: httpx.Client, query: str, coding: str = "identity") -> Sent:
    """A pull with the query as written and the coding asked for."""
    headers = {"Authorization": http.headers["Authorization"], "Accept-Encoding": coding}
    with (
        httpx.Client(base_url=str(http.base_url), timeout=30) as plain,
        plain.stream("GET", f"/api/sync/pull?{query}", headers=headers) as response,
    ):
        return Sent(response.status_code, response.headers, b"".join(response.iter_raw()))


@pytest.mark.parametrize("query", ["checkpoint=0&limit=100&epoch=", "checkpoint=0", "", "limit=1", "checkpoint=3"])
def test_a_pull_that_goes_well_is_answered_by_the_lane_as_the_route_answers_it(live: LiveServer, query: str) -> None:
    http = filled(live)
    by_route = raw(http, query + VIA_ROUTE)
    assert live.lane.pulls_answered == 0
    by_lane = raw(http, query)
    assert live.lane.pulls_answered == 1
    assert (by_lane.status_code, by_route.status_code) == (200, 200)
    assert by_lane.content == by_route.content
    assert int(by_lane.headers["content-length"]) == len(by_lane.content)
    assert {k: by_lane.headers.get(k) for k in SAME} == {k: by_route.headers.get(k) for k in SAME}


@pytest.mark.parametrize(("coding", "sent"), [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("identity", None)])
def test_the_lane_compresses_a_large_pull_as_the_app_does(live: LiveServer, coding: str, sent: str | None) -> None:
    http = filled(live, inspections=6)
    by_route, by_lane = raw(http, "checkpoint=0" + VIA_ROUTE, coding), raw(http, "checkpoint=0", coding)
    assert live.lane.pulls_answered == 1
    assert by_lane.headers.get("content-encoding") == by_route.headers.get("content-encoding") == sent
    assert by_lane.headers.get("vary") == by_route.headers.get("vary")
    assert decoded(by_lane) == decoded(by_route)
    assert len(decoded(by_lane)) >= 1024


def test_a_small_pull_goes_uncompressed_and_no_compressor_is_made() -> None:
    assert compressed(b'{"documents":[]}', "br") == (b'{"documents":[]}', [])
    body = b'{"values":"' + b"a" * 2000 + b'"}'
    packed, headers = compressed(body, "gzip, br")
    assert brotli.decompress(packed) == body and dict(headers)[b"content-encoding"] == b"br"


def decoded(response: Sent) -> bytes:
    """The body as sent, decoded by the coding its headers name."""
    coding = response.headers.get("content-encoding")
    if coding == "br":
        return bytes(brotli.decompress(response.content))
    return gzip.decompress(response.content) if coding == "gzip" else response.content


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=0", 400),
        ("limit=501", 400),
        ("checkpoint=-1", 400),
        (f"checkpoint={SEQ_MAX + 1}", 400),
        ("checkpoint=abc", 400),
        ("checkpoint=1&checkpoint=2", 400),
        ("epoch=" + "e" * 65, 400),
    ],
)
def test_a_pull_the_lane_does_not_take_gets_the_routes_problem(live: LiveServer, query: str, status: int) -> None:
    http = filled(live)
    response = raw(http, query)
    assert response.status_code == status, response.content[:300]
    assert response.headers["content-type"].startswith(PROBLEM)
    assert live.lane.pulls_answered == 0
    assert raw(http, query + VIA_ROUTE).status_code == status


def test_a_revoked_token_is_refused_at_once_on_the_lane(live: LiveServer) -> None:
    http = filled(live)
    assert raw(http, "checkpoint=0").status_code == 200
    assert live.lane.pulls_answered == 1
    device_id = http.get("/api/auth/me").json()["device_id"]
    assert http.delete(f"/api/auth/devices/{device_id}").status_code in (200, 204)
    refused = raw(http, "checkpoint=0")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert live.lane.pulls_answered == 1
    anonymous = httpx.get(f"{live.url}/api/sync/pull", timeout=30)
    assert anonymous.status_code == 401 and live.lane.pulls_answered == 1


@pytest.mark.parametrize(
    ("query", "read"),
    [
        (b"", (0, 100, "")),
        (b"checkpoint=12&limit=500&epoch=0190a0c4-1234_x", (12, 500, "0190a0c4-1234_x")),
        (b"epoch=&limit=1", (0, 1, "")),
        (b"checkpoint=%d" % SEQ_MAX, (SEQ_MAX, 100, "")),
    ],
)
def test_the_lane_reads_a_plain_query(query: bytes, read: tuple[int, int, str]) -> None:
    assert pull_query(query) == read


@pytest.mark.parametrize(
    "query",
    [
        b"checkpoint",
        b"checkpoint=",
        b"checkpoint=+1",
        b"checkpoint=%31",
        b"checkpoint=1&checkpoint=1",
        b"limit=0",
        b"limit=501",
        b"other=1",
        b"epoch=a%20b",
        b"epoch=" + b"e" * 65,
        b"&",
        b"checkpoint=%d" % (SEQ_MAX + 1),
    ],
)
def test_the_lane_leaves_any_other_query_to_the_route(query: bytes) -> None:
    assert pull_query(query) is None

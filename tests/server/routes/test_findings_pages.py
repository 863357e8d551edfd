"""Paged findings and events over HTTP: the next page in a ``Link`` header, a tampered cursor a problem."""

from __future__ import annotations

import re
from typing import Any

from bench.device import Device
from tests.clients import SHOP, Client, World, device, problem_type


def submitted(world: World, phone: Device, answers: dict[str, Any]) -> None:
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, answers)
    phone.transition(inspection_id, "submitted")
    phone.sync()
    assert phone.server[inspection_id]["status"] == "submitted"


def follow(client: Client, world: World, url: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
    """Every page from ``url``, following ``rel="next"`` links until a response has none."""
    pages: list[list[Any]] = []
    while True:
        response = client.get(url, params=params, headers=world.headers["supervisor1"])
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body if isinstance(body, list) else body["events"])
        link = response.headers.get("link")
        if link is None:
            return pages
        found = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        assert found, link
        url, params = found.group(1), None


def test_findings_page_by_cursor_newest_first_keeping_the_filters(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    for temperature in (-10, -11, -12):
        submitted(world, phone, {"licence": "fail", "frozen_temp": temperature})
    every = client.get("/api/findings", headers=world.headers["supervisor1"]).json()
    assert len(every) == 6
    pages = follow(client, world, "/api/findings", {"limit": 4, "status": "open"})
    assert [len(page) for page in pages] == [4, 2]
    assert [f["id"] for page in pages for f in page] == [f["id"] for f in every]
    critical = follow(client, world, "/api/findings", {"limit": 1, "severity": "critical"})
    assert [f["pointer"] for page in critical for f in page] == ["/licence"] * 3


def test_a_tampered_or_foreign_cursor_is_an_invalid_input_problem(client: Client, world: World, probe: None) -> None:
    for cursor in ("%%%", "WzEsMl0", "eyJhIjoxfQ"):  # not base64 JSON; [1,2]; {"a":1}
        response = client.get("/api/findings", params={"cursor": cursor}, headers=world.headers["supervisor1"])
        assert response.status_code == 422, response.text  # invalid-input, as every InvalidInput
        assert problem_type(response) == "invalid-input"
    too_many = client.get("/api/findings", params={"limit": 1001}, headers=world.headers["supervisor1"])
    assert too_many.status_code == 400


def test_events_link_to_their_next_page_after_the_last_seq(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    for temperature in (-10, -11, -12):
        submitted(world, phone, {"licence": "fail", "frozen_temp": temperature})
    every = client.get("/api/events", headers=world.headers["supervisor1"]).json()["events"]
    assert len(every) >= 3
    pages = follow(client, world, "/api/events", {"limit": 2})
    assert [e["seq"] for page in pages for e in page] == [e["seq"] for e in every]
    assert all(len(page) == 2 for page in pages[:-1])

"""The review queue in keyset pages: ``limit`` rows a page, the next one in the ``Link`` header, every row once
while rows change between pages, score filters kept across pages, and a tampered cursor refused."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from sync.review import queue
from tests.clients import SHOP, Client, World, assert_problem, device


@pytest.fixture(params=["few sites", "wide scope"])
def scope_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways the queue reads: each site through its index, or along the updated_seq index for a wide scope."""
    if request.param == "wide scope":
        monkeypatch.setattr(queue, "FEW_SITES", 0)


NEXT = re.compile(r'^<([^>]+)>; rel="next"$')


def next_link(response: Any) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    match = NEXT.match(link)
    assert match is not None, link
    return match[1]


def pages(client: Client, world: World, **params: Any) -> list[list[str]]:
    """Every page's ids, following the Link header from the first page."""
    headers = world.headers["supervisor1"]
    response = client.get("/api/inspections", params=params, headers=headers)
    found = []
    while True:
        assert response.status_code == 200, response.text
        found.append([row["id"] for row in response.json()])
        url = next_link(response)
        if url is None:
            return found
        response = client.get(url, headers=headers)


def made(client: Client, world: World, answers: list[dict[str, Any]]) -> list[str]:
    """Inspections of the probe checklist, one per answers, oldest first."""
    phone = device(client)
    ids = []
    for values in answers:
        ids.append(phone.create(world.sites[SHOP], "sync_probe"))
        phone.set(ids[-1], values)
        phone.sync()
    return ids


def test_pages_follow_the_link_newest_change_first_without_repeats(
    client: Client, world: World, probe: None, scope_path: None
) -> None:
    ids = made(client, world, [{"licence": "pass", "frozen_temp": -20 - n} for n in range(7)])
    found = pages(client, world, checklist_id="sync_probe", limit=3)
    assert [len(page) for page in found] == [3, 3, 1]
    assert [i for page in found for i in page] == ids[::-1]
    one_page = pages(client, world, checklist_id="sync_probe", limit=7)
    assert one_page == [ids[::-1]]  # exactly a page: no link to an empty one


def test_rows_changing_between_pages_are_neither_repeated_nor_skipped(
    client: Client, world: World, probe: None, scope_path: None
) -> None:
    ids = made(client, world, [{"licence": "pass", "frozen_temp": -20 - n} for n in range(6)])
    headers = world.headers["supervisor1"]
    first = client.get("/api/inspections", params={"checklist_id": "sync_probe", "limit": 2}, headers=headers)
    seen = [row["id"] for row in first.json()]
    assert seen == [ids[5], ids[4]]
    phone = device(client, name="second")
    phone.set(ids[5], {"frozen_temp": -30})  # a row already seen changes: it moves to the front
    newer = phone.create(world.sites[SHOP], "sync_probe")  # a new row, also in front
    phone.sync()
    url = next_link(first)
    assert url is not None
    while url is not None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        seen += [row["id"] for row in response.json()]
        url = next_link(response)
    assert seen == [ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]
    assert newer not in seen


def test_score_filters_page_in_sql(client: Client, world: World, probe: None, scope_path: None) -> None:
    failing = [{"licence": "pass", "frozen_temp": -10}, {"licence": "fail", "frozen_temp": -20}]
    # scores 100 (pass) where n % 3 == 0, else 75 (fail) for even n, 25 (fail, critical) for odd n
    ids = made(client, world, [failing[n % 2] if n % 3 else {"licence": "pass", "frozen_temp": -20} for n in range(9)])
    fails = [i for n, i in enumerate(ids) if n % 3]
    found = pages(client, world, checklist_id="sync_probe", verdict="fail", limit=2)
    assert [i for page in found for i in page] == fails[::-1]
    assert all(len(page) == 2 for page in found[:-1])
    high = pages(client, world, checklist_id="sync_probe", min_score=75, limit=1)
    assert [i for page in high for i in page] == [i for n, i in enumerate(ids) if n % 3 == 0 or n % 2 == 0][::-1]


def test_a_tampered_cursor_is_refused_as_a_problem(client: Client, world: World, probe: None) -> None:
    made(client, world, [{"licence": "pass", "frozen_temp": -20}] * 2)
    headers = world.headers["supervisor1"]
    first = client.get("/api/inspections", params={"checklist_id": "sync_probe", "limit": 1}, headers=headers)
    url = next_link(first)
    assert url is not None
    cursor = url.rsplit("cursor=", 1)[1]
    for bad in (
        cursor[:-2],
        "not a cursor",
        base64.urlsafe_b64encode(b'["1", 2]').decode(),
        base64.urlsafe_b64encode(b"[1]").decode(),
    ):
        response = client.get("/api/inspections", params={"cursor": bad}, headers=headers)
        assert_problem(response, 422, "invalid-input")  # sync.db.paging refuses it as invalid input

"""Query parameters out of bounds are problems naming the parameter, never 500s (issue 14, item 2).

A number past its bounds is ``invalid-body`` (400) like any parameter of the wrong type; a date,
month or quarter that is malformed, does not exist or lies outside 1900–2100 is ``invalid-input``
(422), as a malformed month always was.

Each of these answered 500 before (a date that does not exist, a year past 9999 or before 1,
a sequence past what SQLite holds, a cursor holding such a number).
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.clients import Client, World, assert_problem

TOO_BIG = str(2**63)


def cursor(key: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


BODY, INPUT = (400, "invalid-body"), (422, "invalid-input")
REFUSED = [
    ("/api/schedules/coverage?first=0000-00-00&last=2026-01-01", "first", INPUT),
    ("/api/schedules/coverage?first=2026-02-30&last=2026-03-31", "first", INPUT),
    ("/api/schedules/coverage?first=2026-01-01&last=9999-12-31", "last", INPUT),
    ("/api/schedules/duplicates?since=0001-01-01", "since", INPUT),
    (f"/api/sync/pull?checkpoint={TOO_BIG}", "checkpoint", BODY),
    (f"/api/events?after={TOO_BIG}", "after", BODY),
    ("/api/reports/monthly?month=9999-12", "month", INPUT),
    ("/api/reports/monthly?month=0000-01", "month", INPUT),
    ("/api/reports/quarterly?quarter=9999-Q4", "quarter", INPUT),
    ("/api/reports/quarterly?quarter=1899-Q4", "quarter", INPUT),
    ("/api/inspections?since=0000-00-00", "since", INPUT),
    ("/api/inspections?until=2026-02-30", "until", INPUT),
    ("/api/inspections?since=9999-12-31", "since", INPUT),
]


@pytest.mark.parametrize(("url", "parameter", "expected"), REFUSED)
def test_a_parameter_out_of_bounds_is_a_problem_naming_it(
    client: Client, world: World, url: str, parameter: str, expected: tuple[int, str]
) -> None:
    body = assert_problem(client.get(url, headers=world.headers["admin"]), *expected)
    assert [e["pointer"] for e in body["errors"]] == [f"/{parameter}"]  # type: ignore[attr-defined]
    assert parameter in str(body["detail"])


def test_bounds_take_the_whole_range(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    for url in [
        "/api/schedules/coverage?first=1900-01-01&last=2100-12-31",
        "/api/reports/monthly?month=1900-01",
        "/api/reports/quarterly?quarter=2100-Q4",
        f"/api/sync/pull?checkpoint={2**63 - 1}",
        f"/api/events?after={2**63 - 1}",
        "/api/inspections?since=1900-01-01&until=2100-12-31",
    ]:
        assert client.get(url, headers=admin).status_code == 200, url


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_plan_starts_within_the_years_served(client: Client, world: World, day: str) -> None:
    body = {"site_id": next(iter(world.sites.values())), "checklist_id": "night_market", "kind": "daily_check"}
    response = client.post("/api/schedules/", json={**body, "starts_on": day}, headers=world.headers["supervisor1"])
    problem = assert_problem(response, 422, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == ["/starts_on"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", [[2**64, "a", "b"], [-(2**64), "a", "b"], [2**63, "a", "b"]])
def test_a_cursor_holding_a_number_past_64_bits_is_refused(client: Client, world: World, key: list[object]) -> None:
    for listing in ("/api/findings", "/api/inspections"):
        response = client.get(listing, params={"cursor": cursor(key)}, headers=world.headers["admin"])
        assert_problem(response, 422, "invalid-input")

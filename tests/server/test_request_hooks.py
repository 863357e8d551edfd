"""What runs before every handler: OPTIONS names every method of its path; bodies and days are read strictly."""

from __future__ import annotations

import pytest

from tests.clients import Client, World, assert_problem


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/checklists", {"GET", "POST", "OPTIONS"}),
        ("/api/schedules", {"GET", "POST", "OPTIONS"}),
        ("/api/users", {"GET", "POST", "OPTIONS"}),
        ("/api/uploads/some-id", {"HEAD", "PATCH", "DELETE", "OPTIONS"}),
    ],
)
def test_options_allows_every_method_of_the_path(client: Client, path: str, methods: set[str]) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.content == b""
    assert {m.strip() for m in response.headers["allow"].split(",")} == methods


def test_tus_discovery_names_every_method_too(client: Client) -> None:
    response = client.options("/api/uploads")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"POST", "OPTIONS"}


@pytest.mark.parametrize("value", [0, 1, "true", "false"])
def test_a_json_boolean_must_be_a_boolean(client: Client, world: World, value: object) -> None:
    url = f"/api/users/{world.users['inspector1']}/active"
    response = client.put(url, json={"active": value}, headers=world.headers["admin"])
    body = assert_problem(response, 400, "invalid-body")
    assert body["errors"] == [
        {"pointer": "/active", "detail": f"Expected `bool`, got `{type(value).__name__}` - at `$.active`"}
    ]
    user = client.put(url, json={"active": True}, headers=world.headers["admin"])
    assert user.status_code == 200, user.text


def test_malformed_json_is_still_a_bad_request(client: Client, world: World) -> None:
    response = client.put(
        f"/api/users/{world.users['inspector1']}/active",
        content=b"\x00",
        headers={**world.headers["admin"], "content-type": "application/json"},
    )
    assert_problem(response, 400, "bad-request")


@pytest.mark.parametrize(
    "query",
    [
        "/api/admin/audit?to=0.5",
        "/api/admin/audit?from=1700000000",
        "/api/schedules/duplicates?since=null",
        "/api/schedules/duplicates?since=2026-01-01&since=2026-01-02",
        "/api/inspections?status=draft&status=submitted",
    ],
)
def test_lenient_query_values_are_refused(client: Client, world: World, query: str) -> None:
    assert_problem(client.get(query, headers=world.headers["admin"]), 400, "invalid-body")


@pytest.mark.parametrize(
    "query",
    ["/api/admin/audit?to=2026-01-01T00:00:00%2B08:00", "/api/schedules/duplicates?since=2026-01-01"],
)
def test_iso_days_and_times_are_read(client: Client, world: World, query: str) -> None:
    response = client.get(query, headers=world.headers["admin"])
    assert response.status_code == 200, response.text

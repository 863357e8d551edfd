"""Bad input gets a clear problem response and the server stays up."""

from __future__ import annotations

import pytest

from sync.org import sites
from tests.clients import Client, World, assert_problem, still_up


def test_malformed_json_is_a_bad_request(client: Client, world: World) -> None:
    response = client.post(
        "/api/sites", content=b'{"name": ', headers={**world.headers["admin"], "content-type": "application/json"}
    )
    assert_problem(response, 400, "bad-request")
    still_up(client)


def test_wrong_types_are_listed_with_pointers(client: Client, world: World) -> None:
    response = client.post(
        "/api/sites",
        json={"district_id": "x", "name": 42, "site_type": "supermarket", "address": "a"},
        headers=world.headers["admin"],
    )
    body = assert_problem(response, 400, "invalid-body")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["pointer"] == "/name"
    still_up(client)


def test_unknown_fields_are_refused(client: Client) -> None:
    response = client.post(
        "/api/auth/login", json={"username": "a", "password": "b", "device_name": "c", "remember": True}
    )
    assert_problem(response, 400, "invalid-body")


def test_unknown_site_type_and_district_break_rules(client: Client, world: World) -> None:
    bad_type = client.post(
        "/api/sites",
        json={"district_id": "x", "name": "n", "site_type": "casino", "address": "a"},
        headers=world.headers["admin"],
    )
    assert_problem(bad_type, 400, "invalid-body")
    bad_district = client.post(
        "/api/sites",
        json={"district_id": "nope", "name": "n", "site_type": "market", "address": "a"},
        headers=world.headers["admin"],
    )
    assert_problem(bad_district, 422, "invalid-input")


def test_oversized_body_is_refused_with_413(client: Client, world: World) -> None:
    huge = b'{"answers": {"x": "' + b"a" * (3 * 1024 * 1024) + b'"}}'
    response = client.post(
        "/api/checklists/market_order/versions/1/check",
        content=huge,
        headers={**world.headers["inspector1"], "content-type": "application/json"},
    )
    assert_problem(response, 413, "body-too-large")
    still_up(client)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer xj_not-a-token"}],
)
def test_missing_or_unknown_token_is_unauthorized(client: Client, headers: dict[str, str]) -> None:
    response = client.get("/api/sites", headers=headers)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_route_and_method_are_problems(client: Client, world: World) -> None:
    assert_problem(client.get("/api/nothing-here", headers=world.headers["admin"]), 404, "not-found")
    assert_problem(client.put("/api/health"), 405, "method-not-allowed")


def test_unexpected_error_is_a_generic_500_and_the_server_stays_up(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("secret internals: /srv/db password=hunter2")

    monkeypatch.setattr(sites, "list_sites", explode)
    response = client.get("/api/sites", headers=world.headers["admin"])
    body = assert_problem(response, 500, "internal-error")
    assert "hunter2" not in response.text
    assert "secret" not in str(body)
    monkeypatch.undo()
    assert client.get("/api/sites", headers=world.headers["admin"]).status_code == 200
    still_up(client)

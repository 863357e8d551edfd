"""Checklists over HTTP: the catalog, immutable schemas with ETags, publishing, answer checks."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs

from sync.org.demo import ACCOUNTS
from tests.clients import Client, World
from tests.templates import minimal_template

SCHEMA = "/api/checklists/{}/versions/{}/schema"


def test_catalog_lists_five_checklists_with_both_titles(client: Client, world: World) -> None:
    response = client.get("/api/checklists", headers=world.headers["inspector1"])
    assert response.status_code == 200
    by_id = {c["id"]: c for c in response.json()}
    assert {
        "supermarket_service",
        "market_order",
        "service_quality_patrol",
        "staff_conduct",
        "complaint_handling",
    } <= set(by_id)
    supermarket = by_id["supermarket_service"]
    assert supermarket["title"]["zh"] and supermarket["title"]["en"]
    # version 2: 6.2.1's 低于 -18 ℃ made exclusive (issue 17)
    assert supermarket["versions"] == [1, 2] and supermarket["latest_version"] == 2
    assert supermarket["latest_schema_url"] == SCHEMA.format("supermarket_service", 2)


def test_every_published_schema_is_valid_2020_12(client: Client, world: World) -> None:
    for checklist in client.get("/api/checklists", headers=world.headers["inspector1"]).json():
        response = client.get(checklist["latest_schema_url"], headers=world.headers["inspector1"])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/schema+json")
        jsonschema_rs.meta.validate(response.json())


def test_schema_has_strong_etag_immutable_cache_and_304(client: Client, world: World) -> None:
    url = SCHEMA.format("supermarket_service", 1)
    headers = world.headers["inspector2"]
    first = client.get(url, headers=headers)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get(url, headers={**headers, "If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_unknown_checklist_or_version_is_a_not_found_problem(client: Client, world: World) -> None:
    for url, needle in [
        (SCHEMA.format("no_such_list", 1), "no checklist"),
        (SCHEMA.format("supermarket_service", 99), "published versions: [1, 2]"),
    ]:
        response = client.get(url, headers=world.headers["inspector1"])
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "urn:xunjian:problem:not-found"
        assert needle in response.json()["detail"]


def test_admin_publishes_a_new_version_and_the_old_one_stays_served(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    created = client.post("/api/checklists", json=minimal_template(), headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == SCHEMA.format("night_market", 1)
    v1 = client.get(SCHEMA.format("night_market", 1), headers=admin)
    second = client.post("/api/checklists", json=minimal_template(version=2, label="摊位环境卫生"), headers=admin)
    assert second.status_code == 201
    listed = {c["id"]: c for c in client.get("/api/checklists", headers=admin).json()}["night_market"]
    assert listed["versions"] == [1, 2] and listed["latest_version"] == 2
    v1_again = client.get(SCHEMA.format("night_market", 1), headers=admin)
    assert v1_again.json() == v1.json()
    assert v1_again.headers["etag"] == v1.headers["etag"]
    v2 = client.get(SCHEMA.format("night_market", 2), headers=admin).json()
    assert v2["properties"]["stall_hygiene"]["x-label"]["zh"] == "摊位环境卫生"


def test_published_version_is_immutable(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    assert client.post("/api/checklists", json=minimal_template(), headers=admin).status_code == 201
    same = client.post("/api/checklists", json=minimal_template(), headers=admin)
    assert same.status_code == 200 and same.json()["created"] is False
    changed = client.post("/api/checklists", json=minimal_template(label="改过的标签"), headers=admin)
    assert changed.status_code == 409
    assert changed.json()["type"] == "urn:xunjian:problem:version-exists"
    schema = client.get(SCHEMA.format("night_market", 1), headers=admin).json()
    assert schema["properties"]["stall_hygiene"]["x-label"]["zh"] == "摊位卫生"


def test_changing_a_file_template_version_through_the_api_is_refused(client: Client, world: World) -> None:
    body = minimal_template(checklist_id="market_order", version=1)
    response = client.post("/api/checklists", json=body, headers=world.headers["admin"])
    assert response.status_code == 409


def test_published_versions_survive_a_restart(client: Client, world: World, app: Any) -> None:
    from server.app import create_app

    assert client.post("/api/checklists", json=minimal_template(), headers=world.headers["admin"]).status_code == 201
    settings = app.state.settings
    restarted = create_app(settings)
    assert restarted.state.catalog.get("night_market", 1) is not None


def test_malformed_template_is_refused_naming_the_field(client: Client, world: World) -> None:
    body = minimal_template()
    body["sections"][0]["items"][0]["severity"] = "catastrophic"
    response = client.post("/api/checklists", json=body, headers=world.headers["admin"])
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:xunjian:problem:invalid-template"
    assert "$.sections[0].items[0].severity" in problem["detail"]


def test_only_admins_publish(client: Client, world: World) -> None:
    for name in ACCOUNTS:
        if name == "admin":
            continue
        response = client.post("/api/checklists", json=minimal_template(), headers=world.headers[name])
        assert response.status_code == 403, name
        assert response.json()["type"] == "urn:xunjian:problem:forbidden"


def test_answer_check_reports_every_error_with_a_pointer(client: Client, world: World) -> None:
    answers = {
        "frozen_cabinet_temp": "很冷",
        "has_fresh_food": "maybe",
        "not_an_item": 1,
    }
    response = client.post(
        "/api/checklists/supermarket_service/versions/1/check",
        json={"answers": answers},
        headers=world.headers["inspector1"],
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:xunjian:problem:invalid-answers"
    pointers = sorted(e["pointer"] for e in problem["errors"])
    assert pointers == ["/answers/frozen_cabinet_temp", "/answers/has_fresh_food", "/answers/not_an_item"]


def test_out_of_range_reading_is_a_failed_item_not_an_error(client: Client, world: World) -> None:
    answers = {"has_fresh_food": "yes", "fresh_categories": ["frozen"], "frozen_cabinet_temp": -12.5}
    response = client.post(
        "/api/checklists/supermarket_service/versions/1/check",
        json={"answers": answers},
        headers=world.headers["inspector1"],
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"valid": True, "failed_items": ["/frozen_cabinet_temp"]}


def test_schema_body_is_plain_json(client: Client, world: World) -> None:
    raw = client.get(SCHEMA.format("market_order", 1), headers=world.headers["inspector1"]).content
    schema = json.loads(raw)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-checklist"]["title"]["zh"] == "市场秩序巡查"

"""POST /api/checklists/validate: template JSON checked as the editor types, every error located, with the diff."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec

from schemas.catalog import load_catalog
from tests.clients import Client, World, assert_problem
from tests.templates import minimal_template

URL = "/api/checklists/validate"


def _supermarket(client: Client, world: World) -> dict[str, Any]:
    """The latest published supermarket version as template JSON."""
    latest = load_catalog().latest("supermarket_service")
    assert latest is not None
    doc: dict[str, Any] = msgspec.to_builtins(latest)
    return doc


def test_a_good_new_checklist_is_ok_and_all_added(client: Client, world: World) -> None:
    response = client.post(URL, json=minimal_template(), headers=world.headers["admin"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["errors"] == []
    assert body["diff"] == {"base_version": None, "added": ["stall_hygiene"], "removed": [], "moved": [], "changed": []}


def test_every_error_at_once_each_located_in_chinese_and_english(client: Client, world: World) -> None:
    doc = minimal_template()
    items = doc["sections"][0]["items"]
    items.append(
        {"kind": "number", "id": "freezer_temp", "label": {"zh": "冷冻温度", "en": "Freezer"}, "clause": "6.2.1",
         "unit": "℃", "acceptable": {"min": "cold", "max": -18}}
    )  # fmt: skip
    items.append({"kind": "thermometer", "id": "odd", "label": {"zh": "x", "en": "x"}, "clause": "x"})
    items.append({"kind": "pass_fail", "id": "Bad Id", "label": {"zh": "", "en": "x"}, "clause": "x"})
    items.append({"kind": "pass_fail", "id": "no_label", "clause": "x"})
    response = client.post(URL, json=doc, headers=world.headers["admin"])
    body = response.json()
    assert response.status_code == 200 and body["ok"] is False
    by_path = {e["path"]: e for e in body["errors"]}
    assert by_path["sections/0/items/1/acceptable/min"] == {
        "path": "sections/0/items/1/acceptable/min",
        "item": "freezer_temp",
        "field": "acceptable.min",
        "zh": "「下限」应为数字",
        "en": "'min' must be a number",
    }
    assert by_path["sections/0/items/2/kind"]["zh"].startswith("「类型」的值")
    assert "thermometer" in by_path["sections/0/items/2/kind"]["en"]
    assert {"sections/0/items/3/id", "sections/0/items/4/label"} <= set(by_path)
    assert by_path["sections/0/items/4/label"]["zh"] == "缺少「标签」"
    assert by_path["sections/0/items/4/label"]["en"] == "'label' is missing"
    assert by_path["sections/0/items/4/label"]["item"] == "no_label"
    # the items with errors still show in the diff
    assert body["diff"]["added"] == ["stall_hygiene", "freezer_temp", "odd", "Bad Id", "no_label"]


def test_cross_field_errors_are_located_too(client: Client, world: World) -> None:
    doc = minimal_template()
    items = doc["sections"][0]["items"]
    items.append(
        {"kind": "number", "id": "freezer_temp", "label": {"zh": "冷冻温度", "en": "Freezer"}, "clause": "6.2.1",
         "unit": "℃", "acceptable": {"min": 5, "max": -18}, "show_if": {"item": "ghost", "any_of": ["yes"]}}
    )  # fmt: skip
    items.append(copy.deepcopy(items[0]))
    body = client.post(URL, json=doc, headers=world.headers["admin"]).json()
    assert body["ok"] is False
    got = {(e["path"], e["item"], e["field"]): (e["zh"], e["en"]) for e in body["errors"]}
    assert got == {
        ("sections/0/items/1/show_if/item", "freezer_temp", "show_if.item"): (
            "「显示条件」引用的「ghost」不是前面的检查项",
            "'ghost' is not an earlier item",
        ),
        ("sections/0/items/1/acceptable", "freezer_temp", "acceptable"): (
            "「合格范围」的下限 5 高于上限 -18,或二者相等而有一端不含",
            "min 5.0 is above max -18.0",
        ),
        ("sections/0/items/2/id", "stall_hygiene", "id"): (
            "编号「stall_hygiene」重复",
            "duplicate item id 'stall_hygiene'",
        ),
    }


def test_diff_against_the_latest_published_version(client: Client, world: World) -> None:
    base = _supermarket(client, world)
    doc = copy.deepcopy(base)
    doc["version"] = base["version"] + 1
    section = doc["sections"][0]
    moved = section["items"].pop(2)
    section["items"].insert(0, moved)
    removed = doc["sections"][1]["items"].pop(0)
    doc["sections"][1]["items"].append(
        {"kind": "pass_fail", "id": "new_check", "label": {"zh": "新检查", "en": "New check"}, "clause": "x"}
    )
    doc["title"]["en"] = "Supermarket inspection"
    body = client.post(URL, json=doc, headers=world.headers["admin"]).json()
    assert body["ok"] is True, body["errors"]
    diff = body["diff"]
    assert diff["base_version"] == base["version"]
    assert diff["added"] == ["new_check"]
    assert diff["removed"] == [removed["id"]]
    assert [m["item"] for m in diff["moved"]] == [moved["id"]]
    assert diff["changed"] == [
        {"item": None, "field": "title.en", "before": base["title"]["en"], "after": "Supermarket inspection"}
    ]


def test_a_published_version_with_other_content_is_an_error(client: Client, world: World) -> None:
    doc = _supermarket(client, world)
    doc["title"]["en"] = "Changed"
    body = client.post(URL, json=doc, headers=world.headers["admin"]).json()
    assert body["ok"] is False
    assert [(e["path"], e["field"]) for e in body["errors"]] == [("version", "version")]
    assert "已发布" in body["errors"][0]["zh"]


def test_not_json_and_not_an_object_are_errors_not_failures(client: Client, world: World) -> None:
    for raw in (b"{not json", b"[1, 2]", json.dumps("text").encode()):
        response = client.post(URL, content=raw, headers={**world.headers["admin"], "Content-Type": "application/json"})
        assert response.status_code == 200
        body = response.json()
        assert body["ok"] is False and body["errors"][0]["path"] == ""


def test_only_admins_validate(client: Client, world: World) -> None:
    for user in ("supervisor1", "inspector1"):
        assert_problem(client.post(URL, json=minimal_template(), headers=world.headers[user]), 403, "forbidden")

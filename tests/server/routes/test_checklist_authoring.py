"""POST /api/checklists/validate: template JSON checked as the editor types, every error located, with the diff."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec

from schemas.catalog import load_catalog
from schemas.json_schema import item_schemas
from tests.clients import SHOP, Client, World, assert_problem, device
from tests.templates import minimal_template
from tests.workbooks import insert_row, move_row, open_book, row_of, saved, set_cell

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


def test_no_body_at_all_is_a_bad_request(client: Client, world: World) -> None:
    assert_problem(client.post(URL, headers=world.headers["admin"]), 400, "invalid-body")


def test_only_admins_validate(client: Client, world: World) -> None:
    for user in ("supervisor1", "inspector1"):
        assert_problem(client.post(URL, json=minimal_template(), headers=world.headers[user]), 403, "forbidden")


# --- the spreadsheet round trip -------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT = "/api/checklists/{}/versions/{}/template.xlsx"
IMPORT = "/api/checklists/import"


def _import(client: Client, world: World, data: bytes, *, dry_run: bool, user: str = "admin") -> Any:
    headers = {**world.headers[user], "Content-Type": XLSX}
    return client.post(IMPORT, content=data, headers=headers, params={"dry_run": "true"} if dry_run else None)


def test_export_edit_dry_run_publish_and_fill_the_new_version(client: Client, world: World) -> None:
    exported = client.get(EXPORT.format("supermarket_service", 2), headers=world.headers["admin"])
    assert exported.status_code == 200
    assert exported.headers["content-type"] == XLSX
    assert 'filename="supermarket_service-v2.xlsx"' in exported.headers["content-disposition"]
    # as a person would in Excel: change a limit, add an item, delete one, move one up
    book = open_book(exported.content)
    survey = book["survey"]
    set_cell(survey, "chilled_meat_cabinet_temp", "acceptable_max", 4)
    insert_row(
        survey,
        row_of(survey, "frozen_cabinet_temp") + 1,
        {"type": "pass_fail", "name": "freezer_log", "label::zh-CN": "冷冻柜温度记录完整",
         "label::en": "Freezer temperature log complete", "clause": "超市服务管理规范 6.2.1", "severity": "major"},
    )  # fmt: skip
    survey.delete_rows(row_of(survey, "gm_responsibility"))
    move_row(survey, "market_mgmt_manual", before="first_responsible_person")
    edited = saved(book)

    dry = _import(client, world, edited, dry_run=True)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["ok"] is True and body["errors"] == []
    diff = body["diff"]
    assert diff["base_version"] == 2
    assert diff["added"] == ["freezer_log"]
    assert diff["removed"] == ["gm_responsibility"]
    assert [m["item"] for m in diff["moved"]] == ["market_mgmt_manual"]
    assert diff["changed"] == [
        {"item": "chilled_meat_cabinet_temp", "field": "acceptable.max", "before": 5.0, "after": 4.0}
    ]
    assert body["template"]["version"] == 3
    assert (
        client.get("/api/checklists/supermarket_service/versions/3/schema", headers=world.headers["admin"]).status_code
        == 404
    )

    published = _import(client, world, edited, dry_run=False)
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 3 and published.json()["created"] is True
    schema = item_schemas(client.get(published.headers["location"], headers=world.headers["inspector1"]).json())
    assert "freezer_log" in schema and "gm_responsibility" not in schema  # conditional items too (if/then)
    assert schema["chilled_meat_cabinet_temp"]["x-acceptable"] == {"min": -2, "max": 4}
    again = _import(client, world, edited, dry_run=False)
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["version"] == 3

    # the phone fills the new version: its answers are pushed and taken
    phone = device(client)
    inspection = phone.create(world.sites[SHOP], "supermarket_service", 3)
    phone.set(inspection, {"has_fresh_food": "yes", "freezer_log": "pass", "chilled_meat_cabinet_temp": 4.5})
    phone.sync()
    assert phone.pending() == []
    answers = phone.answers(inspection)
    assert answers["freezer_log"] == "pass" and answers["chilled_meat_cabinet_temp"] == 4.5


def test_an_import_with_errors_publishes_nothing_and_names_every_error(client: Client, world: World) -> None:
    book = open_book(client.get(EXPORT.format("market_order", 2), headers=world.headers["admin"]).content)
    survey = book["survey"]
    row = set_cell(survey, "full_cleanings", "acceptable_min", "two")
    refused = _import(client, world, saved(book), dry_run=False)
    problem = assert_problem(refused, 422, "invalid-template")
    assert problem["errors"] == [
        {"path": "", "item": "full_cleanings", "field": "acceptable.min", "zh": f"第 {row} 行「下限」应为数字",
         "en": f"Row {row}: 'min' must be a number", "sheet": "survey", "row": row, "column": "N"}
    ]  # fmt: skip
    assert client.get("/api/checklists", headers=world.headers["admin"]).json()[0]["versions"] in ([1], [1, 2])


def test_who_may_export_and_import(client: Client, world: World) -> None:
    url = EXPORT.format("market_order", 1)
    assert client.get(url, headers=world.headers["supervisor1"]).status_code == 200
    assert_problem(client.get(url, headers=world.headers["inspector1"]), 403, "forbidden")
    assert_problem(client.get(EXPORT.format("market_order", 9), headers=world.headers["admin"]), 404, "not-found")
    data = client.get(url, headers=world.headers["admin"]).content
    assert_problem(_import(client, world, data, dry_run=True, user="supervisor1"), 403, "forbidden")


def test_what_is_no_workbook_is_a_clear_problem_never_a_failure(client: Client, world: World) -> None:
    for body in (b"plain text", b"PK\x03\x04 truncated", json.dumps(minimal_template()).encode()):
        problem = assert_problem(_import(client, world, body, dry_run=True), 422, "invalid-workbook")
        assert "xlsx" in str(problem["detail"])
    wrong_type = client.post(IMPORT, content=b"a,b\n", headers={**world.headers["admin"], "Content-Type": "text/csv"})
    assert_problem(wrong_type, 415, "unsupported-media-type")
    too_large = _import(client, world, b"PK" + b"\0" * (3 * 1024 * 1024), dry_run=True)
    assert too_large.status_code == 413

"""CSV and XLSX exports: parsed back (csv module, openpyxl) and checked against the API's own data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from sync.review.workdays import CHINA
from tests.clients import SHOP, Client, World, device, problem_type

MARKET = "望江农贸市场"
PHOTO = hashlib.sha256(b"a photo that has not arrived").hexdigest()
INSPECTION_COLUMNS = [
    "inspection_id",
    "site_id",
    "site",
    "checklist_id",
    "version",
    "inspector",
    "status",
    "created_at",
    "updated_at",
    "score",
    "passed",
    "failed_items",
    "open_conflicts",
    "photos_received",
    "photos_expected",
]


@pytest.fixture
def inspections(client: Client, world: World, probe: None) -> list[str]:
    phone = device(client)
    made = []
    for site, answers in [
        (SHOP, {"licence": "fail", "frozen_temp": -10, "notes": "证照过期，冷柜偏高"}),
        (MARKET, {"licence": "na", "frozen_temp": -20, "issues": ["dirty", "dark"]}),
        (SHOP, {"licence": "pass", "frozen_temp": -19}),
    ]:
        inspection_id = phone.create(world.sites[site], "sync_probe")
        phone.set(inspection_id, answers)
        made.append(inspection_id)
    entry = phone.add_entry(made[0], "stalls")
    phone.set(made[0], {f"stalls/{entry}/stall_no": "A-01", f"stalls/{entry}/prices": "fail"})
    phone.attach(made[0], "photos", PHOTO)
    for inspection_id in made[:2]:
        phone.transition(inspection_id, "submitted")
    phone.sync()
    return made


def text(value: Any) -> str:
    """How a value reads in the CSV: blank for none, JSON for lists and objects."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def assert_same(book: list[dict[str, Any]], rows: list[dict[str, str]]) -> None:
    """The workbook's cells equal the CSV's text (numbers as numbers: Excel keeps 0.0 as 0)."""
    assert [list(r) for r in book] == [list(r) for r in rows]
    for cells, row in zip(book, rows, strict=True):
        for key, value in cells.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert float(row[key]) == value, key
            else:
                assert text(value) == row[key], key


def get_csv(client: Client, world: World, path: str, user: str = "supervisor1", **params: Any) -> list[dict[str, str]]:
    response = client.get(f"/api/exports/{path}", params=params, headers=world.headers[user])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def get_xlsx(client: Client, world: World, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/api/exports/{path}", params=params, headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_inspections_export_matches_the_api(client: Client, world: World, inspections: list[str]) -> None:
    month = datetime.now(CHINA).strftime("%Y-%m")
    queue = {s["id"]: s for s in client.get("/api/inspections", headers=world.headers["supervisor1"]).json()}
    rows = get_csv(client, world, "inspections.csv", month=month)
    assert [r["inspection_id"] for r in rows] == sorted(inspections, key=lambda i: (queue[i]["created_at"], i))
    assert list(rows[0]) == INSPECTION_COLUMNS
    for row in rows:
        view = client.get(f"/api/inspections/{row['inspection_id']}", headers=world.headers["supervisor1"]).json()
        listed = queue[row["inspection_id"]]
        assert row["site_id"] == view["site_id"]
        assert row["site"] in {SHOP, MARKET}
        assert row["inspector"] == "inspector1"
        for key in ("checklist_id", "version", "status", "created_at", "updated_at"):
            assert row[key] == text(view[key]), key
        assert (row["score"], row["passed"], row["failed_items"]) == (
            text(view["score"]["score"]),
            text(view["score"]["passed"]),
            text(view["score"]["counts"]["failed"]),
        )
        assert row["failed_items"] == text(len(view["failed_items"]))
        for key in ("open_conflicts", "photos_received", "photos_expected"):
            assert row[key] == text(listed[key]), key
    assert rows[[r["inspection_id"] for r in rows].index(inspections[0])]["photos_expected"] == "1"

    book = get_xlsx(client, world, "inspections.xlsx", month=month)
    assert_same(book, rows)
    assert isinstance(book[0]["version"], int)


def test_answers_export_has_one_row_per_answer_and_photos_as_hashes(
    client: Client, world: World, inspections: list[str]
) -> None:
    rows = get_csv(client, world, "answers.csv")
    expected = []
    for inspection_id in sorted(inspections):
        view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
        for key, value in view["answers"].items():
            if key == "stalls":
                expected += [
                    (inspection_id, f"/stalls/{e}/{k}", text(v)) for e, kids in value.items() for k, v in kids.items()
                ]
            else:
                expected.append((inspection_id, f"/{key}", text(value)))
    assert sorted((r["inspection_id"], r["pointer"], r["value"]) for r in rows) == sorted(expected)

    photo = next(r for r in rows if r["pointer"] == "/photos")
    assert (photo["sha256"], photo["blob_url"], photo["kind"]) == (PHOTO, f"/api/blobs/{PHOTO}", "photo")
    prices = next(r for r in rows if r["pointer"].endswith("/prices"))
    assert (prices["item_path"], prices["label_zh"], prices["clause"], prices["outcome"]) == (
        "stalls/prices",
        "明码标价",
        "市场管理办法 第十二条",
        "fail",
    )
    licence = {r["inspection_id"]: r["outcome"] for r in rows if r["pointer"] == "/licence"}
    assert licence == {inspections[0]: "fail", inspections[1]: "na", inspections[2]: "pass"}
    notes = next(r for r in rows if r["pointer"] == "/notes")
    assert (notes["value"], notes["outcome"], notes["label_zh"]) == ("证照过期，冷柜偏高", "", "备注")

    book = get_xlsx(client, world, "answers.xlsx")
    assert_same(book, rows)


def test_export_filters_scope_and_roles(client: Client, world: World, inspections: list[str]) -> None:
    today = datetime.now(CHINA).date().isoformat()
    assert len(get_csv(client, world, "inspections.csv", **{"from": today, "to": today})) == 3
    assert get_csv(client, world, "inspections.csv", **{"from": "2020-01-01", "to": "2020-01-31"}) == []
    assert get_csv(client, world, "inspections.csv", month="2020-01") == []
    assert (
        len(get_csv(client, world, "inspections.csv", "admin", district_id=world.districts["上城区 Shangcheng"])) == 3
    )
    assert get_csv(client, world, "inspections.csv", "admin", district_id=world.districts["西湖区 Xihu"]) == []
    assert get_csv(client, world, "answers.csv", "supervisor2") == []
    cases = [
        ("inspector1", {}, 403, "forbidden"),
        ("supervisor2", {"district_id": world.districts["上城区 Shangcheng"]}, 403, "out-of-scope"),
        ("supervisor1", {"month": "2026-00"}, 422, "invalid-input"),
        ("supervisor1", {"from": "yesterday"}, 422, "invalid-input"),
        ("supervisor1", {"from": "2026-02-01", "to": "2026-01-01"}, 422, "invalid-input"),
        ("supervisor1", {"month": "2026-01", "from": "2026-01-01"}, 422, "invalid-input"),
    ]
    for path in ("inspections.csv", "answers.xlsx"):
        for user, params, status, kind in cases:
            response = client.get(f"/api/exports/{path}", params=params, headers=world.headers[user])
            assert (response.status_code, problem_type(response)) == (status, kind), (path, params)

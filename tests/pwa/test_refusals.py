"""Nothing is dropped silently: refused changes are shown on their items; unsynced data can be exported."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.phone import Phone, camera_jpeg, sha256

FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"


def test_a_refused_reading_is_shown_on_its_item_and_unsynced_data_can_be_exported(
    live_server: LiveServer, new_context: Callable[[], BrowserContext], tmp_path: Path
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.offline()
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")
    camera = camera_jpeg()
    phone.take_photo('[data-path="site_overview_photos"] input[type=file]', camera)
    phone.go_to_section("6.2")
    phone.type_number(FROZEN, "999")  # beyond what a thermometer in a freezer can read
    assert "超出可填范围" in phone.card(FROZEN).inner_text()

    phone.page.click(".bar .icon-btn")
    with phone.page.expect_download() as download:
        phone.page.click("[data-action=export]")
    saved = tmp_path / "unsynced.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert [op["kind"] for op in exported["ops"]] == ["create", "set", "set", "attach", "set"]
    assert {op["inspection_id"] for op in exported["ops"]} == {inspection_id}
    [photo] = [e for e in exported["evidence"] if "role" not in e]  # the light version, and the camera's file:
    [original] = [e for e in exported["evidence"] if e.get("role") == "original"]
    assert sha256(base64.b64decode(photo["base64"])) == photo["sha256"]
    assert base64.b64decode(original["base64"]) == camera and sha256(camera) == original["sha256"]
    assert original["light_sha256"] == photo["sha256"] and photo["custody"]["capture_sha256"] == original["sha256"]
    assert exported["inspections"][0]["answers"][FROZEN] == 999

    phone.offline(False)
    phone.page.wait_for_selector(f'a.insp[data-inspection="{inspection_id}"][data-sync="refused"]', timeout=60_000)
    assert phone.unsynced() == 1  # the refused change stays until the inspector lets it go
    phone.open_inspection(inspection_id)
    banner = phone.page.locator('[data-banner="refused"]')
    assert "冷冻库(柜)温度" in banner.inner_text()
    assert "999" in banner.inner_text()
    phone.go_to_section("6.2")
    assert phone.card(FROZEN).locator(".note.bad").count() == 1

    banner.locator("button").click()  # discard it
    phone.page.wait_for_selector('[data-banner="refused"]', state="detached")
    phone.page.wait_for_selector('.strip[data-unsynced="0"]')
    assert phone.card(FROZEN).locator("input.num").input_value() == ""  # the server never had it
    assert phone.errors == []


def test_a_refusal_to_sign_is_recorded_with_its_reason_and_a_witness(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "no")
    phone.go_to_section("检查结论")
    phone.card(SIGNATURE).locator("[data-action=sign]").click()
    sheet = phone.page.locator(".sheet")
    sheet.locator("[data-mode=refused]").click()
    sheet.locator("input[name=signer_name]").fill("王经理")
    sheet.locator("textarea[name=reason]").fill("不认可温度读数")
    sheet.locator("[data-action=confirm-signature]").click()
    assert "见证人" in sheet.locator(".num-note").inner_text()  # this checklist asks for a witness
    sheet.locator("input[name=witness_name]").fill("李四")
    pad = sheet.locator("canvas[data-pad=witness]").bounding_box()
    assert pad is not None
    phone.page.mouse.move(pad["x"] + 30, pad["y"] + 40)
    phone.page.mouse.down()
    phone.page.mouse.move(pad["x"] + 200, pad["y"] + 120, steps=12)
    phone.page.mouse.up()
    sheet.locator("[data-action=confirm-signature]").click()
    phone.page.wait_for_selector(f'[data-path="{SIGNATURE}"] [data-signature="refused"]')
    phone.wait_synced()

    supervisor = live_server.client("supervisor1")
    refusal = supervisor.get(f"/api/inspections/{inspection_id}").json()["answers"][SIGNATURE]
    assert (refusal["status"], refusal["reason"], refusal["witness_name"]) == ("refused", "不认可温度读数", "李四")
    witness = supervisor.get(f"/api/blobs/{refusal['witness_image_sha256']}")
    assert witness.status_code == 200
    assert sha256(witness.content) == refusal["witness_image_sha256"]
    assert phone.errors == []

"""Offline first: an inspection filled without signal survives reloads and reaches the server once."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image
from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from schemas.canonical import content_hash
from schemas.catalog import load_catalog
from tests import ARTIFACTS
from tests.images import GREEN, RED, close
from tests.pwa.phone import SHOP, Phone, camera_jpeg, sha256

FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"
OVERVIEW = "site_overview_photos"


def test_an_inspection_filled_offline_survives_reloads_and_reaches_the_server_once(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()

    phone.offline()
    phone.reload()  # the service worker serves the shell; the session lives in IndexedDB
    phone.page.wait_for_selector("[data-action=new-inspection]")
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")
    phone.go_to_section("6.2")
    phone.type_number(FROZEN, "-12")
    card = phone.card(FROZEN)
    assert "failed" in (card.get_attribute("class") or "")
    assert card.locator(".range").inner_text() == "合格范围：< -18 ℃"  # 6.2.1 低于 -18 ℃ (version 2)
    evidence = f'[data-path="{FROZEN}"] [data-evidence="photo"] input[type=file]'
    phone.take_photo(evidence, camera_jpeg())
    phone.page.screenshot(path=str(ARTIFACTS / "form-360.png"))

    phone.fill_everything()
    phone.go_to_section("检查结论")
    phone.sign(SIGNATURE)
    phone.reload()
    phone.page.wait_for_selector(".form-page")
    assert phone.card(SIGNATURE).locator("[data-signature=signed]").count() == 1
    phone.go_to_section("6.2")
    assert phone.card(FROZEN).locator("input.num").input_value() == "-12"
    assert phone.page.locator(f'[data-path="{FROZEN}"] [data-evidence="photo"] img[src]').count() == 1
    phone.go_to_section("检查结论")
    phone.submit()
    assert phone.page.locator(".form-page").get_attribute("data-sync") == "waiting"
    assert phone.unsynced() > 0

    phone.offline(False)  # the `online` event starts a sync
    phone.wait_synced()
    phone.sync()  # a second run changes nothing
    assert phone.errors == []

    supervisor = live_server.client("supervisor1")
    listed = supervisor.get("/api/inspections").json()
    assert [(i["id"], i["status"]) for i in listed] == [(inspection_id, "submitted")]
    audit = supervisor.get(f"/api/inspections/{inspection_id}/audit").json()
    assert [a["kind"] for a in audit].count("create") == 1
    assert len({a["op_id"] for a in audit}) == len(audit)
    assert {a["outcome"] for a in audit} <= {"applied", "merged"}

    doc = supervisor.get(f"/api/inspections/{inspection_id}").json()
    assert doc["site_id"] == next(s["id"] for s in supervisor.get("/api/sites").json() if s["name"] == SHOP)
    assert doc["answers"][FROZEN] == -12
    assert f"/{FROZEN}" in doc["failed_items"]
    assert doc["conflicts"] == []
    [photo] = doc["answers"][OVERVIEW]
    assert doc["photo_evidence"] == {FROZEN: [photo]}  # taken as evidence of the failed temperature
    [finding] = [
        f
        for f in supervisor.get("/api/findings", params={"inspection_id": inspection_id}).json()
        if f["pointer"] == f"/{FROZEN}"
    ]
    assert finding["evidence"]["photos"] == [photo]
    inspector = live_server.client("inspector1")
    original = inspector.get(f"/api/blobs/{photo}")
    assert original.status_code == 200
    assert sha256(original.content) == photo == phone.stored_blob_sha256(photo)
    meta = supervisor.get(f"/api/blobs/{photo}/meta").json()
    assert (meta["width"], meta["height"]) == (2048, 1536)  # turned upright on the phone, longest side 2048
    upright = Image.open(io.BytesIO(original.content))
    assert close(upright.getpixel((20, 20)), RED)
    assert close(upright.getpixel((2028, 20)), GREEN)  # not turned a second time by the server
    assert meta["captured_at"].startswith("2025-03-14T09:26:53")  # EXIF carried over
    assert meta["gps"] is not None

    signature = doc["answers"][SIGNATURE]
    assert signature["status"] == "signed"
    assert signature["signer_name"] == "王经理"
    assert doc["fields"][SIGNATURE].get("stale", False) is False
    template = load_catalog(live_server.settings.templates_dir).get("supermarket_service", doc["version"])
    assert template is not None
    assert signature["content_hash"] == content_hash(template, doc["answers"], SIGNATURE)
    image = supervisor.get(f"/api/blobs/{signature['image_sha256']}")
    assert image.status_code == 200
    assert image.content.startswith(b"\x89PNG")

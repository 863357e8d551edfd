"""The review loop on the phone: returned with a comment, corrected, signed again, resubmitted."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.phone import Phone

FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"


def test_a_returned_inspection_comes_back_with_the_comment_and_is_resubmitted(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")
    phone.go_to_section("6.2")
    phone.type_number(FROZEN, "-15")
    phone.fill_everything()
    phone.go_to_section("检查结论")
    phone.sign(SIGNATURE)
    phone.submit()
    phone.wait_synced()

    supervisor = live_server.client("supervisor1")
    comment = "温度读数可疑，请复测并拍照"
    body = {"action": "return", "comments": [{"path": FROZEN, "text": comment}], "reason": "请复核冷链"}
    returned = supervisor.post(f"/api/inspections/{inspection_id}/review", json=body)
    assert returned.status_code == 200, returned.text

    phone.page.click(".bar .icon-btn")  # back to the list
    phone.sync()
    card = phone.page.locator(f'a.insp[data-inspection="{inspection_id}"]')
    assert card.get_attribute("data-status") == "returned"
    assert "已退回" in card.inner_text()
    card.click()
    phone.page.wait_for_selector('[data-banner="returned"]')
    assert "请复核冷链" in phone.page.inner_text('[data-banner="returned"]')
    phone.go_to_section("6.2")
    assert comment in phone.card(FROZEN).locator("[data-comment]").inner_text()

    phone.type_number(FROZEN, "-20")
    assert "failed" not in (phone.card(FROZEN).get_attribute("class") or "")
    phone.go_to_section("检查结论")
    assert phone.card(SIGNATURE).locator("[data-stale]").count() == 1  # changed after signing
    phone.sign(SIGNATURE, signer="王经理")
    phone.page.wait_for_selector(f'[data-path="{SIGNATURE}"] [data-stale]', state="detached")
    phone.page.click("[data-action=submit]")
    phone.page.wait_for_selector('.form-page[data-status="submitted"]')
    phone.wait_synced()

    doc = supervisor.get(f"/api/inspections/{inspection_id}").json()
    assert doc["status"] == "submitted"
    assert doc["answers"][FROZEN] == -20
    assert doc["fields"][SIGNATURE].get("stale", False) is False
    assert [c for c in doc["conflicts"] if c["status"] == "open"] == []
    approved = supervisor.post(f"/api/inspections/{inspection_id}/review", json={"action": "approve"})
    assert approved.status_code == 200, approved.text
    phone.sync()
    assert phone.page.get_attribute(".form-page", "data-status") == "approved"
    assert phone.errors == []

"""The supervisor's desk in the same app: the review queue, an inspection with a conflict from
two phones resolved by choosing a candidate, returned with a comment on an item, corrected on
the phone, resubmitted and approved."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import Phone

ITEM = "gm_responsibility"
FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"


def test_a_supervisor_resolves_a_conflict_returns_and_approves_at_the_desk(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    first, second = Phone(new_context(), live_server.url), Phone(new_context(), live_server.url)
    first.log_in(device="手机A")
    inspection_id = first.start_inspection()
    first.sync()
    second.log_in(device="手机B")
    second.page.wait_for_selector(f'[data-inspection="{inspection_id}"]')
    second.open_inspection(inspection_id)
    first.go_to_section("4.1")
    second.go_to_section("4.1")
    first.offline()
    second.offline()
    first.choose(ITEM, "pass")
    second.choose(ITEM, "fail")
    first.offline(False)
    first.wait_synced()
    second.offline(False)
    second.wait_synced()

    first.sync()
    first.fill_everything()
    first.go_to_section("6.2")
    first.type_number(FROZEN, "-15")
    first.go_to_section("检查结论")
    first.sign(SIGNATURE)
    first.submit()
    first.wait_synced()

    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    row = desk.page.locator(f'tr.desk-row[data-inspection="{inspection_id}"]')
    row.wait_for()
    assert row.locator("[data-conflicts]").get_attribute("data-conflicts") == "1"
    assert "已提交" in row.inner_text()
    row.click()
    page = desk.page
    page.wait_for_selector(f'[data-desk=inspection][data-inspection="{inspection_id}"][data-status=submitted]')
    conflict = page.locator(f'[data-path="{ITEM}"] [data-conflict-status=open]')
    conflict.wait_for()
    values = sorted(
        json.loads(v or "null")
        for v in conflict.locator("[data-candidate] [data-value]").evaluate_all(
            "(els) => els.map((e) => e.dataset.value)"
        )
    )
    assert values == ["fail", "pass"]
    assert "不合格" in conflict.inner_text() and "合格" in conflict.inner_text()
    assert "手机A" in conflict.inner_text() and "手机B" in conflict.inner_text()  # each candidate's device by name
    assert page.locator("[data-action=approve]").is_disabled()
    page.locator(f'[data-path="{ITEM}"] .desk-label').scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.desk-thumb')].every((i) => i.complete && i.naturalWidth > 0)"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk.png"))

    conflict.locator("input[name=note]").fill("以现场复核为准")
    chosen = conflict.locator('[data-candidate]:has([data-value="\\"pass\\""])')
    candidate_id = chosen.get_attribute("data-candidate")
    chosen.locator("[data-action=choose]").click()
    page.wait_for_selector(f'[data-path="{ITEM}"] [data-conflict-status=resolved] [data-resolution]')
    assert page.get_attribute("[data-open-conflicts]", "data-open-conflicts") == "0"
    assert page.locator("[data-action=approve]").is_enabled()

    comment = "温度读数可疑，请复测"
    page.locator(f'[data-path="{FROZEN}"] [data-action=comment]').click()
    page.fill(f'textarea[data-comment-for="{FROZEN}"]', comment)
    page.fill("textarea[name=reason]", "请复核冷链")
    page.evaluate("() => { location.hash = '#/findings' }")  # away and back: the page is built again
    page.wait_for_selector("[data-desk=findings]")
    page.go_back()
    page.wait_for_selector(f'[data-desk=inspection][data-inspection="{inspection_id}"][data-status=submitted]')
    assert page.input_value(f'textarea[data-comment-for="{FROZEN}"]') == comment  # what was written is kept
    assert page.input_value("textarea[name=reason]") == "请复核冷链"
    page.click("[data-action=return]")
    page.wait_for_selector("[data-desk=inspection][data-status=returned]")

    first.page.click(".bar .icon-btn")  # the phone: back to the list, the comment arrives
    first.sync()
    first.page.locator(f'a.insp[data-inspection="{inspection_id}"][data-status="returned"]').click()
    first.page.wait_for_selector('[data-banner="returned"]')
    first.go_to_section("6.2")
    assert comment in first.card(FROZEN).locator("[data-comment]").inner_text()
    first.type_number(FROZEN, "-20")
    first.go_to_section("检查结论")
    first.sign(SIGNATURE)
    first.page.click("[data-action=submit]")
    first.page.wait_for_selector('.form-page[data-status="submitted"]')
    first.wait_synced()

    page.click("a.btn[href='#/']")  # the desk: back to the queue, then the inspection again
    page.locator(f'tr.desk-row[data-inspection="{inspection_id}"]').click()
    page.wait_for_selector(f'[data-desk=inspection][data-inspection="{inspection_id}"][data-status=submitted]')
    assert "-20" in page.inner_text(f'[data-path="{FROZEN}"] [data-value]')
    page.click("[data-action=approve]")
    page.wait_for_selector("[data-desk=inspection][data-status=approved]")

    supervisor = live_server.client("supervisor1")
    doc: dict[str, Any] = supervisor.get(f"/api/inspections/{inspection_id}").json()
    assert doc["status"] == "approved"
    assert doc["answers"][ITEM] == "pass"
    assert doc["answers"][FROZEN] == -20
    [resolved] = [c for c in doc["conflicts"] if c["path"] == ITEM]
    assert resolved["status"] == "resolved"
    assert resolved["resolution"]["winner"] == candidate_id
    assert resolved["resolution"]["note"] == "以现场复核为准"
    for phone in (first, second, desk):
        assert phone.errors == []

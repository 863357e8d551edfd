"""Links opened while signed out: the login comes first, then the page the link names (a site's QR
label on the phone, the findings at the desk), not home; logging in from the login page leads home,
and going back from there does not return to the login. A session that ends under an inspector
(its device revoked) shows the login where they were, and the login leads back to their form. What is
typed on the login page stays when the page is built again in another language."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page

from bench.live import LiveServer
from tests.pwa.desk import DESK
from tests.pwa.phone import SHOP, Phone


def _log_in(page: Page, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.fill("input[name=device_name]", "设备")
    page.click("form button[type=submit]")


def test_a_site_label_scanned_while_signed_out_opens_the_picker_at_the_site_after_the_login(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    site_id = next(s["id"] for s in live_server.client("inspector1").get("/api/sites").json() if s["name"] == SHOP)
    phone = Phone(new_context(), live_server.url)
    phone.open(f"#/site/{site_id}")
    phone.page.wait_for_selector("form input[name=username]")  # signed out: the login first
    _log_in(phone.page, "inspector1")
    phone.page.wait_for_selector(f'[data-site-chosen="{site_id}"]')
    assert SHOP in phone.page.locator("[data-site-chosen]").inner_text()
    assert phone.page.evaluate("location.hash") == f"#/site/{site_id}"
    phone.page.click("[data-action=start]")
    phone.page.wait_for_selector(".form-page")
    assert phone.errors == []


def test_a_desk_link_opened_while_signed_out_opens_its_page_after_the_login(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk.open("#/findings")
    desk.page.wait_for_selector("form input[name=username]")
    _log_in(desk.page, "supervisor1")
    desk.page.wait_for_selector("[data-desk=findings]")
    assert desk.page.locator("[data-desk=queue]").count() == 0
    assert desk.page.evaluate("location.hash") == "#/findings"
    assert desk.errors == []


def test_logging_in_from_the_login_page_leads_home_and_back_does_not_return_to_it(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk.open()
    desk.page.goto(f"{live_server.url}/app/#/login")
    desk.page.wait_for_selector("form input[name=username]")
    _log_in(desk.page, "supervisor1")
    desk.page.wait_for_selector("[data-desk=queue]")
    assert desk.page.evaluate("location.hash") == "#/"
    desk.page.go_back()  # the entry before the login page's: the app opened without an address
    desk.page.wait_for_selector("[data-desk=queue]")
    assert desk.page.locator("form input[name=username]").count() == 0
    assert desk.errors == []


def _session_ended_in_a_form(live_server: LiveServer, phone: Phone) -> str:
    """The phone's inspector in a new form, synced, when another of their devices revokes this one."""
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.sync()
    other = live_server.client("inspector1")
    device = next(d for d in other.get("/api/auth/devices").json() if d["name"] == "手机" and not d["revoked_at"])
    assert other.delete(f"/api/auth/devices/{device['id']}").status_code == 200
    phone.page.click("[data-action=sync]")
    phone.page.wait_for_selector("form input[name=username]")
    assert "登录已失效" in phone.page.locator(".page.login").inner_text()
    assert phone.page.evaluate("location.hash").startswith(f"#/i/{inspection_id}")  # the login, where they were
    return inspection_id


def test_a_session_ended_mid_form_logs_in_again_back_to_the_form(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    inspection_id = _session_ended_in_a_form(live_server, phone)
    _log_in(phone.page, "inspector1")
    phone.page.wait_for_selector(f'.form-page[data-inspection="{inspection_id}"]')
    assert phone.errors == []


def test_another_inspector_taking_over_the_phone_there_starts_at_home(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    _session_ended_in_a_form(live_server, phone)
    _log_in(phone.page, "inspector2")  # nothing was left unsynced: the phone is theirs now, empty
    phone.page.wait_for_selector("[data-action=new-inspection]")
    assert phone.page.evaluate("location.hash") == "#/"
    assert phone.page.locator(".form-page").count() == 0
    assert phone.errors == []


def test_what_is_typed_on_the_login_page_stays_when_the_language_changes(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk.open()
    page = desk.page
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=device_name]", "前台电脑")
    page.fill("input[name=password]", "demo1234")
    page.locator(".page.login button.link").click()  # English: the page is built again
    page.wait_for_selector("form button[type=submit]:text-is('Log in')")
    assert page.input_value("input[name=username]") == "supervisor1"
    assert page.input_value("input[name=device_name]") == "前台电脑"
    assert page.input_value("input[name=password]") == "demo1234"
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-desk=queue]")
    assert desk.errors == []

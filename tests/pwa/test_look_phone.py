"""The phone readable in a dim basement: every page (login, home, the form, a failed item's
evidence, the signature sheet, older records) with 0 serious or critical axe-core findings, no
text under 14 px and no tap target under 44×44 px, in light, dark and large-text modes; the
dark scheme follows the system until chosen, and the choices are remembered."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.look import check_page
from tests.pwa.phone import Phone, camera_jpeg

SIGNATURE = "store_manager_signature"


def test_every_phone_page_passes_axe_and_the_size_rules_in_every_mode(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    page = phone.page
    problems: list[str] = []
    phone.open()
    page.wait_for_selector("input[name=username]")
    problems += check_page(page, "login", phone=True)
    phone.log_in()
    problems += check_page(page, "home", phone=True)
    page.click("[data-action=new-inspection]")
    page.wait_for_selector("input[name=site-search]")
    problems += check_page(page, "picker", phone=True)
    page.click("[data-action=new-inspection]")
    phone.start_inspection()
    phone.take_photo('[data-path="site_overview_photos"] input[type=file]', camera_jpeg())
    problems += check_page(page, "form", phone=True)
    phone.go_to_section("4.1")
    phone.choose("gm_responsibility", "fail")
    page.click('[data-path="gm_responsibility"] .help summary')
    problems += check_page(page, "form-failed", phone=True)
    phone.go_to_section("检查结论")
    phone.card(SIGNATURE).locator("[data-action=sign]").click()
    page.wait_for_selector(".sheet canvas[data-pad=signer]")
    problems += check_page(page, "signature", phone=True)
    page.click(".sheet .sheet-actions .btn:not(.primary)")  # 取消
    page.wait_for_selector(".sheet", state="detached")
    phone.open()  # home again, with the inspection's card, its badges and the unsynced strip
    page.wait_for_selector("[data-list=inspections] .insp")
    problems += check_page(page, "home-list", phone=True)
    phone.open("#/older")
    page.wait_for_selector("[data-older]")
    problems += check_page(page, "older", phone=True)
    assert problems == [], "\n".join(problems)
    assert phone.errors == []


def test_the_dark_scheme_follows_the_system_until_chosen_and_both_choices_are_remembered(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    phone = Phone(new_context(color_scheme="dark"), live_server.url)
    page = phone.page
    phone.log_in()
    scheme = "() => [document.documentElement.dataset.scheme, document.documentElement.dataset.text]"
    assert page.evaluate(scheme) == ["dark", "normal"]  # the system's
    assert page.get_attribute("[data-look=dark]", "aria-pressed") == "true"
    root_size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    assert page.evaluate(root_size) == 16
    page.click("[data-look=dark]")  # chosen: light, whatever the system says
    page.click("[data-look=large]")
    assert page.evaluate(scheme) == ["light", "large"]
    assert page.get_attribute("[data-look=dark]", "aria-pressed") == "false"
    assert page.get_attribute("[data-look=large]", "aria-pressed") == "true"
    assert page.evaluate(root_size) == 20
    phone.reload()
    assert page.evaluate(scheme) == ["light", "large"]
    page.emulate_media(color_scheme="light")
    page.click("[data-look=dark]")
    page.emulate_media(color_scheme="dark")
    phone.reload()
    assert page.evaluate(scheme) == ["dark", "large"]
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor") == "rgb(11, 17, 32)"
    assert page.evaluate(background) in ("rgba(0, 0, 0, 0)", "rgb(11, 17, 32)")

"""Field UX (issue 18): what is unsent, in people's terms. The badge counts inspections and photos,
not ops; one tap lists each with its state (waiting for signal, refused: why) and the photo's
bytes left; once synced, the list is empty."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.phone import Phone, noisy_jpeg


def test_the_badge_and_its_list_say_what_is_unsent_in_peoples_terms(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.offline()
    inspection_id = phone.start_inspection()
    phone.fill_section()  # many answers: many ops, one inspection
    phone.take_photo("[data-photo-input]", noisy_jpeg(1600, 1200))
    phone.page.goto(f"{live_server.url}/app/#/")
    badge = phone.page.locator(".count-badge")
    phone.page.wait_for_function("() => document.querySelector('.count-badge')?.textContent.includes('张照片')")
    assert phone.unsynced() > 2
    assert badge.inner_text().startswith("1 份巡检、1 张照片未同步")
    badge.click()
    phone.page.wait_for_selector("[data-page=unsent] .unsent-lists[data-loaded=true]")
    inspection = phone.page.locator('[data-unsent="inspection"]')
    assert inspection.count() == 1
    assert inspection.get_attribute("data-inspection") == inspection_id
    assert inspection.get_attribute("data-state") == "offline"
    assert "等待网络" in inspection.inner_text()
    assert "联华超市" in inspection.inner_text()
    photo = phone.page.locator('[data-unsent="photo"]')
    assert photo.count() == 1
    assert int(photo.locator("[data-bytes-left]").get_attribute("data-bytes-left") or 0) > 100_000
    assert "剩余" in photo.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / "phone-unsent.png"), full_page=True)

    phone.offline(False)
    phone.sync()
    phone.page.wait_for_selector("[data-unsent-none]")
    assert phone.page.locator("[data-unsent]").count() == 0
    assert phone.errors == []

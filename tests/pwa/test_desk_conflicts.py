"""The desk's conflicts page with a photo kept aside: one device deleted a draft, another attached a photo
to it meanwhile. The supervisor sees the photo itself beside the choice, chooses it, and the draft is
back with the photo as its answer. The page shows fifty conflicts at a time; "更多 / More" brings the rest."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import BrowserContext

from bench.device import Device
from bench.live import LiveServer
from schemas.catalog import load_catalog
from schemas.template import PassFail
from tests.evidence import upload
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import SHOP, Phone, camera_jpeg, sha256

OVERVIEW = "site_overview_photos"
LOADED = """(selector) => { const img = document.querySelector(selector)
  return !!img && !!img.getAttribute('src') && img.complete && img.naturalWidth > 0 }"""
SETTLED = """(selector) => { const card = document.querySelector(selector)
  return !card || !!card.querySelector('[data-error]')?.textContent }"""


def device(live_server: LiveServer, name: str) -> tuple[Device, httpx.Client]:
    http = live_server.client("inspector1")
    return Device(http, str(http.headers["Authorization"]).split()[1], name=name), http


def test_a_photo_kept_aside_is_shown_on_the_desk_and_chosen_into_the_answer(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    (phone, http), (tablet, tablet_http) = device(live_server, "手机A"), device(live_server, "平板")
    sites = http.get("/api/sites").json()
    inspection_id = phone.create(next(s["id"] for s in sites if s["name"] == SHOP), "supermarket_service")
    phone.sync()
    tablet.pull()
    photo = camera_jpeg()
    digest = sha256(photo)
    assert upload(tablet_http, {}, photo).status_code == 204  # type: ignore[arg-type]
    phone.delete(inspection_id)
    phone.sync()
    tablet.attach(inspection_id, OVERVIEW, digest)  # the tablet had not heard of the deletion
    tablet.push()
    supervisor = live_server.client("supervisor1")
    [conflict] = supervisor.get("/api/conflicts", params={"inspection_id": inspection_id}).json()
    assert (conflict["kind"], [c["value"] for c in conflict["candidates"]]) == ("edit_vs_delete", [{"attach": digest}])

    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    page.click("[data-nav=conflicts]")
    page.wait_for_selector("[data-desk=conflicts] [data-conflicts=loaded]")
    card = page.locator(f'[data-conflict="{conflict["id"]}"]')
    change = card.locator("[data-photo-change=attach]")
    assert change.inner_text().startswith("添加这张照片")
    page.wait_for_function(LOADED, arg=f'[data-conflict="{conflict["id"]}"] [data-photo-change=attach] img.desk-thumb')
    card.locator("input[name=note]").fill("照片为现场所拍，保留")
    card.locator("[data-candidate] [data-action=choose]").click()
    page.wait_for_function(SETTLED, arg=f'[data-conflict="{conflict["id"]}"]')  # gone, or saying why not
    assert card.count() == 0, card.locator("[data-error]").inner_text()
    assert desk.errors == []

    view = supervisor.get(f"/api/inspections/{inspection_id}").json()
    assert (view["status"], view["answers"][OVERVIEW]) == ("draft", [digest])
    assert view["evidence"]["states"] == {digest: "ready"}
    assert supervisor.get(f"/api/blobs/{digest}?variant=thumb").status_code == 200


def test_the_conflicts_page_shows_fifty_and_more_brings_the_rest(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    (phone, http), (tablet, _) = device(live_server, "手机A"), device(live_server, "平板")
    template = load_catalog().latest("supermarket_service")
    assert template is not None
    items = [item.id for section in template.sections for item in section.items if isinstance(item, PassFail)][:51]
    assert len(items) == 51
    inspection_id = phone.create(
        next(s["id"] for s in http.get("/api/sites").json() if s["name"] == SHOP), "supermarket_service"
    )
    phone.sync()
    tablet.pull()
    phone.set(inspection_id, dict.fromkeys(items, "pass"))
    tablet.set(inspection_id, dict.fromkeys(items, "fail"))  # the same answers, at once, the other way: 51 conflicts
    phone.sync()
    tablet.sync()

    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    page.click("[data-nav=conflicts]")
    page.wait_for_selector("[data-desk=conflicts] [data-conflicts=loaded]")
    cards = page.locator("[data-desk=conflicts] [data-conflict]")
    assert cards.count() == 50
    more = page.locator("[data-desk=conflicts] button[data-action=more]")
    assert "更多" in more.inner_text()
    more.click()
    page.wait_for_function("() => document.querySelectorAll('[data-desk=conflicts] [data-conflict]').length === 51")
    assert more.is_hidden()  # the last page has no Link
    shown = {cards.nth(n).get_attribute("data-conflict") for n in range(51)}
    assert len(shown) == 51

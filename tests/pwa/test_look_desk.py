"""The desk for people at a desk (issue 18 item 11) and its looks: every desk page with 0 serious or
critical axe-core findings in light, dark and large-text modes; no phone sync strip; times in
China time in a browser set to New York; a photo only under the item it documents; the failed
items alone ("只看不合格", "2 项不合格"); buttons in one language; print and the PDF report; the
photo viewer's zoom and rotation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Page

from bench.device import Device
from bench.live import LiveServer
from bench.uploader import upload
from schemas.catalog import Catalog, parse_template
from tests.clients import SHOP
from tests.images import phone_jpeg
from tests.pwa.desk import desk_log_in
from tests.pwa.look import check_page
from tests.pwa.phone import Phone, sha256
from tests.templates import SYNC_TEMPLATE

CHINA = ZoneInfo("Asia/Shanghai")
WIDE = {"width": 1366, "height": 768}  # the desk's screen
TWO_LANGUAGES = re.compile(r"[\u4e00-\u9fff][^/]* / [A-Za-z]|[A-Za-z]{3,} / [\u4e00-\u9fff]")


@dataclass
class Seeded:
    inspection_id: str
    overview: str  # a photo of the whole shop, held by the photo item
    freezer: str  # the evidence of the failed freezer temperature, held by the same photo item


def seed(live: LiveServer) -> Seeded:
    """A submitted probe inspection with two failed items, an overview photo and a freezer photo."""
    admin = live.client("admin")
    assert admin.post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
    site_id = {s["name"]: s["id"] for s in admin.get("/api/sites").json()}[SHOP]
    plan = {"site_id": site_id, "checklist_id": "sync_probe", "kind": "monthly_spot_check", "starts_on": "2026-01-01"}
    assert live.client("supervisor1").post("/api/schedules", json=plan).status_code in (200, 201)
    inspector = live.client("inspector1")
    phone = Device(inspector, str(inspector.headers["Authorization"]).removeprefix("Bearer "), name="手机")
    catalog = Catalog()
    catalog.add(parse_template(json.dumps(SYNC_TEMPLATE).encode(), "sync_probe"))
    overview = upload(inspector, phone_jpeg(size=(800, 600))).sha256
    freezer = upload(inspector, phone_jpeg(6, size=(900, 600))).sha256
    inspection_id = phone.create(site_id, "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10, "notes": "冷柜偏高"})
    phone.attach(inspection_id, "photos", overview)
    phone.attach(inspection_id, "photos", freezer, item="frozen_temp")
    phone.sync()
    phone.sign(catalog, inspection_id, "manager_sign", "王经理", sha256(b"signature strokes"))
    phone.transition(inspection_id, "submitted")
    phone.sync()
    assert phone.server[inspection_id]["status"] == "submitted"
    return Seeded(inspection_id, overview, freezer)


def open_desk(page: Page, route: str, ready: str) -> None:
    page.evaluate("(route) => { location.hash = route }", route)
    page.wait_for_selector(ready, state="attached")


def button_texts(page: Page) -> list[str]:
    texts: list[str] = page.eval_on_selector_all("button, a.btn, label.check", "els => els.map((e) => e.innerText)")
    return texts


def test_every_desk_page_passes_axe_in_every_mode_without_the_phone_strip(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    seeded = seed(live_server)
    desk = Phone(new_context(viewport=WIDE, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    pages = [
        ("queue", "#/", ".desk-table-wrap > p[data-state=done]"),
        ("inspection", f"#/d/{seeded.inspection_id}", ".desk-item"),
        ("findings", "#/findings", "[data-desk=findings][data-loaded]"),
        ("reports", "#/reports", "[data-desk=reports][data-loaded]"),
        ("plans", "#/plans", "[data-desk=plans][data-loaded]"),
        ("conflicts", "#/conflicts", "[data-conflicts=loaded]"),
    ]
    problems: list[str] = []
    for name, route, ready in pages:
        open_desk(page, route, ready)
        assert page.locator(".strip, #status").count() == 0, name  # the phone's sync strip is not on the desk
        problems += check_page(page, name, phone=False)
        mixed = [text for text in button_texts(page) if TWO_LANGUAGES.search(text)]
        assert mixed == [], name
    page.click("[data-nav=findings]")
    page.wait_for_selector("[data-desk=findings][data-loaded]")
    assert page.get_attribute("[data-desk=findings]", "data-loaded") == "2"  # the licence and the freezer
    page.locator("tr.desk-row[data-finding]").first.click()
    page.wait_for_selector("[data-desk=finding] .finding-head")
    problems += check_page(page, "finding", phone=False)
    open_desk(page, f"#/d/{seeded.inspection_id}", ".desk-item")
    page.click("details[data-audit] > summary")
    page.wait_for_selector("details[data-audit=loaded]")
    problems += check_page(page, "audit", phone=False)
    page.click(f'[data-action=view-photo][data-sha256="{seeded.overview}"]')
    page.wait_for_selector(".viewer-img[src]")
    problems += check_page(page, "viewer", phone=False)
    assert problems == [], "\n".join(problems)
    assert desk.errors == []


def test_the_desk_shows_china_time_photos_where_they_belong_the_failed_items_print_and_pdf(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    seeded = seed(live_server)
    view = live_server.client("supervisor1").get(f"/api/inspections/{seeded.inspection_id}").json()
    desk = Phone(
        new_context(viewport=WIDE, device_scale_factor=1, timezone_id="America/New_York"),
        live_server.url,
    )
    desk_log_in(desk)
    page = desk.page
    assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
    open_desk(page, f"#/d/{seeded.inspection_id}", ".desk-item")

    # times in China time, whatever the browser's zone
    china = datetime.fromisoformat(view["updated_at"]).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    assert f"更新时间：{china}" in page.inner_text(".desk-summary")

    # each photo under the item it documents, once
    freezer, overview = f'img[data-sha256="{seeded.freezer}"]', f'img[data-sha256="{seeded.overview}"]'
    assert page.locator(f'[data-path="frozen_temp"] [data-evidence-for="frozen_temp"] {freezer}').count() == 1
    assert page.locator(freezer).count() == 1
    assert page.locator(f'[data-path="photos"] {overview}').count() == 1
    assert page.locator(overview).count() == 1

    # "2 项不合格" shows the failed items alone; the filter turns them all back on
    link = page.locator("[data-action=show-failed]")
    assert link.inner_text() == "2 项不合格"
    link.click()
    shown = page.locator(".desk-item:visible")
    assert sorted(shown.evaluate_all("els => els.map((e) => e.dataset.path)")) == ["frozen_temp", "licence"]
    assert page.is_checked("input[name=only_failed]")
    page.uncheck("input[name=only_failed]")
    assert page.locator(".desk-item:visible").count() > 2
    page.check("input[name=only_failed]")
    assert page.locator(".desk-item:visible").count() == 2

    # buttons in one language
    assert [text for text in button_texts(page) if TWO_LANGUAGES.search(text)] == []
    assert page.inner_text("[data-action=approve]") == "批准"

    # print: the browser's print, on a page without the desk's controls
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1 } }")
    page.click("[data-action=print]")
    assert page.evaluate("() => window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".desk-nav").is_visible()
    assert not page.locator("[data-action=approve]").is_visible()
    assert page.locator('[data-path="frozen_temp"]').is_visible()
    page.emulate_media(media="screen")

    # the PDF report, downloaded with the token
    with page.expect_download() as download:
        page.click("[data-action=pdf]")
    pdf = download.value
    assert pdf.suggested_filename == f"inspection-{seeded.inspection_id}.pdf"
    path = pdf.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF")

    # the viewer zooms and turns the photo
    page.uncheck("input[name=only_failed]")
    page.click(f'[data-action=view-photo][data-sha256="{seeded.overview}"]')
    page.wait_for_selector(".viewer-img[src]")
    image = page.locator(".viewer-img")
    page.click("[data-action=zoom-in]")
    page.click("[data-action=zoom-in]")
    page.click("[data-action=rotate]")
    assert (image.get_attribute("data-zoom"), image.get_attribute("data-rotation")) == ("2", "90")
    transform = image.evaluate("(img) => img.style.transform")
    assert transform == "rotate(90deg) scale(2)"
    page.keyboard.press("-")
    page.keyboard.press("r")
    assert (image.get_attribute("data-zoom"), image.get_attribute("data-rotation")) == ("1.5", "180")
    assert desk.errors == []

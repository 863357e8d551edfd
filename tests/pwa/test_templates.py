"""The template editor on the desk, in Chromium: the admin builds a small checklist from nothing (a
section, a pass/fail item, a number with limits, a single choice), reorders items by drag and
drop and by the keyboard's up/down buttons, sees the phone's own form render it in the 360 px
preview, sees a validation error appear at its field as they type and go when fixed, reads the
diff, and publishes after the confirmation; inspector1's phone then fills and submits the new
checklist, and the server holds the answers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, FilePayload, FrameLocator, Page

from bench.live import LiveServer
from schemas.json_schema import item_schemas
from tests import ARTIFACTS
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import SHOP, Phone
from tests.workbooks import open_book, saved, set_cell

CHECKLIST = "stall_hygiene"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEM = '.te-item[data-item="{}"]'


def fill(page: Page, path: str, text: str) -> None:
    page.fill(f'input[data-path="{path}"], textarea[data-path="{path}"]', text)


def add_item(page: Page, kind: str, item_id: str, zh: str, en: str) -> str:
    """Add an item of ``kind`` at the end of the first section and give it an id and labels; its path."""
    count = page.locator(".te-section >> nth=0 >> .te-item").count()
    page.select_option('select[data-add-kind="0"]', kind)
    page.locator(".te-section").first.locator("[data-action=add-item]").click()
    base = f"sections/0/items/{count}"
    page.wait_for_selector(f'.te-item[data-path="{base}"]')
    fill(page, f"{base}/id", item_id)
    page.locator(f'input[data-path="{base}/id"]').blur()  # the id re-draws the editor
    page.wait_for_selector(ITEM.format(item_id))
    fill(page, f"{base}/label/zh", zh)
    fill(page, f"{base}/label/en", en)
    fill(page, f"{base}/clause", "市场经营管理规定 五")
    return base


def order(page: Page) -> list[str | None]:
    return [card.get_attribute("data-item") for card in page.locator(".te-section >> nth=0 >> .te-item").all()]


def preview(page: Page) -> FrameLocator:
    return page.frame_locator("iframe.te-preview")


def build_from_nothing(page: Page) -> None:
    """The checklist's fields, a section and three items, each kind's own fields."""
    page.click("[data-nav=templates]")
    page.wait_for_selector("[data-desk=templates][data-loaded]:not([data-loaded=error])")
    page.click("[data-action=new-checklist]")
    page.wait_for_selector("[data-editor=template]")
    fill(page, "checklist_id", CHECKLIST)
    fill(page, "title/zh", "摊位卫生检查")
    fill(page, "title/en", "Stall hygiene")
    fill(page, "description/zh", "农贸市场摊位的日常卫生检查")
    fill(page, "description/en", "Daily hygiene check of market stalls")
    fill(page, "sources/0/title", "市场经营管理规定")
    fill(page, "sections/0/title/zh", "摊位")
    fill(page, "sections/0/title/en", "Stall")

    licence = add_item(page, "single_choice", "licence_shown", "亮证经营", "Licence displayed")
    fill(page, f"{licence}/options/0/label/zh", "已亮证")
    fill(page, f"{licence}/options/0/label/en", "Displayed")
    fill(page, f"{licence}/options/1/label/zh", "未亮证")
    fill(page, f"{licence}/options/1/label/en", "Not displayed")
    page.locator(f'[data-path="{licence}/options/1"] [data-action=fails]').check()

    clean = add_item(page, "pass_fail", "stall_clean", "摊位整洁", "Stall is clean")
    page.locator(f"{ITEM.format('stall_clean')} [data-evidence=photo]").check()

    fridge = add_item(page, "number", "fridge_temp", "冷藏柜温度", "Fridge temperature")
    fill(page, f"{fridge}/unit", "℃")
    fill(page, f"{fridge}/acceptable/min", "0")
    fill(page, f"{fridge}/acceptable/max", "4")
    fill(page, f"{fridge}/bounds/min", "-30")
    fill(page, f"{fridge}/bounds/max", "40")
    page.locator(f'input[data-path="{fridge}/bounds/max_exclusive"]').check()
    assert clean == "sections/0/items/1"


def reorder(page: Page) -> None:
    """The choice goes last by dragging it onto the last item; the number first by the keyboard's ↑, back by ↓."""
    assert order(page) == ["licence_shown", "stall_clean", "fridge_temp"]
    head = page.locator(f"{ITEM.format('licence_shown')} .te-item-head strong")
    head.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60)")
    handle = head.bounding_box()
    foot = page.locator(f"{ITEM.format('fridge_temp')} .te-item-head").bounding_box()  # lands in its place: last
    assert handle is not None and foot is not None
    page.mouse.move(handle["x"] + 5, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(foot["x"] + foot["width"] / 2, foot["y"] + foot["height"] / 2, steps=12)
    page.mouse.up()
    page.wait_for_function("() => [...document.querySelectorAll('.te-item')].pop()?.dataset.item === 'licence_shown'")
    assert order(page) == ["stall_clean", "fridge_temp", "licence_shown"]
    up = page.locator(f"{ITEM.format('fridge_temp')} [data-action=up]")
    up.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.te-item')?.dataset.item === 'fridge_temp'")
    assert order(page) == ["fridge_temp", "stall_clean", "licence_shown"]
    down = page.locator(f"{ITEM.format('fridge_temp')} [data-action=down]")
    down.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.te-item')?.dataset.item === 'stall_clean'")
    assert order(page) == ["stall_clean", "fridge_temp", "licence_shown"]


def add_condition(page: Page) -> None:
    """A note shown only when the stall is not clean: the condition names an earlier item's answer."""
    note = add_item(page, "text", "dirty_note", "脏乱情况说明", "What is dirty")
    assert note == "sections/0/items/3"
    sources = page.locator(f'select[data-path="{note}/show_if/item"] option').all_inner_texts()
    assert sources == [
        "总是显示",
        "摊位整洁 (stall_clean)",
        "亮证经营 (licence_shown)",
    ]  # earlier items that can be chosen
    page.select_option(f'select[data-path="{note}/show_if/item"]', "stall_clean")
    page.locator(f'[data-path="{note}/show_if/any_of"] input[data-value="fail"]').check()


def check_preview(page: Page) -> None:
    """The phone's renderer draws the three items, 360 px wide; a reading outside the limits fails."""
    frame = preview(page)
    frame.locator('.form-page main.section[data-section="section_1"]').wait_for()
    width = page.evaluate("() => document.querySelector('iframe.te-preview').contentWindow.innerWidth")
    assert width == 360
    kinds = [(c.get_attribute("data-path"), c.get_attribute("data-kind")) for c in frame.locator("main .item").all()]
    assert kinds == [("stall_clean", "pass_fail"), ("fridge_temp", "number"), ("licence_shown", "single_choice")]
    assert frame.locator('[data-path="licence_shown"] [data-value="no"]').inner_text() == "未亮证"
    assert "0 ~ 4 ℃" in frame.locator('[data-path="fridge_temp"] .range').inner_text()
    reading = frame.locator('[data-path="fridge_temp"] input.num')
    reading.fill("7")
    reading.blur()
    frame.locator('[data-path="fridge_temp"].failed').wait_for()
    assert frame.locator('[data-path="dirty_note"]').count() == 0  # shown only when not clean
    frame.locator('[data-path="stall_clean"] [data-value="fail"]').click()
    frame.locator('[data-path="stall_clean"].failed').wait_for()
    frame.locator('[data-path="dirty_note"][data-kind="text"]').wait_for()


def preview_survives_a_render(desk: Phone) -> None:
    """A sync re-renders the app (the page re-attached, its iframe emptied): the preview draws again.

    The desk has no sync strip to press: the connection's return starts a sync run, whose end
    renders the app again (a new ``#alerts`` element shows that it did).
    """
    desk.page.evaluate("document.getElementById('alerts').dataset.before = 'render'")
    desk.page.evaluate("window.dispatchEvent(new Event('online'))")
    desk.page.wait_for_selector("#alerts:not([data-before])", state="attached", timeout=60_000)
    frame = preview(desk.page)
    frame.locator('[data-path="stall_clean"].failed').wait_for()
    frame.locator('[data-path="dirty_note"]').wait_for()


def check_validation(page: Page) -> None:
    """Limits reversed: the server's message appears at the range as the admin types, and goes."""
    page.wait_for_selector('.te-checks[data-errors="0"]')
    fill(page, "sections/0/items/1/acceptable/min", "10")
    error = page.locator(f'{ITEM.format("fridge_temp")} .te-error[data-error-path="sections/0/items/1/acceptable"]')
    error.wait_for()
    assert "下限 10 高于上限 4" in error.inner_text()
    assert page.locator(".te-checks").get_attribute("data-errors") == "1"
    fill(page, "sections/0/items/1/acceptable/min", "0")
    page.wait_for_selector('.te-checks[data-errors="0"]')
    assert page.locator(".te-error").count() == 0


def switch_language(page: Page) -> None:
    """The page is built again in English and back: the checklist being edited stays open, unchanged."""
    page.click('.desk-bar button:has-text("English")')
    page.wait_for_selector('[data-action=publish]:has-text("Publish")')
    page.wait_for_selector(f'[data-desk=templates][data-editing="{CHECKLIST}"]')
    assert page.input_value('input[data-path="checklist_id"]') == CHECKLIST
    assert order(page) == ["stall_clean", "fridge_temp", "licence_shown", "dirty_note"]
    page.click('.desk-bar button:has-text("中文")')
    page.wait_for_selector('[data-action=publish]:has-text("发布")')
    page.wait_for_selector('.te-checks[data-errors="0"]')


def publish(page: Page, admin: httpx.Client) -> None:
    """The diff lists the three items as new; publishing asks first (cancel keeps it unpublished)."""
    added = page.locator(".te-diff [data-diff=added] li")
    assert sorted(li.get_attribute("data-item") or "" for li in added.all()) == sorted(
        ["stall_clean", "fridge_temp", "licence_shown", "dirty_note"]
    )
    page.click("[data-action=publish]")
    dialog = page.locator("dialog[data-dialog=publish]")
    assert dialog.locator(f'[data-confirm="{CHECKLIST}:1"]').is_visible()
    page.click("[data-action=cancel-publish]")
    assert not dialog.is_visible()
    assert CHECKLIST not in [c["id"] for c in admin.get("/api/checklists").json()]
    page.click("[data-action=publish]")
    page.click("[data-action=confirm-publish]")
    page.wait_for_selector(f'[data-published="{CHECKLIST}:1"]')
    page.wait_for_selector(f'tr[data-checklist="{CHECKLIST}"][data-latest="1"]')
    # what is published is now what edits differ from, and the next publish would be version 2
    page.wait_for_selector(".te-diff [data-diff=none]")
    page.click("[data-action=publish]")
    assert dialog.locator(f'[data-confirm="{CHECKLIST}:2"]').is_visible()
    page.click("[data-action=cancel-publish]")


def published_template(live: LiveServer) -> dict[str, Any]:
    """The template the server stored for the new checklist's version 1 (its real database)."""
    assert live.settings.data_dir is not None
    with closing(sqlite3.connect(live.settings.data_dir / "xunjian.db")) as db:
        (text,) = db.execute(
            "SELECT template_json FROM checklist_version WHERE checklist_id = ? AND version = 1", [CHECKLIST]
        ).fetchone()
    template: dict[str, Any] = json.loads(text)
    return template


def test_an_admin_builds_previews_and_publishes_a_checklist_an_inspector_fills(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    desk = Phone(new_context(viewport={**DESK, "height": 1600}), live_server.url)  # the drag's ends both in view
    desk_log_in(desk, "admin")
    page = desk.page
    build_from_nothing(page)
    reorder(page)
    add_condition(page)
    check_preview(page)
    preview_survives_a_render(desk)
    check_validation(page)
    switch_language(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-template-editor.png"), full_page=True)
    admin = live_server.client("admin")
    publish(page, admin)
    assert desk.errors == []

    schema = admin.get(f"/api/checklists/{CHECKLIST}/versions/1/schema").json()
    assert schema["x-sections"][0]["items"] == ["stall_clean", "fridge_temp", "licence_shown", "dirty_note"]
    items = item_schemas(schema)  # a conditional item is in patternProperties (if/then)
    assert items["dirty_note"]["x-show-if"] == {"item": "stall_clean", "any_of": ["fail"]}
    assert items["fridge_temp"]["x-acceptable"] == {"min": 0, "max": 4}
    assert published_template(live_server)["sections"][0]["items"][1]["bounds"] == {
        "min": -30,
        "max": 40,
        "min_exclusive": False,
        "max_exclusive": True,
    }
    assert schema["properties"]["licence_shown"]["x-fail-values"] == ["no"]
    assert schema["properties"]["stall_clean"]["x-evidence-on-fail"] == ["photo"]

    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection(site=SHOP, checklist=CHECKLIST)
    phone.choose("stall_clean", "pass")
    phone.type_number("fridge_temp", "3.5")
    phone.choose("licence_shown", "yes")
    phone.submit()
    phone.wait_synced()
    assert phone.errors == []
    held = admin.get(f"/api/inspections/{inspection_id}").json()
    assert held["status"] == "submitted"
    assert held["checklist_id"] == CHECKLIST and held["version"] == 1
    assert {k: held["answers"][k] for k in ("stall_clean", "fridge_temp", "licence_shown")} == {
        "stall_clean": "pass",
        "fridge_temp": 3.5,
        "licence_shown": "yes",
    }


def test_every_published_version_opens_unchanged_and_its_spreadsheet_comes_back(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """Each shipped checklist's latest version opened in the editor is the same template (the
    server's checks find nothing and its diff nothing); a stricter limit shows as one change; the
    version's spreadsheet downloads, and uploaded again it opens in the editor unchanged."""
    desk = Phone(new_context(viewport=DESK, accept_downloads=True), live_server.url)
    desk_log_in(desk, "admin")
    page = desk.page
    page.click("[data-nav=templates]")
    page.wait_for_selector("[data-desk=templates][data-loaded]:not([data-loaded=error])")
    rows = page.locator("tr[data-checklist]")
    latest = {r.get_attribute("data-checklist"): r.get_attribute("data-latest") for r in rows.all()}
    assert len(latest) >= 5
    for checklist, version in latest.items():
        row = page.locator(f'tr[data-checklist="{checklist}"] [data-version="{version}"]')
        row.locator("[data-action=edit-version]").click()
        page.wait_for_selector(f'[data-desk=templates][data-editing="{checklist}"]')
        page.wait_for_selector('.te-checks[data-errors="0"]')
        page.wait_for_selector(".te-diff [data-diff=none]")
        assert page.locator("iframe.te-preview").count() == 1
        page.click("[data-action=close-editor]")
        page.wait_for_selector("[data-desk=templates]:not([data-editing])")

    # a stricter limit on the supermarket's version: one change, field by field
    supermarket = page.locator(
        f'tr[data-checklist="supermarket_service"] [data-version="{latest["supermarket_service"]}"]'
    )
    supermarket.locator("[data-action=edit-version]").click()
    page.wait_for_selector(".te-diff [data-diff=none]")
    item_id = "chilled_meat_cabinet_temp"  # -2 ~ 5 ℃
    checked = page.locator(f'{ITEM.format(item_id)} input[data-path$="/acceptable/max_exclusive"]')
    assert not checked.is_checked()
    checked.check()
    change = page.locator(f'.te-diff tr[data-item="{item_id}"][data-field="acceptable.max_exclusive"]')
    change.wait_for()
    assert change.locator(".after").inner_text() == "是"
    page.click("[data-action=close-editor]")

    # download a version's spreadsheet, upload it again: it opens unchanged
    with page.expect_download() as download:
        page.locator('tr[data-checklist="market_order"] [data-version="1"] [data-action=download]').click()
    downloaded = download.value
    assert downloaded.suggested_filename == "market_order-v1.xlsx"
    workbook = downloaded.path()
    assert workbook.read_bytes()[:2] == b"PK"
    # a person types a word where a number goes: the upload lists the error by row, loads nothing
    book = open_book(workbook.read_bytes())
    bad_row = set_cell(book["survey"], "full_cleanings", "acceptable_min", "两次")
    broken: FilePayload = {"name": "market_order.xlsx", "mimeType": XLSX, "buffer": saved(book)}
    page.set_input_files("input[data-upload=xlsx]", files=[broken])
    errors = page.locator("[data-upload-errors]")
    errors.wait_for()
    assert f"第 {bad_row} 行" in errors.inner_text()
    assert page.locator("[data-desk=templates][data-editing]").count() == 0

    page.set_input_files("input[data-upload=xlsx]", workbook)
    page.wait_for_selector("[data-upload-loaded]")
    page.wait_for_selector('[data-desk=templates][data-editing="market_order"]')
    page.wait_for_selector('.te-checks[data-errors="0"]')
    assert desk.errors == []

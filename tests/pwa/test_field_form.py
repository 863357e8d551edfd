"""Field UX (issue 18), a shorter form at 360 px: 本节全部合格 and its undo, 下一个未填项, the ± key
on a freezer temperature, deleting a photo and discarding a draft only after asking, the
signer seeing the failed items above the pad, and a number or a text half typed when a sync ends."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Dialog

from bench.device import Device
from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.phone import Phone, camera_jpeg

FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"


def shot(phone: Phone, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def pass_fail_values(phone: Phone) -> dict[str, str | None]:
    return dict(
        phone.page.evaluate(
            """() => [...document.querySelectorAll('main > .item[data-kind=pass_fail]')].map((card) =>
              [card.dataset.path, card.querySelector(':scope > .pf .on')?.dataset.value ?? null])"""
        )
    )


def test_section_all_pass_with_undo_and_next_unanswered(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.start_inspection()
    phone.go_to_section("4.2")
    items = pass_fail_values(phone)
    assert len(items) > 3 and set(items.values()) == {None}
    first = next(iter(items))
    phone.choose(first, "fail")  # a failed item stays failed
    phone.page.click("[data-action=section-pass]")
    phone.page.wait_for_selector("[data-action=undo-pass]")
    after = pass_fail_values(phone)
    assert after[first] == "fail"
    assert all(after[p] == "pass" for p in items if p != first)
    assert phone.page.locator("[data-action=section-pass]").count() == 0  # nothing left to mark
    shot(phone, "section-all-pass")
    phone.page.click("[data-action=undo-pass]")
    phone.page.wait_for_function(
        "() => [...document.querySelectorAll('main > .item[data-kind=pass_fail] .pf .on')].length === 1"
    )
    assert pass_fail_values(phone) == {**dict.fromkeys(items), first: "fail"}

    phone.page.click("[data-action=next-unanswered]")  # the next required item not answered: here
    jumped = phone.page.locator("[data-jumped=true]")
    jumped.wait_for()
    path = jumped.get_attribute("data-path")
    assert path in items and path != first
    phone.go_to_section("5 场地")
    phone.page.click("[data-action=next-unanswered]")  # from the section shown onwards (wrapping: node tests)
    phone.page.wait_for_selector("main.section[data-section=environment] [data-jumped=true]")
    assert phone.errors == []


def test_the_plus_minus_key_types_a_minus_where_the_range_allows_it(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.start_inspection()
    assert phone.card("sales_area_m2").locator("[data-action=negate]").count() == 0  # 0 … 1,000,000
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")
    phone.go_to_section("6.2")
    field = phone.card(FROZEN).locator("input.num")
    field.fill("19")
    phone.card(FROZEN).locator("[data-action=negate]").click()
    phone.page.wait_for_selector(f'[data-path="{FROZEN}"].pending')
    assert phone.card(FROZEN).locator("input.num").input_value() == "-19"
    assert "failed" not in (phone.card(FROZEN).get_attribute("class") or "")  # below -18 ℃ (6.2.1): cold enough
    shot(phone, "plus-minus")
    assert phone.errors == []


def test_a_photo_is_deleted_and_a_draft_discarded_only_when_confirmed(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    photos = '[data-path="site_overview_photos"]'
    phone.take_photo(f"{photos} input[type=file]", camera_jpeg())
    asked: list[str] = []

    def answer(accept: bool) -> Callable[[Dialog], None]:
        def handle(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    phone.page.once("dialog", answer(False))
    phone.page.click(f"{photos} [data-action=remove-photo]")
    assert asked == ["确定删除这张照片？"]
    assert phone.page.locator(f"{photos} .thumb").count() == 1  # kept
    phone.page.once("dialog", answer(True))
    phone.page.click(f"{photos} [data-action=remove-photo]")
    phone.page.wait_for_function(f"() => document.querySelectorAll('{photos} .thumb').length === 0")

    phone.page.once("dialog", answer(False))
    phone.page.click("[data-action=discard-draft]")
    assert asked[-1].startswith("确定放弃此草稿？")
    assert phone.page.locator(".form-page").count() == 1  # still here
    phone.page.once("dialog", answer(True))
    phone.page.click("[data-action=discard-draft]")
    phone.page.wait_for_selector("[data-action=new-inspection]")
    phone.wait_synced()
    assert phone.page.locator(f'[data-inspection="{inspection_id}"]').count() == 0
    status = live_server.client("inspector1").get(f"/api/inspections/{inspection_id}")
    assert status.status_code == 404 or status.json()["status"] == "deleted"
    assert phone.errors == []


def test_the_signer_sees_the_failed_items_above_the_pad(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.start_inspection()
    phone.go_to_section("4.2")
    failed = phone.page.locator("main > .item[data-kind=pass_fail]").first
    label = failed.locator("h3").inner_text()
    phone.choose(failed.get_attribute("data-path") or "", "fail")
    phone.go_to_section("检查结论")
    phone.card(SIGNATURE).locator("[data-action=sign]").click()
    listed = phone.page.locator(".sheet [data-signing-list]")
    listed.wait_for()
    assert listed.get_attribute("data-signing-list") == "1"
    text = listed.inner_text()
    assert "不合格项（1）" in text and label in text and "联华超市" in text
    box = listed.bounding_box()
    pad = phone.page.locator(".sheet canvas[data-pad=signer]").bounding_box()
    assert box is not None and pad is not None and box["y"] < pad["y"]  # above the pad
    shot(phone, "signer-list")
    assert phone.errors == []


def test_a_note_on_an_item_reaches_the_server_and_comes_back(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.go_to_section("4.2")
    card = phone.page.locator("main > .item[data-kind=pass_fail]").first
    path = card.get_attribute("data-path") or ""
    card.locator("[data-action=item-note]").click()
    card.locator("textarea[name=item-note]").fill("营业执照复印件挂在收银台后面")
    card.locator("[data-action=save-note]").click()
    phone.page.wait_for_selector(f'[data-note="{path}"]')
    assert "营业执照复印件挂在收银台后面" in phone.card(path).locator(".item-note").inner_text()
    shot(phone, "item-note")
    phone.wait_synced()
    view = live_server.client("inspector1").get(f"/api/inspections/{inspection_id}").json()
    assert view["notes"][path]["text"] == "营业执照复印件挂在收银台后面"
    assert path not in view["answers"]  # a note is no answer
    phone.reload()  # from the pulled document now
    phone.page.wait_for_selector(f'[data-note="{path}"]')
    assert phone.errors == []


def test_the_section_list_shows_counts_and_jumps(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    phone.start_inspection()
    phone.go_to_section("4.2")
    first = phone.page.locator("main > .item[data-kind=pass_fail]").first
    phone.choose(first.get_attribute("data-path") or "", "fail")
    phone.page.click(".section-list summary")
    credit = phone.page.locator('[data-jump="credit"]')
    assert "1/" in credit.inner_text() and "✕1" in credit.inner_text()
    shot(phone, "section-list")
    phone.page.click('[data-jump="after_sales"]')
    phone.page.wait_for_selector('main.section[data-section="after_sales"]')
    assert phone.errors == []


def test_what_is_typed_stays_through_a_sync_that_ends_meanwhile(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    """A number or a text is recorded when the field is left; a sync that ends while it is being typed
    (each minute in view, when the network comes back) renders the form again, and the field must come
    back with what was typed, the caret where it was, still focused."""
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    for section, path, first, rest in [
        (None, "sales_area_m2", "12", "34"),
        ("4.1", "first_responsible_person", "张", "经理"),
    ]:
        if section:
            phone.go_to_section(section)
        phone.card(path).locator("input").click()
        phone.page.keyboard.type(first)
        phone.synced_in_background()
        field = phone.card(path).locator("input")
        # one look at the page (a locator's evaluate may find the field before the next render, then run after it)
        focused = "(path) => { const el = document.querySelector(`[data-path='${path}'] input`);"
        focused += " return el === document.activeElement && el.selectionStart }"
        assert phone.page.evaluate(focused, path) == len(first)
        phone.page.keyboard.type(rest)
        assert field.input_value() == first + rest
        phone.page.keyboard.press("Tab")  # left: now it is recorded, and sent soon
    inspector = live_server.client("inspector1")
    wanted = {"sales_area_m2": 1234, "first_responsible_person": "张经理"}
    for _ in range(120):  # until the edit's sync has run (1.5 s after it), or 60 s
        answers = inspector.get(f"/api/inspections/{inspection_id}").json()["answers"]
        if {k: answers.get(k) for k in wanted} == wanted:
            break
        phone.page.wait_for_timeout(500)
    assert {k: answers.get(k) for k in wanted} == wanted

    # a field only focused, nothing typed, shows what a sync brings: here the inspector's other device's area
    other = Device(inspector, inspector.headers["Authorization"].removeprefix("Bearer "))
    other.sync()
    other.set(inspection_id, {"sales_area_m2": 2345})
    other.sync()
    phone.go_to_section("基本情况")
    phone.card("sales_area_m2").locator("input").click()
    phone.synced_in_background()
    assert phone.card("sales_area_m2").locator("input").input_value() == "2345"
    assert phone.errors == []

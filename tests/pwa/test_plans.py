"""Plans, due inspections and coverage in Chromium: supervisor1 plans inspector1's shop at the desk
(a plan the server refuses first, with what was typed kept; a daily plan created and deactivated
after confirming); inspector1's phone syncs and lists the weekly inspection due, still lists it
offline after a reload, starts it from the list (then “进行中”), fills, signs and submits it
offline, and syncs when the signal returns; the desk's coverage of the month shows the week
done, as the API does. A second device starting the same shop and checklist the same day is
flagged: in the desk's duplicates and with a badge in the review queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
from playwright.sync_api import BrowserContext, Locator, Page

from bench.device import Device
from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import SHOP, SUPERMARKET, Phone

FROZEN = "frozen_cabinet_temp"
SIGNATURE = "store_manager_signature"


def china_today() -> date:
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def this_week(today: date) -> tuple[str, str]:
    start = today - timedelta(days=today.weekday())
    return start.isoformat(), (start + timedelta(days=6)).isoformat()


def month_range(today: date) -> dict[str, str]:
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return {"first": today.replace(day=1).isoformat(), "last": (following - timedelta(days=1)).isoformat()}


def plans_loaded(page: Page, plans: int) -> None:
    page.wait_for_selector(f'[data-desk=plans][data-loaded]:not([data-loaded=error])[data-plans="{plans}"]')


def create_plan(page: Page, kind: str, cadence: str = "") -> None:
    page.select_option("select[name=plan_kind]", kind)
    page.select_option("select[name=plan_cadence]", cadence)
    page.click("[data-action=create-plan]")


def plan_at_the_desk(page: Page, supervisor: httpx.Client, inspector_id: str) -> tuple[str, str]:
    """Through the form: a refused plan, a daily one (deactivated after confirming), a weekly one."""
    page.click("[data-nav=plans]")
    plans_loaded(page, 0)
    assert page.locator("[data-nav]").all_inner_texts() == ["审核队列", "问题整改", "冲突处理", "报表", "计划"]
    page.select_option("select[name=plan_site]", label=SHOP)
    page.select_option("select[name=plan_checklist]", SUPERMARKET)
    page.select_option("select[name=plan_assignee]", inspector_id)
    create_plan(page, "other")  # kind "other" needs a cadence: the server says so
    refused = page.locator("[data-plan-note] [data-problem=invalid-input]")
    refused.wait_for()
    assert "cadence" in refused.inner_text()
    assert page.input_value("select[name=plan_kind]") == "other"  # what was typed stays
    assert page.input_value("select[name=plan_assignee]") == inspector_id
    assert supervisor.get("/api/schedules").json() == []

    create_plan(page, "other", "daily")
    plans_loaded(page, 1)
    daily = page.get_attribute("[data-plan-note] [data-created]", "data-created")
    assert daily is not None
    create_plan(page, "weekly_full_inspection")
    plans_loaded(page, 2)
    weekly = page.get_attribute("[data-plan-note] [data-created]", "data-created")
    assert weekly is not None and weekly != daily
    row = page.locator(f'.plans-table tr[data-plan="{weekly}"]')
    assert (row.get_attribute("data-kind"), row.get_attribute("data-cadence")) == ("weekly_full_inspection", "weekly")
    assert row.get_attribute("data-assignee") == inspector_id
    assert "每周全面检查" in row.inner_text() and "张巡检" in row.inner_text()

    # deactivate the daily plan: it asks first; cancelling keeps it
    daily_row = page.locator(f'.plans-table tr[data-plan="{daily}"]')
    daily_row.locator("[data-action=deactivate]").click()
    assert "停用此计划" in daily_row.inner_text()
    daily_row.locator("[data-action=cancel-deactivate]").click()
    assert daily_row.locator("[data-action=confirm-deactivate]").count() == 0
    assert len(supervisor.get("/api/schedules").json()) == 2
    daily_row.locator("[data-action=deactivate]").click()
    daily_row.locator("[data-action=confirm-deactivate]").click()
    plans_loaded(page, 1)
    listed = supervisor.get("/api/schedules").json()
    assert [(p["id"], p["kind"], p["cadence"], p["assignee_id"]) for p in listed] == [
        (weekly, "weekly_full_inspection", "weekly", inspector_id)
    ]
    # this month: the week is due, nothing done yet
    chips = page.locator(f'.coverage-table tr[data-plan="{weekly}"] .period-chip')
    assert chips.evaluate_all("(els) => els.map((e) => [e.dataset.period, e.dataset.status])") == [
        [this_week(china_today())[0], "due"]
    ]
    return weekly, daily


def due_item(phone: Phone, plan_id: str, state: str) -> Locator:
    locator = phone.page.locator(f'[data-due-item][data-plan="{plan_id}"][data-state="{state}"]')
    locator.wait_for()
    return locator


def test_a_planned_inspection_is_due_on_the_phone_offline_done_and_covered_at_the_desk(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    supervisor = live_server.client("supervisor1")
    users = supervisor.get("/api/directory").json()["users"]
    inspector_id = next(u["id"] for u in users if u["username"] == "inspector1")
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    page = desk.page
    weekly, daily = plan_at_the_desk(page, supervisor, inspector_id)
    today = china_today()
    start, end = this_week(today)

    # --- the phone syncs and lists the week's inspection due, as the API does ---
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspector = live_server.client("inspector1")
    assert [(d["plan_id"], d["start"], d["end"], d["status"]) for d in inspector.get("/api/schedules/due").json()] == [
        (weekly, start, end, "due")
    ]
    item = due_item(phone, weekly, "start")
    assert item.get_attribute("data-status") == "due"
    assert item.locator("[data-period]").inner_text() == f"本周 {start} ~ {end}"
    text = item.inner_text()
    assert "超市服务管理规范检查表" in text and SHOP in text and "每周全面检查" in text and "待检" in text
    assert phone.page.locator(f'[data-due-item][data-plan="{daily}"]').count() == 0  # deactivated
    assert phone.page.locator(".due-tasks [data-updated]").inner_text().startswith("更新于 ")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / "phone-due.png"), full_page=True)

    # --- offline, after a reload: still listed; started from the list, then in progress ---
    phone.offline()
    phone.reload()
    due_item(phone, weekly, "start").locator("[data-action=start-due]").click()
    phone.page.wait_for_selector(".form-page")
    inspection_id = phone.page.get_attribute(".form-page", "data-inspection")
    assert inspection_id is not None
    started = phone.page.evaluate("() => location.hash")
    assert started == f"#/i/{inspection_id}/s/0"
    phone.page.evaluate("() => { location.hash = '#/' }")
    busy = due_item(phone, weekly, "in_progress")
    assert "进行中" in busy.inner_text()
    assert busy.locator("[data-action=open-due]").get_attribute("data-started") == inspection_id
    assert phone.page.locator(f'[data-inspection="{inspection_id}"][data-sync=waiting]').count() == 1
    phone.page.screenshot(path=str(ARTIFACTS / "phone-due-in-progress.png"), full_page=True)

    # --- filled, signed and submitted offline: the list says submitted, nothing sent yet ---
    busy.locator("[data-action=open-due]").click()
    phone.page.wait_for_selector(f'.form-page[data-inspection="{inspection_id}"]')
    phone.fill_everything()
    phone.go_to_section("6.2")
    phone.type_number(FROZEN, "-20")
    phone.go_to_section("检查结论")
    phone.sign(SIGNATURE)
    phone.submit()
    phone.page.evaluate("() => { location.hash = '#/' }")
    due_item(phone, weekly, "submitted")
    assert phone.unsynced() > 0
    assert supervisor.get("/api/inspections", params={"status": "submitted"}).json() == []

    # --- the signal returns: sent once, and the next due list no longer has the week ---
    phone.offline(False)
    phone.wait_synced()
    phone.sync()
    phone.page.wait_for_selector(".due-tasks [data-due-none]")
    assert inspector.get("/api/schedules/due").json() == []
    listed = supervisor.get("/api/inspections").json()
    assert [(i["id"], i["status"]) for i in listed] == [(inspection_id, "submitted")]

    # --- the desk's coverage of the month: the week done, linking to the inspection; the API agrees ---
    page.click("[data-desk=plans] [data-action=reload]")
    page.wait_for_selector(f'.coverage-table tr[data-plan="{weekly}"][data-done="1"]')
    covered = supervisor.get("/api/schedules/coverage", params=month_range(today)).json()
    periods = [(p["plan_id"], p["start"], p["status"], p["inspection_id"]) for p in covered["periods"]]
    assert periods == [(weekly, start, "done", inspection_id)]
    row = page.locator(f'.coverage-table tr[data-plan="{weekly}"]')
    assert (row.get_attribute("data-planned"), row.get_attribute("data-percent")) == ("1", "100")
    chip = row.locator(f'.period-chip[data-period="{start}"]')
    assert (chip.get_attribute("data-status"), chip.get_attribute("href")) == ("done", f"#/d/{inspection_id}")
    totals = page.locator(".plan-totals")
    assert (totals.get_attribute("data-planned"), totals.get_attribute("data-done")) == ("1", "1")
    assert page.locator("[data-desk=plans]").get_attribute("data-duplicates") == "0"

    # --- a second device starts the same shop and checklist today: a possible duplicate ---
    tablet = Device(inspector, str(inspector.headers["Authorization"]).removeprefix("Bearer "), name="平板")
    site_id = {s["name"]: s["id"] for s in inspector.get("/api/sites").json()}[SHOP]
    second = tablet.create(site_id, SUPERMARKET)
    tablet.sync()
    assert second in tablet.server
    flagged = supervisor.get("/api/schedules/duplicates").json()
    assert [(d["site_id"], d["checklist_id"], sorted(d["inspection_ids"])) for d in flagged] == [
        (site_id, SUPERMARKET, sorted([inspection_id, second]))
    ]
    page.click("[data-desk=plans] [data-action=reload]")
    page.wait_for_selector('[data-desk=plans][data-duplicates="1"]')
    duplicate = page.locator(f'tr[data-duplicate="{site_id}:{SUPERMARKET}:{flagged[0]["day"]}"]')
    links = duplicate.locator("a[data-inspection]")
    assert sorted(links.evaluate_all("(els) => els.map((e) => e.getAttribute('href'))")) == sorted(
        [f"#/d/{inspection_id}", f"#/d/{second}"]
    )
    page.screenshot(path=str(ARTIFACTS / "desk-plans.png"), full_page=True)
    duplicate.locator(f'a[data-inspection="{second}"]').click()
    page.wait_for_selector(f'[data-desk=inspection][data-inspection="{second}"][data-status=draft]')

    # --- the review queue: the submitted one carries the badge; with every status, both do ---
    page.click("[data-nav=queue]")
    page.wait_for_selector(f'tr.desk-row[data-inspection="{inspection_id}"] [data-duplicate]')
    assert "疑似重复" in page.inner_text(f'tr.desk-row[data-inspection="{inspection_id}"]')
    page.select_option("[data-desk=queue] select[name=status]", "")
    page.wait_for_selector(f'tr.desk-row[data-inspection="{second}"] [data-duplicate]')
    assert page.locator("tr.desk-row [data-duplicate]").count() == 2

    # --- in English, the plans page is rebuilt with the same figures ---
    page.click("[data-nav=plans]")
    plans_loaded(page, 1)
    page.click(".desk-bar button:has-text('English')")
    page.wait_for_selector("[data-desk=plans][data-loaded] [data-nav=plans]:has-text('Plans')")
    plans_loaded(page, 1)
    row = page.locator(f'.coverage-table tr[data-plan="{weekly}"]')
    assert "Weekly full inspection" in row.inner_text() and "done" in row.locator(".period-chip").inner_text()
    assert row.get_attribute("data-percent") == "100"
    assert phone.errors == []
    assert desk.errors == []

"""The desk's reports and findings pages in Chromium, against data an inspector sent over the HTTP
sync API: four inspections of one shop this month (an earlier passing one, one with two failed
items, a photo and the manager's signature, a later one that passes the temperature, and one
where the temperature fails again: a repeat), and a monthly plan for the shop. The supervisor
reads the month's report (figures equal to the API's, charts with a bar per failed item),
downloads the CSV export, follows the repeat to the finding it repeats, then takes the failed
licence through its corrective action: assigned for 3 working days, verified with a note and a
later inspection (after the server refused an earlier one), closed. Another supervisor verifies the
same licence with a photo taken on the spot instead: prepared in the browser, uploaded (after a
refused upload left the note and the photo in place), then verified with it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, FilePayload, Page, Route

from bench.device import Device
from bench.live import LiveServer
from bench.uploader import upload
from schemas.catalog import Catalog, parse_template
from tests import ARTIFACTS
from tests.clients import SHOP
from tests.images import phone_jpeg
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import Phone, camera_jpeg, sha256
from tests.templates import SYNC_TEMPLATE

RESPONSIBLE = "店长 王经理"
CHINA = timedelta(hours=8)


def china_today() -> date:
    return (datetime.now(UTC) + CHINA).date()


def after_working_days(start: date, days: int) -> date:
    """The ``days``-th weekday after ``start`` (the live server has no holidays configured)."""
    day = start
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@dataclass
class Seeded:
    site_id: str
    earlier: str
    failed: str
    later: str
    again: str
    photo: str


def seed(live: LiveServer) -> Seeded:
    """Publish the probe checklist, plan the shop monthly, and send three inspections as a phone does."""
    admin = live.client("admin")
    published = admin.post("/api/checklists", json=SYNC_TEMPLATE)
    assert published.status_code == 201, published.text
    site_id = {s["name"]: s["id"] for s in admin.get("/api/sites").json()}[SHOP]
    supervisor = live.client("supervisor1")
    month_start = china_today().replace(day=1)
    plan = {
        "site_id": site_id,
        "checklist_id": "sync_probe",
        "kind": "monthly_spot_check",
        "starts_on": (month_start - timedelta(days=1)).replace(day=1).isoformat(),  # the previous month: missed
    }
    created = supervisor.post("/api/schedules", json=plan)
    assert created.status_code in (200, 201), created.text

    inspector = live.client("inspector1")
    phone = Device(inspector, str(inspector.headers["Authorization"]).removeprefix("Bearer "), name="手机")
    catalog = Catalog()
    catalog.add(parse_template(json.dumps(SYNC_TEMPLATE).encode(), "sync_probe"))

    def submitted(answers: dict[str, Any], photo: str | None = None, signer: str | None = None) -> str:
        inspection_id = phone.create(site_id, "sync_probe")
        phone.set(inspection_id, answers)
        if photo:
            phone.attach(inspection_id, "photos", photo)
        phone.sync()
        if signer:
            phone.sign(catalog, inspection_id, "manager_sign", signer, sha256(b"signature strokes"))
        phone.transition(inspection_id, "submitted")
        phone.sync()
        assert phone.server[inspection_id]["status"] == "submitted"
        return inspection_id

    earlier = submitted({"licence": "pass", "frozen_temp": -20})
    photo = upload(inspector, phone_jpeg(size=(800, 600))).sha256
    failed = submitted({"licence": "fail", "frozen_temp": -10, "notes": "证照过期，冷柜偏高"}, photo, "王经理")
    later = submitted({"licence": "na", "frozen_temp": -20})  # passes the temperature: that action verifies itself
    again = submitted({"licence": "na", "frozen_temp": -12})  # the temperature fails again: a repeat finding
    return Seeded(site_id, earlier, failed, later, again, photo)


def figure(page: Page, key: str) -> tuple[float | None, str, str]:
    """A headline tile: its number (data-value), its text, its change (data-change)."""
    tile = page.locator(f'[data-figure="{key}"]')
    value = tile.get_attribute("data-value") or ""
    change = tile.locator("[data-change]")
    return (
        float(value) if value else None,
        tile.locator(".figure-value").inner_text(),
        f"{change.get_attribute('data-change')}|{change.get_attribute('class')}",
    )


def open_reports(page: Page) -> str:
    page.click("[data-nav=reports]")
    page.wait_for_selector("[data-desk=reports][data-loaded]")
    loaded = page.get_attribute("[data-desk=reports]", "data-loaded")
    assert loaded is not None and loaded != "error"
    return loaded


def check_report(page: Page, supervisor: httpx.Client, month: str, **params: str) -> dict[str, Any]:
    """Every headline tile shows the number the API gives for the period, and the change.

    ``month`` is ``YYYY-MM``, or ``YYYY-Qn`` for the quarterly report; ``params`` add a district.
    """
    kind, key = ("quarterly", "quarter") if "-Q" in month else ("monthly", "month")
    response = supervisor.get(f"/api/reports/{kind}", params={key: month, **params})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    now, before, change = report["current"], report["previous"], report["change"]

    def coverage(f: dict[str, Any]) -> float | None:
        return round(100 * f["planned_done"] / f["planned"], 1) if f["planned"] else None

    def minus(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 1)

    expected = {
        "inspections": (now["inspections"], change["inspections"]),
        "planned": (now["planned_done"], minus(now["planned_done"], before["planned_done"])),
        "coverage": (coverage(now), minus(coverage(now), coverage(before))),
        "average_score": (now["average_score"], change["average_score"]),
        "pass_rate": (now["pass_rate"], change["pass_rate"]),
        "failed_answers": (now["failed_answers"], change["failed_answers"]),
        "open": (now["actions"]["open"], change["open_actions"]),
        "overdue": (now["actions"]["overdue"], change["overdue_actions"]),
        "closed": (now["actions"]["closed"], now["actions"]["closed"] - before["actions"]["closed"]),
        "median_days_to_close": (
            now["actions"]["median_days_to_close"],
            minus(now["actions"]["median_days_to_close"], before["actions"]["median_days_to_close"]),
        ),
        "repeat_findings": (now["repeat_findings"], change["repeat_findings"]),
    }
    for key, (value, delta) in expected.items():
        shown, text, moved = figure(page, key)
        assert shown == value, (key, shown, value)
        if value is not None:
            assert text.startswith(f"{value:g}"), (key, text)
        assert moved.split("|")[0] == ("" if delta is None else f"{delta:g}"), (key, moved, delta)
    return report


def test_a_supervisor_reads_the_month_exports_it_and_closes_a_finding(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    seeded = seed(live_server)
    supervisor = live_server.client("supervisor1")
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1, accept_downloads=True), live_server.url)
    desk_log_in(desk)
    page = desk.page
    assert page.locator("[data-nav]").all_inner_texts() == ["审核队列", "问题整改", "冲突处理", "报表", "计划"]
    page.wait_for_function("() => document.querySelectorAll('tr.desk-row[data-status=submitted]').length === 4")
    page.select_option("[data-desk=queue] select[name=status]", "approved")  # the queue's filters work
    page.wait_for_selector("[data-desk=queue] p:has-text('没有符合条件的巡检')")
    assert page.locator("tr.desk-row").count() == 0

    # --- the month's report: the figures are the API's, and what the seed makes them ---
    month = open_reports(page)
    assert month == china_today().strftime("%Y-%m")
    report = check_report(page, supervisor, month)
    now = report["current"]
    assert (now["inspections"], now["failed_answers"], now["planned"], now["planned_done"]) == (4, 3, 1, 1)
    assert now["repeat_findings"] == 1
    assert report["previous"]["planned_done"] == 0
    assert figure(page, "planned")[1] == "1 / 1"
    assert figure(page, "inspections")[2] == "4|change tone-good"  # ↑ 4 against an empty month, good news
    assert "↑ 4" in page.inner_text('[data-figure="inspections"] [data-change]')
    assert figure(page, "repeat_findings")[2] == "1|change tone-bad"
    assert [d.get_attribute("data-deadline") for d in page.locator(".due-list li").all()] == [
        d["what"] for d in report["deadlines"]
    ]
    assert page.get_attribute('[data-deadline="monthly_report"]', "data-due") == report["deadlines"][1]["due"]

    # --- the charts: a bar per top failing item, labelled zh with the clause; this month against the last ---
    top = now["top_failing_items"]
    assert [(i["item_path"], i["count"]) for i in top] == [("frozen_temp", 2), ("licence", 1)]
    chart = page.locator("svg[data-chart=top-items]")
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label") == "不合格项排名"
    assert chart.locator(":scope > title").text_content() == "不合格项排名"
    bars = chart.locator("[data-bar]")
    assert bars.count() == len(top)
    for bar, item in zip(bars.all(), top, strict=True):
        assert bar.get_attribute("data-bar") == f"sync_probe:{item['item_path']}"
        assert bar.get_attribute("data-value") == str(item["count"])
        label = bar.locator(".chart-label").text_content() or ""
        assert label.startswith(item["label"]["zh"]) and item["clause"][:8] in label, label
        assert float(bar.locator("rect").get_attribute("width") or 0) > 0
    compare = page.locator("svg[data-chart=compare]")
    assert compare.locator('[data-bar="inspections-now"]').get_attribute("data-value") == "4"
    assert compare.locator('[data-bar="inspections-before"]').get_attribute("data-value") == "0"
    assert compare.locator('[data-bar="pass_rate-now"]').get_attribute("data-value") == f"{now['pass_rate']:g}"
    stack = page.locator('svg[data-chart=actions] [data-stack="now"]')
    assert stack.get_attribute("data-total") == str(now["actions"]["findings"]) == "3"
    parts = {r.get_attribute("data-part"): r.get_attribute("data-value") for r in stack.locator("rect").all()}
    assert parts == {"open": "2", "verified": "1"}  # the licence and the repeat are open; one verified itself
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-reports.png"), full_page=True)

    # --- the CSV export of the month has the inspection's row ---
    with page.expect_download() as info:
        page.click("[data-export='inspections.csv']")
    download = info.value
    assert download.suggested_filename == f"巡检-{month}-inspections.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert {r["inspection_id"] for r in rows} == {seeded.earlier, seeded.failed, seeded.later, seeded.again}
    [row] = [r for r in rows if r["inspection_id"] == seeded.failed]
    assert (row["site"], row["status"], row["failed_items"], row["checklist_id"]) == (
        SHOP,
        "submitted",
        "2",
        "sync_probe",
    )

    # --- findings: the overdue summary; repeats only, the repeat links to the finding it repeats ---
    page.click("[data-nav=findings]")
    page.wait_for_selector('[data-desk=findings][data-loaded="3"]')
    summary = supervisor.get("/api/findings/overdue-summary").json()
    assert page.get_attribute("[data-total-open]", "data-total-open") == str(summary["open"]) == "2"
    assert page.get_attribute(f'[data-site="{seeded.site_id}"]', "data-open") == "2"
    page.check("input[name=repeat]")
    page.wait_for_selector('[data-desk=findings][data-loaded="1"]')
    repeat = page.locator("tr[data-finding]")
    assert repeat.get_attribute("data-item-path") == "frozen_temp"
    assert repeat.locator("[data-repeat]").count() == 1
    repeat_id = repeat.get_attribute("data-finding")
    repeat.click()
    page.wait_for_selector(f'[data-desk=finding][data-finding="{repeat_id}"][data-status=open]')
    repeated = supervisor.get(f"/api/findings/{repeat_id}").json()["repeat_of"]
    assert page.get_attribute("[data-repeat-of]", "data-repeat-of") == repeated
    page.click("[data-repeat-of] a")
    page.wait_for_selector(f'[data-desk=finding][data-finding="{repeated}"][data-status=verified]')
    assert page.get_attribute("[data-verification]", "data-verification") == "inspection"
    assert page.get_attribute("[data-verified-by]", "data-verified-by") == seeded.later
    assert page.locator("form[data-form]").evaluate_all("(els) => els.map((e) => e.dataset.form)") == [
        "close",
        "reopen",
    ]

    # --- the failed licence: its evidence and confirmation ---
    page.click("[data-nav=findings]")
    page.wait_for_selector('[data-desk=findings][data-loaded="1"]')  # the filter was kept
    page.uncheck("input[name=repeat]")
    page.wait_for_selector('[data-desk=findings][data-loaded="3"]')
    row_ = page.locator('tr[data-finding][data-item-path="licence"]')
    assert row_.count() == 1 and row_.get_attribute("data-status") == "open"
    page.screenshot(path=str(ARTIFACTS / "desk-findings.png"), full_page=True)
    finding_id = row_.get_attribute("data-finding")
    row_.click()
    page.wait_for_selector(f'[data-desk=finding][data-finding="{finding_id}"][data-status=open]')
    assert page.get_attribute(".finding-head [data-label]", "data-label") == "证照"
    assert "市场管理办法 第十条" in page.inner_text(".finding-head [data-clause]")
    assert page.get_attribute(".finding-head [data-severity]", "data-severity") == "critical"
    assert "王经理" in page.inner_text("[data-confirmed=true]")
    page.wait_for_function(
        "(sha) => { const img = document.querySelector(`img.desk-thumb[data-sha256='${sha}']`);"
        " return img && img.complete && img.naturalWidth > 0 }",
        arg=seeded.photo,
    )

    # --- assign for 3 working days: open, with the deadline ---
    page.fill("input[name=responsible]", RESPONSIBLE)
    page.fill("input[name=working_days]", "3")
    page.click("[data-action=assign]")
    page.wait_for_selector(f'.finding-action [data-responsible="{RESPONSIBLE}"]')
    assert page.get_attribute("[data-desk=finding]", "data-status") == "open"
    deadline = after_working_days(china_today(), 3).isoformat()
    assert page.get_attribute(".finding-action [data-deadline]", "data-deadline") == deadline
    assert deadline in page.inner_text(".finding-action") and "3 个工作日" in page.inner_text(".finding-action")
    page.screenshot(path=str(ARTIFACTS / "desk-finding.png"), full_page=True)

    # --- verify: the earlier inspection is refused with the server's words, the note stays ---
    note = "复查：证照已更新并上墙"
    page.wait_for_selector("select[name=inspection_id][data-later='3']")
    page.fill("textarea[name=verify_note]", note)
    page.select_option("select[name=inspection_id]", seeded.earlier)
    page.click("[data-action=verify]")
    refused = page.locator("[data-problem-box] [data-problem=invalid-input]")
    refused.wait_for()
    assert "not later" in refused.inner_text()
    assert page.input_value("textarea[name=verify_note]") == note
    page.select_option("select[name=inspection_id]", seeded.later)
    page.click("[data-action=verify]")
    page.wait_for_selector("[data-desk=finding][data-status=verified]")
    assert page.get_attribute("[data-verified-by]", "data-verified-by") == seeded.later

    # --- close: the API says closed, with the whole history ---
    page.fill("input[name=close_note]", "整改完成")
    page.click("[data-action=close]")
    page.wait_for_selector("[data-desk=finding][data-status=closed] [data-event=closed]")
    finding = supervisor.get(f"/api/findings/{finding_id}").json()
    assert finding["action"]["status"] == "closed"
    assert (finding["action"]["responsible"], finding["action"]["deadline"]) == (RESPONSIBLE, deadline)
    assert finding["action"]["verification"]["inspection_id"] == seeded.later
    assert finding["action"]["verification"]["note"] == note
    assert [e["kind"] for e in finding["history"]] == ["recorded", "assigned", "verified", "closed"]
    assert page.locator("[data-event]").evaluate_all("(els) => els.map((e) => e.dataset.event)") == [
        "recorded",
        "assigned",
        "verified",
        "closed",
    ]

    # --- back to the report: the closure counts ---
    assert open_reports(page) == month
    report = check_report(page, supervisor, month)
    assert report["current"]["actions"]["closed"] == 1

    # --- in English, the same page is rebuilt with its figures ---
    page.click(".desk-bar button:has-text('English')")
    page.wait_for_selector("[data-desk=reports][data-loaded] [data-nav=reports]:has-text('Reports')")
    assert page.locator("[data-nav]").all_inner_texts() == ["Review queue", "Findings", "Conflicts", "Reports", "Plans"]
    assert page.inner_text('[data-figure="closed"] .figure-label') == "Closed actions"
    check_report(page, supervisor, month)

    # --- this quarter, then one district of the supervisor's: the API's figures again ---
    today = china_today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    page.select_option("select[name=kind]", "quarter")
    page.wait_for_selector(f'[data-desk=reports][data-loaded="{quarter}"]')
    assert check_report(page, supervisor, quarter)["current"]["inspections"] == 4
    districts = {d["name"]: d["id"] for d in supervisor.get("/api/districts").json()}
    assert list(districts) == ["上城区 Shangcheng"]  # supervisor1's only district
    page.select_option("select[name=district_id]", districts["上城区 Shangcheng"])
    page.wait_for_selector(
        f'[data-desk=reports][data-loaded="{quarter}"][data-district="{districts["上城区 Shangcheng"]}"]'
    )
    check_report(page, supervisor, quarter, district_id=districts["上城区 Shangcheng"])
    assert desk.errors == []


def test_a_supervisor_verifies_a_fix_with_a_photo_uploaded_from_the_desk(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    seeded = seed(live_server)
    supervisor = live_server.client("supervisor1")
    findings = supervisor.get("/api/findings", params={"inspection_id": seeded.failed}).json()
    [licence] = [f for f in findings if f["item_path"] == "licence"]
    assert licence["action"]["status"] == "open"
    context = new_context(viewport=DESK, device_scale_factor=1)
    desk = Phone(context, live_server.url)
    desk_log_in(desk)
    page = desk.page
    page.evaluate("(id) => { location.hash = `#/f/${id}` }", licence["id"])
    page.wait_for_selector(f'[data-desk=finding][data-finding="{licence["id"]}"][data-status=open]')
    page.wait_for_selector("form[data-form=verify]")

    # --- no evidence: refused in the page; a note alone is not enough either ---
    page.click("[data-action=verify]")
    page.locator("[data-problem-box] [data-problem=need-input]").wait_for()
    note = "现场复查：新证照已上墙"
    page.fill("textarea[name=verify_note]", note)
    # a second hashchange for the address already open (logging in sets the hash; a test or a link
    # sets it again at once, and both events find the new address) keeps the page itself
    kept = page.evaluate(
        "() => { const built = document.querySelector('[data-desk=finding]');"
        " window.dispatchEvent(new HashChangeEvent('hashchange'));"
        " return built === document.querySelector('[data-desk=finding]') }"
    )
    assert kept, "the finding's page was built again for the address already open"
    page.evaluate("() => { window.sameDocument = true }")  # gone if the app is loaded again
    assert page.input_value("textarea[name=verify_note]") == note
    # away to the findings and back: the page is built again, with the note half written
    page.evaluate("() => { location.hash = '#/findings' }")
    page.wait_for_selector("[data-desk=findings]")
    page.evaluate("(id) => { location.hash = `#/f/${id}` }", licence["id"])
    page.wait_for_selector(f'[data-desk=finding][data-finding="{licence["id"]}"] form[data-form=verify]')
    same_document = page.evaluate("() => window.sameDocument === true")
    assert page.input_value("textarea[name=verify_note]") == note, f"the app was loaded again: {not same_document}"
    page.click("[data-action=verify]")
    page.locator("[data-problem-box] [data-problem=need-input]").wait_for()
    assert page.inner_text("label:has(input[data-verify-photo])") == "上传照片"
    assert page.get_attribute("input[data-verify-photo]", "accept") == "image/*"

    # --- two photos chosen at once, prepared as on the phone; one removed ---
    photos: list[FilePayload] = [
        {"name": "fix.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg()},
        {"name": "other.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg(size=(640, 480))},
    ]
    page.set_input_files("input[data-verify-photo]", files=photos)
    page.wait_for_selector("[data-verify-photos='2']")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-picked] img')].every((i) => i.complete && i.naturalWidth > 0)"
    )
    shas = page.locator("[data-picked] img").evaluate_all("(els) => els.map((e) => e.dataset.sha256)")
    assert len(shas) == 2 and all(len(s) == 64 for s in shas)
    assert sha256(camera_jpeg()) not in shas  # the prepared copy is hashed, not the file picked
    page.click(f'[data-picked="{shas[1]}"] [data-action=remove-photo]')
    page.wait_for_selector("[data-verify-photos='1']")
    sha = shas[0]
    assert supervisor.post("/api/blobs/missing", json={"hashes": [sha]}).json()["missing"] == [sha]

    # --- the first upload is refused: its problem shown, the note and the photo kept ---
    refusals: list[str] = []

    def refuse(route: Route) -> None:
        refusals.append(route.request.method)
        route.fulfill(
            status=507,
            headers={"Content-Type": "application/problem+json"},
            body=json.dumps({"status": 507, "title": "存储空间不足", "detail": "evidence store full"}),
        )

    context.route("**/api/uploads", refuse)
    page.click("[data-action=verify]")
    banner = page.locator("[data-problem-box] .banner.bad")
    banner.wait_for()
    assert "存储空间不足" in banner.inner_text() and "evidence store full" in banner.inner_text()
    assert refusals == ["POST"]
    assert page.get_attribute(f'[data-picked="{sha}"]', "data-upload") == "failed"
    assert page.input_value("textarea[name=verify_note]") == note
    assert supervisor.get(f"/api/findings/{licence['id']}").json()["action"]["status"] == "open"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-finding-verify-refused.png"), full_page=True)
    context.unroute("**/api/uploads", refuse)

    # --- again: uploaded, then verified with the photo ---
    page.click("[data-action=verify]")
    page.wait_for_selector("[data-desk=finding][data-status=verified]")
    finding = supervisor.get(f"/api/findings/{licence['id']}").json()
    assert finding["action"]["status"] == "verified"
    verification = finding["action"]["verification"]
    assert (verification["photos"], verification["note"], verification.get("inspection_id")) == ([sha], note, None)
    stored = supervisor.get(f"/api/blobs/{sha}")
    assert stored.status_code == 200
    assert sha256(stored.content) == sha
    meta = supervisor.get(f"/api/blobs/{sha}/meta").json()
    assert (meta["width"], meta["height"]) == (2048, 1536)  # turned upright (EXIF orientation 6), longest side 2048
    assert supervisor.post("/api/blobs/missing", json={"hashes": [sha]}).json()["missing"] == []
    assert supervisor.post("/api/blobs/missing", json={"hashes": [shas[1]]}).json()["missing"] == [shas[1]]  # removed

    # --- the page shows the verified action with the photo; the form is gone ---
    assert page.get_attribute("[data-verification]", "data-verification") == "manual"
    assert note in page.inner_text("[data-verification]")
    page.wait_for_function(
        "(sha) => { const img = document.querySelector(`[data-verification] img.desk-thumb[data-sha256='${sha}']`);"
        " return img && img.complete && img.naturalWidth > 0 }",
        arg=sha,
    )
    assert page.locator("form[data-form=verify]").count() == 0
    assert page.locator("form[data-form=close]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "desk-finding-verified-photo.png"), full_page=True)

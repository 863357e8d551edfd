"""Corrective actions on the inspector's phone, in Chromium against the real server: an inspection
sent over the HTTP sync API fails two items; a supervisor assigns the licence's action over HTTP.
The phone shows the findings (整改中, the responsible party, the deadline) on its home page and on
the inspection, reports the fix offline with a note and a photo, keeps it through a reload, and
sends it when the signal returns; or, when a supervisor verified the action meanwhile, shows the
server's problem and keeps the report until the inspector dismisses it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext

from bench.device import Device
from bench.live import LiveServer
from bench.uploader import upload
from tests import ARTIFACTS
from tests.clients import SHOP
from tests.images import phone_jpeg
from tests.pwa.phone import Phone, sha256
from tests.templates import SYNC_TEMPLATE

RESPONSIBLE = "店长 王经理"


@dataclass
class Seeded:
    inspection_id: str
    licence: str  # the finding of the failed licence, assigned
    temperature: str  # the finding of the warm freezer, not assigned
    deadline: str


def seed(live: LiveServer) -> Seeded:
    """An inspection submitted from another device of inspector1 with two failed items; the
    licence's action assigned by supervisor1 for 3 working days."""
    admin = live.client("admin")
    published = admin.post("/api/checklists", json=SYNC_TEMPLATE)
    assert published.status_code == 201, published.text
    site_id = {s["name"]: s["id"] for s in admin.get("/api/sites").json()}[SHOP]
    inspector = live.client("inspector1")
    device = Device(inspector, str(inspector.headers["Authorization"]).removeprefix("Bearer "), name="平板")
    inspection_id = device.create(site_id, "sync_probe")
    device.set(inspection_id, {"licence": "fail", "frozen_temp": -10})
    device.transition(inspection_id, "submitted")
    device.sync()
    assert device.server[inspection_id]["status"] == "submitted"

    supervisor = live.client("supervisor1")
    found = supervisor.get("/api/findings", params={"inspection_id": inspection_id}).json()
    by_pointer = {f["pointer"]: f["id"] for f in found}
    assert set(by_pointer) == {"/licence", "/frozen_temp"}
    assigned = supervisor.post(
        f"/api/findings/{by_pointer['/licence']}/action", json={"responsible": RESPONSIBLE, "working_days": 3}
    )
    assert assigned.status_code == 200, assigned.text
    action = assigned.json()["action"]
    assert action["status"] == "open"
    return Seeded(inspection_id, by_pointer["/licence"], by_pointer["/frozen_temp"], action["deadline"])


def row(finding_id: str) -> str:
    return f'[data-panel=actions] [data-finding="{finding_id}"]'


def open_from_home(phone: Phone, seeded: Seeded) -> None:
    """The home page's 待整改 card counts the shop's actions and links to the inspection."""
    page = phone.page
    card = page.locator("[data-home-actions] [data-site-actions]")
    card.wait_for()
    assert card.get_attribute("data-open") == "2"
    assert card.get_attribute("data-overdue") == "0"
    assert SHOP in card.inner_text()
    page.click(f'[data-open-actions="{seeded.inspection_id}"]')
    page.wait_for_selector(f'.form-page[data-inspection="{seeded.inspection_id}"] [data-panel=actions]')


def report_fix(phone: Phone, finding_id: str, note: str, photo: bytes | None = None) -> str | None:
    """Press 报告整改, write the note, take the photo, send; returns the photo's hash."""
    page = phone.page
    page.click(f"{row(finding_id)} [data-action=report-fix]")
    page.fill(f'{row(finding_id)} textarea[name="fix_note"]', note)
    sha = None
    if photo is not None:
        phone.take_photo(f'[data-fix-photo="{finding_id}"]', photo)
        sha = page.get_attribute(f"{row(finding_id)} .fix-form img[data-sha256]", "data-sha256")
    page.click(f"{row(finding_id)} [data-action=send-fix]")
    page.wait_for_selector(f"{row(finding_id)} [data-request-state=pending]")
    return sha


def test_the_phone_shows_its_findings_and_reports_a_fix_offline(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    seeded = seed(live_server)
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    open_from_home(phone, seeded)
    page = phone.page

    licence = page.locator(row(seeded.licence))
    assert licence.get_attribute("data-action-status") == "open"
    assert licence.get_attribute("data-overdue") == "false"
    text = licence.inner_text()
    for shown in ("证照", "严重", "整改中", RESPONSIBLE, seeded.deadline):
        assert shown in text, (shown, text)
    temperature = page.locator(row(seeded.temperature))
    assert "待指定" in temperature.inner_text()  # no responsible party yet

    phone.offline()
    sha = report_fix(phone, seeded.licence, "已补办营业执照并上墙公示", phone_jpeg(size=(1200, 900)))
    assert sha is not None
    pending = page.locator(f"{row(seeded.licence)} [data-request-state=pending]")
    assert "待同步" in pending.inner_text()
    assert "已补办营业执照并上墙公示" in pending.inner_text()
    assert page.locator(f"{row(seeded.licence)} [data-action=report-fix]").count() == 0
    page.wait_for_selector('.strip[data-unsynced="2"]')  # the report and its photo

    phone.reload()  # offline: the shell from the service worker, the report from IndexedDB
    page.wait_for_selector(f"{row(seeded.licence)} [data-request-state=pending]")
    assert phone.unsynced() == 2
    assert licence.get_attribute("data-action-status") == "open"
    supervisor = live_server.client("supervisor1")
    assert supervisor.get(f"/api/findings/{seeded.licence}").json()["action"]["status"] == "open"

    phone.offline(False)  # the `online` event starts a sync
    phone.wait_synced()
    page.wait_for_selector(f'{row(seeded.licence)}[data-action-status="fixed_reported"]')
    assert "已报整改" in page.locator(row(seeded.licence)).inner_text()
    assert page.locator(f"{row(seeded.licence)} [data-request]").count() == 0

    action = supervisor.get(f"/api/findings/{seeded.licence}").json()["action"]
    assert action["status"] == "fixed_reported"
    assert action["fix"]["note"] == "已补办营业执照并上墙公示"
    assert action["fix"]["photos"] == [sha]
    stored = supervisor.get(f"/api/blobs/{sha}")
    assert stored.status_code == 200
    assert sha256(stored.content) == sha == phone.stored_blob_sha256(sha)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-actions.png"), full_page=True)
    assert phone.errors == []


def test_a_fix_report_refused_because_the_action_was_verified_is_shown_and_kept(
    live_server: LiveServer, new_context: Callable[[], BrowserContext], tmp_path: Path
) -> None:
    seeded = seed(live_server)
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    open_from_home(phone, seeded)
    page = phone.page

    phone.offline()
    report_fix(phone, seeded.licence, "已整改（离线）")
    supervisor = live_server.client("supervisor1")
    evidence = upload(supervisor, phone_jpeg(size=(800, 600))).sha256
    verified = supervisor.post(
        f"/api/findings/{seeded.licence}/verify", json={"note": "现场复查合格", "photos": [evidence]}
    )
    assert verified.status_code == 200, verified.text

    phone.offline(False)
    failed = page.locator(f"{row(seeded.licence)} [data-request-state=failed]")
    failed.wait_for()
    page.wait_for_selector('.strip[data-phase="done"][data-unsynced="1"]')  # the refused report is kept
    assert page.locator(row(seeded.licence)).get_attribute("data-action-status") == "verified"
    assert "已验证" in page.locator(row(seeded.licence)).inner_text()
    shown = failed.inner_text()
    assert "整改报告未被接受" in shown
    assert "verified" in shown  # the problem's detail: a verified action cannot be reported fixed
    assert "已整改（离线）" in shown  # what was written is still there
    action = supervisor.get(f"/api/findings/{seeded.licence}").json()["action"]
    assert action["status"] == "verified"
    assert action["fix"] is None

    page.click("header.bar .icon-btn")  # back home: the export holds the refused report
    with page.expect_download() as download:
        page.click("[data-action=export]")
    target = tmp_path / "unsynced.json"
    download.value.save_as(target)
    exported: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    [request] = exported["requests"]
    assert request["path"] == f"/api/findings/{seeded.licence}/report-fix"
    assert request["state"] == "failed"
    assert request["body"]["note"] == "已整改（离线）"
    assert request["problem"]["type"].endswith("invalid-action-transition")

    phone.open_inspection(seeded.inspection_id)
    page.click(f"{row(seeded.licence)} [data-action=dismiss-request]")
    page.wait_for_selector('.strip[data-unsynced="0"]')
    assert page.locator(f"{row(seeded.licence)} [data-request]").count() == 0
    assert phone.errors == []

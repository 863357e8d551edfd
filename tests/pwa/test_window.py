"""The device window in the browser: a synced inspection that ages out of the window leaves the phone,
one with unsent ops stays until they are confirmed; the server keeps both. The desk keeps none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from playwright.sync_api import BrowserContext, Route

from bench.device import Device
from bench.live import LiveServer
from tests.pwa.desk import DESK, desk_log_in, desk_synced_in_background
from tests.pwa.phone import SHOP, Phone
from tests.templates import SYNC_TEMPLATE

HELD = """async () => {
  const db = await new Promise((ok, fail) => {
    const request = indexedDB.open('xunjian')
    request.onsuccess = () => ok(request.result)
    request.onerror = fail
  })
  const keys = await new Promise((ok) => {
    const request = db.transaction('docs').objectStore('docs').getAllKeys()
    request.onsuccess = () => ok(request.result)
  })
  db.close()
  return keys.sort()
}"""


def held(phone: Phone) -> list[str]:
    keys: list[str] = phone.page.evaluate(HELD)
    return keys


def time_passes(live: LiveServer, days: float) -> None:
    """``days`` pass for the window: the server's window now starts ``days`` later (nothing else changes)."""
    settings = live.lane.app.state.settings
    live.lane.app.state.settings = replace(settings, device_window_days=settings.device_window_days - days)


def unanswered_push(route: Route) -> None:
    """The push reaches nobody: it answers no op, so the phone's ops stay unsent."""
    route.fulfill(status=200, json={"results": [], "last_seq": 0, "server_hlc": 0})


def test_the_phone_evicts_aged_synced_inspections_but_keeps_one_with_unsent_ops(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    admin = live_server.client("admin")
    assert admin.post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
    sites = {s["name"]: s["id"] for s in admin.get("/api/sites").json()}
    users = {u["user"]["username"]: u["user"]["id"] for u in admin.get("/api/users").json()}
    admin.put(f"/api/users/{users['inspector2']}/sites", json={"site_ids": [sites[SHOP]]})
    colleague_http = live_server.client("inspector2")
    colleague = Device(colleague_http, colleague_http.headers["Authorization"].removeprefix("Bearer "))
    done = colleague.create(sites[SHOP], "sync_probe")
    colleague.set(done, {"licence": "pass", "frozen_temp": -20})
    colleague.transition(done, "submitted")
    draft = colleague.create(sites[SHOP], "sync_probe")
    colleague.set(draft, {"licence": "pass"})
    colleague.sync()

    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    assert held(phone) == sorted([done, draft])

    phone.context.route("**/api/sync/push", unanswered_push)
    phone.open_inspection(draft)
    phone.type_number("frozen_temp", "-18")
    time_passes(live_server, 31)
    phone.sync()
    assert held(phone) == [draft]  # aged out, but its edit is not sent yet
    assert phone.unsynced() == 1

    phone.context.unroute("**/api/sync/push", unanswered_push)
    phone.sync()
    phone.wait_synced()
    assert held(phone) == []  # confirmed: a colleague's draft out of the window goes too
    supervisor = live_server.client("supervisor1")
    assert supervisor.get(f"/api/inspections/{draft}").json()["answers"]["frozen_temp"] == -18
    assert supervisor.get(f"/api/inspections/{done}").status_code == 200
    assert phone.errors == []


def test_older_records_are_looked_up_online_a_page_at_a_time(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    admin = live_server.client("admin")
    assert admin.post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
    sites = {s["name"]: s["id"] for s in admin.get("/api/sites").json()}
    http = live_server.client("inspector1")
    other = Device(http, http.headers["Authorization"].removeprefix("Bearer "), name="other")
    made = []
    for temp in (-20, -19):
        inspection_id = other.create(sites[SHOP], "sync_probe")
        other.set(inspection_id, {"licence": "pass", "frozen_temp": temp})
        other.transition(inspection_id, "submitted")
        made.append(inspection_id)
    other.sync()
    time_passes(live_server, 31)

    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    assert held(phone) == []  # all of it older than the window
    phone.page.click("details.sites summary")  # 我的场所: each site links to its older records
    phone.page.click(f'[data-older-site="{sites[SHOP]}"]')
    for inspection_id in made:
        phone.page.wait_for_selector(f'[data-older-item="{inspection_id}"]')
    phone.page.click(f'[data-older-item="{made[0]}"] button')
    phone.page.wait_for_selector(f'[data-older-answers="{made[0]}"]')
    assert "-20" in phone.page.inner_text(f'[data-older-answers="{made[0]}"]')
    assert "更早的记录" in phone.page.inner_text(".page.older header")

    phone.offline()
    phone.page.select_option("select[name=older-site]", sites["望江农贸市场"])
    phone.page.wait_for_selector('[data-older="offline"]')
    assert "离线" in phone.page.inner_text('[data-older="offline"]')
    assert phone.errors == []


def test_the_desk_keeps_no_inspection_offline(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The desk reads inspections from the server as it shows them: its syncs pull none (an admin's window
    at a city's scale is some 42,000 inspections, 175 MB of documents), nor the phone's due list."""
    http = live_server.client("inspector1")
    phone = Device(http, http.headers["Authorization"].removeprefix("Bearer "))
    supervised = {s["id"] for s in live_server.client("supervisor1").get("/api/sites").json()}
    site = next(s["id"] for s in http.get("/api/sites").json() if s["id"] in supervised)
    made = [phone.create(site, "supermarket_service") for _ in range(3)]
    phone.sync()
    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    pulls: list[str] = []
    kept = ("/api/sync/pull", "/api/schedules/due")  # what a phone keeps offline: the window, its due list
    desk.page.on("request", lambda request: pulls.append(request.url) if any(k in request.url for k in kept) else None)
    desk_log_in(desk)
    desk_synced_in_background(desk)
    desk_synced_in_background(desk)
    assert pulls == []
    assert held(desk) == []
    desk.page.select_option("select[name=status]", "")  # drafts too: the desk shows them from the server
    for inspection_id in made:
        desk.page.locator(f'tr.desk-row[data-inspection="{inspection_id}"]').wait_for()

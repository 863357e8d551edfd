"""When and how the app syncs: one tab at a time (Web Locks), Background Sync through the service
worker, and the warning when unsynced data is older than a day."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Request, Route

from bench.live import LiveServer
from tests.pwa.phone import Phone

PUSH = "**/api/sync/push"
SYNC_TAG = "xunjian-sync"

OUTBOX_OP_IDS = """async () => {
  const db = await new Promise((ok, fail) => {
    const request = indexedDB.open('xunjian')
    request.onsuccess = () => ok(request.result)
    request.onerror = fail
  })
  const records = await new Promise((ok) => {
    const request = db.transaction('outbox').objectStore('outbox').getAll()
    request.onsuccess = () => ok(request.result)
  })
  db.close()
  return records.filter((r) => r.state === 'pending').map((r) => r.op_id)
}"""

# One tab holds the sync lock and another tab waits for it. wait_for_function does not await a
# promise (any promise is truthy), so each poll starts a query and judges the previous answer.
ONE_HOLDS_ONE_WAITS = """(tag) => {
  navigator.locks.query().then((state) => { window.__locks = state })
  if (!window.__locks) return null
  const { held, pending } = window.__locks
  const holders = held.filter((l) => l.name === tag).map((l) => l.clientId)
  const waiters = pending.filter((l) => l.name === tag).map((l) => l.clientId)
  return holders.length === 1 && waiters.length >= 1 && !waiters.includes(holders[0])
    ? { holders, waiters } : null
}"""

HAS_SYNC_TAG = """(tag) => {
  navigator.serviceWorker.ready.then((r) => r.sync.getTags()).then((tags) => { window.__tags = tags })
  return (window.__tags || []).includes(tag)
}"""


class PushWatch:
    """Every push request of a context: the op_ids it carried and how many overlapped."""

    def __init__(self, context: BrowserContext) -> None:
        self.op_ids: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    @staticmethod
    def is_push(request: Request) -> bool:
        return request.method == "POST" and request.url.endswith("/api/sync/push")

    def _started(self, request: Request) -> None:
        if self.is_push(request):
            body: dict[str, Any] = json.loads(request.post_data or "{}")
            with self.lock:
                self.op_ids += [op["op_id"] for op in body.get("ops", [])]
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _ended(self, request: Request) -> None:
        if self.is_push(request):
            with self.lock:
                self.in_flight -= 1


def audited_op_ids(live_server: LiveServer, inspection_ids: list[str]) -> list[str]:
    supervisor = live_server.client("supervisor1")
    return [a["op_id"] for i in inspection_ids for a in supervisor.get(f"/api/inspections/{i}/audit").json()]


def test_two_tabs_syncing_at_the_same_moment_push_one_after_the_other_and_each_op_once(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    context = new_context()
    first = Phone(context, live_server.url)
    first.log_in()
    second = Phone(context, live_server.url)  # a second tab of the same browser: same storage
    second.open()
    second.wait_synced()

    first.offline()
    ids = [first.start_inspection(), second.start_inspection()]
    first.choose("has_fresh_food", "yes")
    second.choose("has_fresh_food", "no")
    op_ids = first.page.evaluate(OUTBOX_OP_IDS)
    assert len(op_ids) == 4

    watch = PushWatch(context)
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if not held:
            held.append(route)  # answered below, once the other tab is waiting for the lock
        else:
            route.continue_()

    context.route(PUSH, hold_the_first)
    first.offline(False)  # both tabs get the `online` event and sync at once
    waiting = first.page.wait_for_function(ONE_HOLDS_ONE_WAITS, arg=SYNC_TAG, polling=50).json_value()
    assert len(waiting["holders"]) == 1 and waiting["waiters"]
    assert len(held) == 1  # the holder's push is in flight, the other tab waits for the lock
    assert watch.max_in_flight == 1
    held[0].continue_()

    first.wait_synced()
    second.wait_synced()
    assert watch.max_in_flight == 1
    assert sorted(watch.op_ids) == sorted(op_ids)  # each op pushed once, by one tab
    audited = audited_op_ids(live_server, ids)
    assert sorted(audited) == sorted(op_ids)
    assert first.errors == second.errors == []


def test_going_offline_with_pending_ops_registers_a_background_sync_whose_handler_pushes_the_outbox(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """Real: the registration (SyncManager.register while offline) and the `sync` event, fired by
    Chromium's own Background Sync through DevTools (ServiceWorker.dispatchSyncEvent) into the
    service worker with no app window open, so the worker pushes the outbox itself (Chromium may
    fire it on its own first when the signal returns; either way the worker pushes). Not asserted:
    when the browser decides to fire it (Playwright's offline mode is emulation)."""
    context = new_context(permissions=["background-sync"])
    phone = Phone(context, live_server.url)
    phone.log_in()
    watch = PushWatch(context)

    phone.offline()
    inspection_id = phone.start_inspection()
    phone.page.wait_for_function(HAS_SYNC_TAG, arg=SYNC_TAG, polling=50)
    op_ids = phone.page.evaluate(OUTBOX_OP_IDS)
    assert len(op_ids) == 1
    assert watch.op_ids == []

    # Leave the app: a page outside the worker's scope stays open to talk to DevTools from.
    phone.page.close()
    phone.offline(False)
    outside = context.new_page()
    outside.goto(f"{live_server.url}/api/health")
    cdp = context.new_cdp_session(outside)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # the registrations arrive as events right after enabling
        if registrations:
            break
        outside.wait_for_timeout(50)
    [registration] = [r for r in registrations if r["scopeURL"].endswith("/app/") and not r["isDeleted"]]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": SYNC_TAG,
            "lastChance": False,
        },
    )
    for _ in range(300):  # the worker's push (Chromium may also have fired the sync event itself)
        if sorted(watch.op_ids) == sorted(op_ids):
            break
        outside.wait_for_timeout(100)
    assert sorted(watch.op_ids) == sorted(op_ids)  # the worker pushed the outbox, no window open
    assert audited_op_ids(live_server, [inspection_id]) == op_ids

    back = Phone(context, live_server.url)
    back.open()
    back.wait_synced()
    assert back.page.locator(f'[data-inspection="{inspection_id}"]').count() == 1
    assert watch.op_ids == op_ids  # the app found nothing left to push
    assert back.errors == []


def test_unsynced_data_older_than_a_day_shows_its_age_and_a_warning_in_chinese(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.page.clock.install()
    phone.log_in()
    phone.offline()
    phone.start_inspection()
    phone.page.wait_for_selector('.strip[data-unsynced="1"]')
    assert phone.page.locator("[data-banner=stale]").count() == 0
    badge = phone.page.locator(".count-badge")
    assert "最早" in badge.inner_text()

    phone.page.clock.fast_forward("23:00:00")  # the app's timer tries a sync, still offline
    phone.page.wait_for_function("() => document.querySelector('.count-badge')?.textContent.includes('23 小时前')")
    assert phone.page.locator("[data-banner=stale]").count() == 0

    phone.page.clock.fast_forward("02:00:00")
    phone.page.wait_for_selector("[data-banner=stale]")
    assert badge.inner_text() == "1 份巡检未同步 · 最早 25 小时前"
    banner = phone.page.locator("[data-banner=stale]").inner_text()
    assert banner.startswith("有超过一天未同步的数据。请尽快连接网络同步，或导出备份。")
    assert "导出" in banner

    phone.offline(False)  # synced: the warning goes
    phone.wait_synced()
    assert phone.page.locator("[data-banner=stale]").count() == 0
    assert phone.errors == []

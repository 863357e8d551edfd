"""A new version of the app reaches a phone with unsynced work: "新版本已就绪 / 更新", a reload,
and nothing lost: the draft and the outbox survive and reach the server once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route

from bench.live import LiveServer, serve, server_settings
from tests.pwa.phone import Phone

BUILD_ID = "pytest-update"

PENDING_OPS = """async () => {
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

WORKER_VERSION = """() => new Promise((ok) => {
  const channel = new MessageChannel()
  channel.port1.onmessage = (event) => ok(event.data.version)
  navigator.serviceWorker.controller.postMessage({ type: 'version' }, [channel.port2])
})"""

SHELL_CACHES = "async () => (await caches.keys()).filter((name) => name.startsWith('xunjian-shell-')).sort()"


def version(dist: Path) -> str:
    build: dict[str, Any] = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    return str(build["version"])


@pytest.fixture(scope="session")
def next_build(pwa_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same sources built again under another build id: a new shell version."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is needed to build a second version of the app")
    out = tmp_path_factory.mktemp("next") / "dist"
    env = {**os.environ, "XUNJIAN_BUILD_ID": BUILD_ID, "XUNJIAN_PWA_OUT": str(out)}
    subprocess.run([npm, "run", "--silent", "build"], cwd=pwa_dist.parent, env=env, check=True)
    assert version(out) != version(pwa_dist)
    return out


@pytest.fixture
def served_copy(tmp_path: Path, pwa_dist: Path) -> Iterator[tuple[LiveServer, Path]]:
    """A live server serving its own copy of the built app, which the test may replace."""
    dist = tmp_path / "served"
    shutil.copytree(pwa_dist, dist)
    with serve(server_settings(tmp_path, pwa_dist=dist)) as live:
        yield live, dist


def test_an_update_keeps_the_draft_and_the_outbox_and_drops_the_old_shell(
    served_copy: tuple[LiveServer, Path], next_build: Path, pwa_dist: Path, new_context: Callable[[], BrowserContext]
) -> None:
    live_server, served = served_copy
    old, new = version(pwa_dist), version(next_build)
    context = new_context()
    phone = Phone(context, live_server.url)
    phone.log_in()
    assert phone.page.evaluate(WORKER_VERSION) == old
    assert phone.page.evaluate(SHELL_CACHES) == [f"xunjian-shell-{old}"]

    phone.offline()
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")
    pending = phone.page.evaluate(PENDING_OPS)
    assert len(pending) >= 3  # create and two answers
    assert phone.unsynced() == len(pending)

    # The server now serves the new build; sync stays refused, so the outbox waits through the update.
    shutil.copytree(next_build, served, dirs_exist_ok=True)

    def refuse(route: Route) -> None:
        route.abort("internetdisconnected")

    context.route("**/api/sync/**", refuse)
    phone.offline(False)
    phone.page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    banner = phone.page.locator(".banner", has_text="新版本已就绪")
    with phone.page.expect_navigation():
        banner.locator("button", has_text="更新").click()
    phone.page.wait_for_selector("html[data-ready=true]")
    phone.page.wait_for_selector(f'.form-page[data-inspection="{inspection_id}"]')

    assert phone.page.evaluate(WORKER_VERSION) == new
    assert phone.page.evaluate(SHELL_CACHES) == [f"xunjian-shell-{new}"]  # the old shell deleted on activate
    assert phone.page.locator(".banner", has_text="新版本已就绪").count() == 0
    assert phone.card("has_fresh_food").locator('[data-value="yes"].on').count() == 1
    assert phone.card("fresh_categories").locator('[data-value="frozen"].on').count() == 1
    assert phone.page.evaluate(PENDING_OPS) == pending
    assert live_server.client("supervisor1").get("/api/inspections").json() == []

    context.unroute("**/api/sync/**", refuse)
    phone.sync()
    phone.wait_synced()
    phone.sync()  # a second run sends nothing again
    assert phone.page.evaluate(PENDING_OPS) == []
    audit = live_server.client("supervisor1").get(f"/api/inspections/{inspection_id}/audit").json()
    assert sorted(a["op_id"] for a in audit) == sorted(pending)  # every op, each exactly once
    assert {a["outcome"] for a in audit} <= {"applied", "merged"}
    doc = live_server.client("supervisor1").get(f"/api/inspections/{inspection_id}").json()
    assert doc["answers"]["has_fresh_food"] == "yes"
    assert phone.errors == []

"""A draft started on one checklist version moves to the next on the phone, offline (issue 17, item 3).

The checklist is the shared one of ``tests/fixtures/carry.json``: version 2 narrows the frozen
reading's plausible range (-50 no longer fits) and drops the choice "noisy".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests import ARTIFACTS
from tests.pwa.phone import SHOP, Phone

FIXTURE = Path(__file__).parents[1] / "fixtures" / "carry.json"
V1, V2 = json.loads(FIXTURE.read_text(encoding="utf-8"))["templates"]


def test_a_draft_moves_to_the_new_version_offline_and_nothing_is_lost(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    admin = live_server.client("admin")
    assert admin.post("/api/checklists", json=V1).status_code == 201
    phone = Phone(new_context(), live_server.url)
    phone.log_in()

    phone.offline()
    inspection_id = phone.start_inspection(SHOP, "carry_probe")
    phone.choose("licence", "pass")
    phone.choose("grade", "b")
    phone.choose("issues", "dirty")
    phone.choose("issues", "noisy")
    phone.type_number("temp", "-50")
    assert phone.page.locator("[data-panel=upgrade]").count() == 0  # no newer version known yet

    assert admin.post("/api/checklists", json=V2).status_code == 201
    phone.offline(False)
    phone.wait_synced()  # the draft goes up on version 1; the new version's schema comes down
    phone.sync()
    phone.offline()
    phone.open()  # the home page, served offline
    card = phone.page.locator(f'.card.insp[data-inspection="{inspection_id}"]')
    assert card.locator("[data-newer]").inner_text() == "有新版本"  # the home page's card says so too
    phone.open_inspection(inspection_id)
    offer = phone.page.locator("[data-panel=upgrade]")
    assert "升级到新版本" in offer.locator("[data-action=upgrade]").inner_text()
    offer.locator("[data-action=upgrade]").click()

    moved = phone.page.locator('[data-panel=upgrade] [data-moved="1-2"]')
    moved.wait_for()
    assert phone.page.locator("[data-panel=upgrade] [data-action=upgrade]").count() == 0
    listed = {
        li.get_attribute("data-uncarried"): (li.get_attribute("data-reason"), li.inner_text())
        for li in moved.locator("[data-uncarried]").all()
    }
    assert set(listed) == {"temp", "issues"}
    assert listed["temp"][0] == "invalid" and "-50" in listed["temp"][1]
    assert listed["issues"][0] == "invalid" and "吵" in listed["issues"][1]  # the old value, by its label
    assert phone.card("grade").locator('[data-value="b"].on').count() == 1  # carried
    assert phone.card("hygiene").count() == 1  # the new version's form
    assert phone.card("temp").locator("input.num").input_value() == ""
    assert phone.unsynced() > 0
    phone.page.screenshot(path=str(ARTIFACTS / "carry-moved-360.png"))

    phone.offline(False)
    phone.wait_synced()
    assert phone.errors == []
    supervisor = live_server.client("supervisor1")
    doc = supervisor.get(f"/api/inspections/{inspection_id}").json()
    assert doc["version"] == 2
    assert doc["answers"] == {"licence": "pass", "grade": "b"}
    kept = {u["path"]: (u["value"], u["reason"], u["version"]) for u in doc["uncarried"]}
    assert kept == {"temp": (-50, "invalid", 1), "issues": (["dirty", "noisy"], "invalid", 1)}
    audit = supervisor.get(f"/api/inspections/{inspection_id}/audit").json()
    [move] = [a for a in audit if a["kind"] == "upgrade"]
    assert {u["path"] for u in move["result"]["uncarried"]} == {"temp", "issues"}

    phone.page.locator("[data-action=dismiss-upgrade]").click()
    phone.page.locator("[data-panel=upgrade]").wait_for(state="detached")

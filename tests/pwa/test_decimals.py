"""The phone refuses a reading with more decimal places than its item declares, and says why."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.phone import Phone

FROZEN = "frozen_cabinet_temp"  # decimals: 1


def test_a_reading_with_too_many_decimals_is_refused_on_the_phone_and_never_sent(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.choose("fresh_categories", "frozen")  # the reading is conditional: shown now
    phone.go_to_section("6.2")
    field = phone.card(FROZEN).locator("input.num")
    field.fill("-18.25")
    field.blur()
    phone.page.wait_for_selector(f'[data-path="{FROZEN}"] .num-note.bad:has-text("最多 1 位小数")')
    assert "at most 1 decimal places" in phone.card(FROZEN).locator(".num-note").inner_text()

    phone.type_number(FROZEN, "-18.5")
    assert phone.card(FROZEN).locator(".num-note").inner_text() == ""
    phone.sync()
    phone.wait_synced()

    supervisor = live_server.client("supervisor1")
    audit = supervisor.get(f"/api/inspections/{inspection_id}/audit").json()
    assert {a["outcome"] for a in audit} <= {"applied", "merged"}  # -18.25 was never sent: it would be rejected
    assert supervisor.get(f"/api/inspections/{inspection_id}").json()["answers"][FROZEN] == -18.5
    assert phone.errors == []

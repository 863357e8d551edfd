"""The GPS and date/time widgets: what the phone's position and the date pickers give reaches the
server in the shapes its checks accept ({lat, lon, accuracy_m, captured_at}, RFC 3339 with an
offset, YYYY-MM-DD)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.sync_api import BrowserContext

from bench.live import LiveServer
from tests.pwa.phone import SHOP, Phone

MARKET = "望江农贸市场"
WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
SHANGHAI = {"timezone_id": "Asia/Shanghai"}


def audit_of(live_server: LiveServer, inspection_id: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = (
        live_server.client("supervisor1").get(f"/api/inspections/{inspection_id}/audit").json()
    )
    return entries


def test_the_gps_button_records_the_phones_position(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context(**SHANGHAI, permissions=["geolocation"])
    context.set_geolocation({"latitude": 30.2312, "longitude": 120.1895, "accuracy": 12})
    phone = Phone(context, live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection(MARKET, "market_order")
    card = phone.card("inspection_location")
    card.locator(".gps button", has_text="获取定位").click()
    phone.page.wait_for_selector('[data-path="inspection_location"] .gps .muted:has-text("30.231200")')
    assert card.locator(".gps .muted").inner_text() == "30.231200, 120.189500 (±12 m)"
    phone.sync()

    doc = live_server.client("supervisor1").get(f"/api/inspections/{inspection_id}").json()
    location = doc["answers"]["inspection_location"]
    assert set(location) == {"lat", "lon", "accuracy_m", "captured_at"}
    assert (location["lat"], location["lon"], location["accuracy_m"]) == (30.2312, 120.1895, 12)
    assert WITH_OFFSET.match(location["captured_at"]), location["captured_at"]
    captured = datetime.fromisoformat(location["captured_at"])
    assert captured.utcoffset() == timedelta(hours=8)
    assert abs((datetime.now(captured.tzinfo) - captured).total_seconds()) < 300
    sets = [a for a in audit_of(live_server, inspection_id) if a["kind"] != "create"]
    assert [a["outcome"] for a in sets] == ["applied"]  # the server's checks accepted the shape
    assert phone.errors == []


def test_the_date_and_time_pickers_send_rfc3339_and_plain_dates(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    phone = Phone(new_context(**SHANGHAI), live_server.url)
    phone.log_in()
    inspection_id = phone.start_inspection(SHOP, "service_quality_patrol")
    when = phone.card("inspection_time").locator('input[type="datetime-local"]')
    when.fill("2025-03-14T09:30")
    when.blur()
    phone.page.wait_for_selector('[data-path="inspection_time"].pending')

    phone.go_to_section("不合格项记录")
    phone.choose("nonconformities_found", "yes")
    phone.page.click("[data-action=add-entry]")
    deadline = phone.page.locator('input[type="date"][data-key$="nc_deadline"]')
    deadline.fill("2025-03-21")
    deadline.blur()
    phone.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-path$=\"nc_deadline\"]')].some((c) => c.matches('.pending'))"
    )
    phone.sync()

    doc = live_server.client("supervisor1").get(f"/api/inspections/{inspection_id}").json()
    assert doc["answers"]["inspection_time"] == "2025-03-14T09:30:00+08:00"
    [entry] = doc["answers"]["nonconformities"].values()  # entries by entry id
    assert entry["nc_deadline"] == "2025-03-21"
    outcomes = {a["outcome"] for a in audit_of(live_server, inspection_id)}
    assert outcomes <= {"applied", "merged"}, outcomes
    phone.reload()  # the pickers show what was stored
    phone.go_to_section("不合格项记录")
    assert deadline.input_value() == "2025-03-21"
    phone.go_to_section("巡检基本信息")
    assert when.input_value() == "2025-03-14T09:30"
    assert phone.errors == []

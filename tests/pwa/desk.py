"""The supervisor's desk in the browser tests: the same app on a desktop screen, logged in as a supervisor."""

from __future__ import annotations

from tests.pwa.phone import Phone

DESK = {"width": 1280, "height": 800}


def desk_log_in(desk: Phone, username: str = "supervisor1") -> None:
    desk.open()
    desk.page.fill("input[name=username]", username)
    desk.page.fill("input[name=password]", "demo1234")
    desk.page.fill("input[name=device_name]", "办公室电脑")
    desk.page.click("form button[type=submit]")
    desk.page.wait_for_selector("[data-desk=queue]")


def desk_synced_in_background(desk: Phone) -> None:
    """A whole sync run started as the app starts one when the network comes back (the desk has no
    strip to press): it has ended, and rendered the app, once ``#alerts`` says so."""
    before = int(desk.page.get_attribute("#alerts", "data-started") or 0)
    desk.page.evaluate("() => window.dispatchEvent(new Event('online'))")
    desk.page.wait_for_function(
        "(before) => Number(document.getElementById('alerts')?.dataset.finished) > before", arg=before, timeout=60_000
    )

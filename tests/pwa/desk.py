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

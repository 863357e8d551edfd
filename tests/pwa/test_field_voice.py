"""Field UX (issue 18, item 7): a voice memo on an item, recorded on the phone in a noisy basement.

Chromium's fake microphone (``--use-fake-device-for-media-stream``, its permission prompt answered
by ``--use-fake-ui-for-media-stream``) feeds MediaRecorder. Recorded offline, the memo survives an
offline reload (kept in IndexedDB), shows on the unsent page, reaches the server once online as the
audio blob the item's note names, and the desk plays it. A phone without a microphone says so and
the text note still works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright

from bench.live import CHROMIUM_ARGS, LiveServer, chromium_path
from tests import ARTIFACTS
from tests.pwa.axe import serious_findings, small_targets
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import Phone, sha256

PHONE = {"width": 360, "height": 740}
AUDIO_READY = """(sel) => { const a = document.querySelector(sel);
  return !!a && a.readyState >= 1 && (a.duration > 0 || a.duration === Infinity) }"""
ITEM = "main > .item[data-kind=pass_fail]"


@pytest.fixture
def microphone_browser(playwright: Playwright, live_server: LiveServer) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (./dev test installs Debian's chromium)")
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    browser = playwright.chromium.launch(executable_path=str(path), args=args)
    yield browser
    browser.close()


def shot(phone: Phone, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_memo_recorded_offline_survives_a_reload_reaches_the_server_and_plays_on_the_desk(
    live_server: LiveServer, microphone_browser: Browser
) -> None:
    contexts: list[BrowserContext] = []

    def context(**options: Any) -> BrowserContext:
        made = microphone_browser.new_context(
            **{"viewport": PHONE, "device_scale_factor": 2, "locale": "zh-CN", "permissions": ["microphone"], **options}
        )
        made.set_default_timeout(20_000)
        contexts.append(made)
        return made

    try:
        phone = Phone(context(), live_server.url)
        phone.log_in()
        inspection_id = phone.start_inspection()
        phone.go_to_section("4.2")
        path = phone.page.locator(ITEM).first.get_attribute("data-path") or ""
        memo = f'[data-voice="{path}"]'
        phone.offline()

        phone.page.click(f"{memo} [data-action=voice-record]")
        stop = phone.page.locator(f"{memo} [data-action=voice-stop]")
        stop.wait_for()
        assert stop.get_attribute("aria-pressed") == "true"
        phone.page.wait_for_function(
            "(sel) => /正在录音 0:0[1-9] \\/ 2:00/.test(document.querySelector(sel)?.textContent || '')",
            arg=f"{memo} [data-voice-timer]",
        )  # the timer runs: a second has passed
        shot(phone, "phone-voice-recording")
        stop.click()
        audio = f"{memo} audio[data-voice-sha256]"
        phone.page.wait_for_selector(audio)
        sha = phone.page.get_attribute(audio, "data-voice-sha256") or ""
        phone.page.wait_for_function(AUDIO_READY, arg=audio)  # plays from the bytes kept on the phone
        assert phone.stored_blob_sha256(sha) == sha
        assert serious_findings(phone.page) == []
        assert [t for t in small_targets(phone.page) if "voice" in t] == []
        shot(phone, "phone-voice-memo")

        phone.page.click(".strip a.count-badge")
        phone.page.wait_for_selector("[data-unsent-group=memos] [data-unsent=audio]")
        group = phone.page.locator("[data-unsent-group=memos]")
        assert "语音备注 (1)" in group.inner_text()
        assert int(group.locator("[data-bytes-left]").get_attribute("data-bytes-left") or 0) > 0
        assert "录音" in phone.page.locator(".strip").inner_text()  # the badge: “1 份巡检、1 段录音未同步”

        phone.reload()  # offline: from the app shell and IndexedDB
        phone.open_inspection(inspection_id)
        phone.go_to_section("4.2")
        phone.page.wait_for_selector(f'{memo} audio[data-voice-sha256="{sha}"]')
        phone.page.wait_for_function(AUDIO_READY, arg=audio)

        phone.offline(False)  # the `online` event starts a sync
        phone.wait_synced()
        supervisor = live_server.client("supervisor1")
        note = supervisor.get(f"/api/inspections/{inspection_id}").json()["notes"][path]
        assert note["voice"]["sha256"] == sha and note["voice"]["mime"] == "audio/webm"
        assert note["voice"]["duration_ms"] >= 1000
        served = supervisor.get(f"/api/blobs/{sha}")
        assert served.status_code == 200 and sha256(served.content) == sha
        assert served.content[:4] == b"\x1a\x45\xdf\xa3" and served.headers["content-type"].startswith("audio/webm")
        assert note["voice"]["bytes"] == len(served.content)

        desk = Phone(context(viewport=DESK, device_scale_factor=1), live_server.url)
        desk_log_in(desk)
        desk.page.goto(f"{live_server.url}/app/#/d/{inspection_id}")
        played = f'[data-path="{path}"] audio[data-voice-sha256="{sha}"]'
        desk.page.wait_for_selector(played)
        desk.page.wait_for_function(AUDIO_READY, arg=played)
        assert desk.page.locator(f'[data-path="{path}"] [data-action^=voice]').count() == 0  # the desk only plays
        assert serious_findings(desk.page) == []
        shot(desk, "desk-voice-memo")
        assert phone.errors == [] and desk.errors == []
    finally:
        for made in contexts:
            made.close()


def test_without_a_microphone_the_phone_says_so_and_the_text_note_still_works(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)  # no fake microphone and no permission
    phone.log_in()
    inspection_id = phone.start_inspection()
    phone.go_to_section("4.2")
    card = phone.page.locator(ITEM).first
    path = card.get_attribute("data-path") or ""
    card.locator("[data-action=voice-record]").click()
    said = phone.page.locator(f'[data-voice="{path}"] [data-voice-error]')
    said.wait_for()
    assert "无法使用麦克风" in said.inner_text() and "文字备注仍可使用" in said.inner_text()
    assert said.get_attribute("role") == "alert"
    card.locator("[data-action=item-note]").click()
    card.locator("textarea[name=item-note]").fill("麦克风不可用，改用文字")
    card.locator("[data-action=save-note]").click()
    phone.page.wait_for_selector(f'[data-note="{path}"]')
    phone.wait_synced()
    note = live_server.client("inspector1").get(f"/api/inspections/{inspection_id}").json()["notes"][path]
    assert note["text"] == "麦克风不可用，改用文字" and "voice" not in note
    assert serious_findings(phone.page) == []
    assert phone.errors == []

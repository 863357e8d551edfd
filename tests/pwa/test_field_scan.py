"""Field UX (issue 18): a site's QR label read by the phone's camera. Chromium's fake camera plays
a y4m video made here from the label's QR code (headless Linux Chromium has no BarcodeDetector,
so the lazily loaded jsQR chunk reads the frames); the scanned site is chosen in the picker.
A QR link opened by the phone's own camera app opens the same picker."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Playwright

from bench.live import CHROMIUM_ARGS, LiveServer, chromium_path
from tests import ARTIFACTS
from tests.pwa.phone import SHOP, Phone


def y4m_of(image: Image.Image, path: Path, frames: int = 6) -> Path:
    """A YUV4MPEG2 video (4:2:0) of one still image, as Chromium's fake camera reads it."""
    width, height = image.size
    y, u, v = image.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + u.resize(half).tobytes() + v.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def qr_frame(text: str, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A camera frame: grey surroundings with the QR label in the middle."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    code = Image.open(buffer).convert("RGB")
    side = min(size) - 80
    frame = Image.new("RGB", size, (170, 170, 160))
    frame.paste(code.resize((side, side), Image.Resampling.NEAREST), ((size[0] - side) // 2, (size[1] - side) // 2))
    return frame


@pytest.fixture
def camera_browser(playwright: Playwright, tmp_path: Path, live_server: LiveServer) -> Iterator[tuple[Browser, str]]:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (./dev test installs Debian's chromium)")
    admin = live_server.client("inspector1")
    site_id = next(s["id"] for s in admin.get("/api/sites").json() if s["name"] == SHOP)
    frame = qr_frame(f"{live_server.url}/app/#/site/{site_id}")
    ARTIFACTS.mkdir(exist_ok=True)
    frame.save(ARTIFACTS / "fake-camera-frame.png")
    video = y4m_of(frame, tmp_path / "qr.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(executable_path=str(path), args=args)
    yield browser, site_id
    browser.close()


def test_a_site_qr_code_seen_by_the_camera_chooses_the_site(
    live_server: LiveServer, camera_browser: tuple[Browser, str]
) -> None:
    browser, site_id = camera_browser
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        locale="zh-CN",
        permissions=["camera"],
    )
    context.set_default_timeout(20_000)
    try:
        phone = Phone(context, live_server.url)
        phone.log_in()
        assert phone.page.evaluate("() => 'BarcodeDetector' in window") is False  # the jsQR chunk does the reading
        phone.page.click("[data-action=new-inspection]")
        phone.page.click("[data-action=scan-site]")
        phone.page.wait_for_selector(f'[data-site-chosen="{site_id}"]', timeout=30_000)
        assert phone.page.locator(".scan-sheet").count() == 0  # the camera is closed once read
        assert SHOP in phone.page.locator("[data-site-chosen]").inner_text()
        phone.page.screenshot(path=str(ARTIFACTS / "phone-site-scanned.png"), full_page=True)
        phone.page.click("[data-action=start]")
        phone.page.wait_for_selector(".form-page")
        assert SHOP in phone.page.locator(".form-page .bar-title").inner_text()
        assert phone.errors == []
    finally:
        context.close()


def test_a_site_link_opened_from_outside_opens_the_picker_at_the_site(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    phone = Phone(new_context(), live_server.url)
    phone.log_in()
    site_id = next(s["id"] for s in live_server.client("inspector1").get("/api/sites").json() if s["name"] == SHOP)
    phone.page.goto(f"{live_server.url}/app/#/site/{site_id}")
    phone.page.wait_for_selector(f'[data-site-chosen="{site_id}"]')
    phone.page.click("[data-action=start]")
    phone.page.wait_for_selector(".form-page")
    assert phone.errors == []

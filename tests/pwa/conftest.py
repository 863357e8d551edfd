"""Browser tests: the built PWA in Debian's headless Chromium, driven by Playwright, against the
real server (uvicorn on 127.0.0.1, a fresh data folder with the demo data per test)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from bench.live import CHROMIUM_ARGS, LiveServer, chromium_path, serve, server_settings
from server.routes.app_files import PWA_DIST
from tests import ARTIFACTS

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    """The built app; built here when missing (``./dev test`` builds it first)."""
    if not (PWA_DIST / "index.html").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("pwa/dist is missing and npm is not installed: run ./dev test")
        pwa = PWA_DIST.parent
        if not (pwa / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=pwa, check=True)
        subprocess.run([npm, "run", "build"], cwd=pwa, check=True)
    return PWA_DIST


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, pwa_dist: Path) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (./dev test installs Debian's chromium)")
    launched = playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def live_server(tmp_path: Path, pwa_dist: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as live:
        yield live


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., BrowserContext]]:
    """Make phone-sized browser contexts (each its own device: storage, service worker, network);
    keyword arguments go to ``browser.new_context`` (permissions, geolocation, timezone_id...)."""
    contexts: list[BrowserContext] = []
    request.node.browser_contexts = contexts

    def make(**options: Any) -> BrowserContext:
        phone: dict[str, Any] = {"viewport": PHONE, "device_scale_factor": 2, "locale": "zh-CN", "has_touch": False}
        context = browser.new_context(**{**phone, **options})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep a screenshot of every open page of a failed browser test in tests/artifacts."""
    report = yield
    if report.when == "call" and report.failed:
        contexts: list[BrowserContext] = getattr(item, "browser_contexts", [])
        ARTIFACTS.mkdir(exist_ok=True)
        stamp = time.strftime("%H%M%S")
        for n, page in enumerate(p for c in contexts for p in c.pages):
            page.screenshot(path=str(ARTIFACTS / f"failed-{item.name}-{stamp}-{n}.png"), full_page=True)
    return report

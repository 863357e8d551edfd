"""Browser tests: the built PWA in Debian's headless Chromium, driven by Playwright, against the
real server (uvicorn on 127.0.0.1, a fresh data folder with the demo data per test)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from server.app import create_app
from server.fast_push import FastPush
from server.routes.app_files import PWA_DIST
from server.settings import Settings
from sync.org.demo import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 360, "height": 740}


def chromium_path() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """The real app served over HTTP on 127.0.0.1."""

    url: str
    settings: Settings
    lane: FastPush  # the push's fast lane in front of the app, as in service
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, username: str | None = None) -> httpx.Client:
        """An HTTP client, logged in as ``username`` when given (closed after the test)."""
        client = httpx.Client(base_url=self.url, timeout=30)
        self.clients.append(client)
        if username is not None:
            body = {"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"}
            response = client.post("/api/auth/login", json=body)
            assert response.status_code == 200, response.text
            client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return client


@contextmanager
def serve(settings: Settings) -> Iterator[LiveServer]:
    """Run the app with ``settings`` on its port in a thread until the block ends, as ``python -m server`` does."""
    lane = FastPush(create_app(settings))
    config = uvicorn.Config(lane, host="127.0.0.1", port=settings.port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.01)
    live = LiveServer(f"http://127.0.0.1:{settings.port}", settings, lane)
    yield live
    for client in live.clients:
        client.close()
    server.should_exit = True
    thread.join(timeout=10)


def server_settings(tmp_path: Path, **changes: Any) -> Settings:
    """Settings for a live server: a fresh data folder with the demo data, a free port, fast hashing."""
    return Settings(
        data_dir=tmp_path / "data",
        port=free_port(),
        demo=True,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        **changes,
    )


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

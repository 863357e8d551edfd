"""A live server and a browser, once, for the benchmarks and the tests (``tests/`` imports this; never the reverse).

- :func:`free_port`: a free loopback port.
- :data:`CHROMIUM_ARGS` and :func:`chromium_path`: Debian's headless Chromium as Playwright launches it.
- :class:`ServerProcess`: ``python -m server`` in a subprocess on a free port, waited for until
  ``/api/health`` answers; restartable (the crash test kills it with SIGKILL and starts it again).
- :func:`in_thread`: an ASGI app under uvicorn in a thread of this process, on a socket bound
  before it starts; :func:`serve` runs the app that way behind the push's fast lane, as
  ``python -m server`` does, and hands back a :class:`LiveServer`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from server.app import create_app
from server.fast_push import FastPush
from server.settings import Settings
from sync.org.demo import DEMO_PASSWORD

ROOT = Path(__file__).parent.parent
HOST = "127.0.0.1"
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


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def chromium_path() -> Path | None:
    """Debian's Chromium (``./dev test`` installs it), or ``None`` when it is not installed."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


def wait_for(url: str, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    """Until ``url`` answers; raises :class:`RuntimeError` if ``proc`` exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{url}: the process exited with {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up in {timeout:.0f} s") from None
            time.sleep(0.05)


def server_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of ``python -m server`` over ``data_dir`` on ``port``: this one's, plus ``extra``."""
    return {**os.environ, "XUNJIAN_DATA_DIR": str(data_dir), "XUNJIAN_PORT": str(port), **extra}


class ServerProcess:
    """``python -m server [args]`` in a subprocess over one data folder, on a port chosen once; restartable.

    ``env`` adds ``XUNJIAN_*`` variables; ``output`` keeps what the server prints (read it
    from :meth:`stop`), else it goes nowhere. As a context manager it is started and stopped.
    """

    def __init__(
        self, data_dir: Path, *args: str, env: dict[str, str] | None = None, output: bool = False, timeout: float = 30
    ) -> None:
        self.port = free_port()
        self.args = args
        self.env = server_env(data_dir, self.port, **(env or {}))
        self.output = output
        self.timeout = timeout
        self.proc: subprocess.Popen[str] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Start the server and wait until ``/api/health`` answers."""
        kept = subprocess.PIPE if self.output else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=kept,
            stderr=subprocess.STDOUT if self.output else subprocess.DEVNULL,
            text=True,
        )
        try:
            wait_for(f"{self.base}/api/health", self.proc, self.timeout)
        except RuntimeError as exc:
            printed = self.stop()
            raise RuntimeError(f"the server did not start: {exc}\n{printed}") from None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; as a power cut leaves it."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> str:
        """Terminate the server if it runs and wait for it; what it printed, if ``output`` keeps it."""
        proc, self.proc = self.proc, None
        if proc is None:
            return ""
        if proc.poll() is None:
            proc.terminate()
        printed, _ = proc.communicate(timeout=30)
        return printed or ""

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


@contextmanager
def in_thread(app: Any, port: int = 0, timeout: float = 20, **config: Any) -> Iterator[str]:
    """The ASGI ``app`` under uvicorn in a thread, on a loopback socket bound first (``port`` 0: any free one).

    ``config`` goes to ``uvicorn.Config``. Yields the base URL once uvicorn has started
    (lifespan done); stops it when the block ends.
    """
    listener = socket.create_server((HOST, port), backlog=128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        host, bound = listener.getsockname()[:2]
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


@dataclass
class LiveServer:
    """The real app served over HTTP on 127.0.0.1."""

    url: str
    settings: Settings
    lane: FastPush  # the push's fast lane in front of the app, as in service
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, username: str | None = None) -> httpx.Client:
        """An HTTP client, logged in as ``username`` when given (closed when the server stops)."""
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
    with in_thread(lane, settings.port) as url:
        live = LiveServer(url, settings, lane)
        try:
            yield live
        finally:
            for client in live.clients:
                client.close()


def server_settings(folder: Path, **changes: Any) -> Settings:
    """Settings for a live server: a fresh data folder in ``folder`` with the demo data, a free port, fast hashing."""
    return Settings(
        data_dir=folder / "data",
        port=free_port(),
        demo=True,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        **changes,
    )

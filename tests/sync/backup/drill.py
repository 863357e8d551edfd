"""The restore drill of issue 15 (items 5–7): two devices push, a backup, more pushes, a restore, devices sync.

A live server (uvicorn in a thread, behind the push's fast lane) over one data folder; the restore
goes into a new data folder and the server starts again on it at the same address, as an
administrator would bring it back. :class:`Drill` holds the steps the device tests share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.settings import Settings
from tests.templates import SYNC_TEMPLATE

INSPECTORS = ("inspector1", "inspector2")  # the demo inspectors who share one site


@dataclasses.dataclass
class Drill:
    """A live server that can be stopped and started again on another data folder at the same address."""

    settings: Settings
    stack: ExitStack = dataclasses.field(default_factory=ExitStack)
    live: LiveServer | None = None
    shared: str = ""  # the demo site both inspector1 and inspector2 are assigned

    def start(self, data_dir: Path | None = None) -> LiveServer:
        if data_dir is not None:
            self.settings = dataclasses.replace(self.settings, data_dir=data_dir)
        self.stack = ExitStack()
        self.live = self.stack.enter_context(serve(self.settings))
        return self.live

    def stop(self) -> None:
        """Stop the server; the devices' connections to it close too (:meth:`reconnect` opens new ones)."""
        self.stack.close()
        self.live = None

    @property
    def data_dir(self) -> Path:
        assert self.settings.data_dir is not None
        return self.settings.data_dir

    def admin(self) -> httpx.Client:
        assert self.live is not None
        return self.live.client("admin")

    def publish(self) -> None:
        assert self.admin().post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
        assert self.live is not None
        one, two = ({s["id"] for s in self.live.client(name).get("/api/sites").json()} for name in INSPECTORS)
        [self.shared] = one & two

    def device(self, username: str, name: str) -> Device:
        """A device over its own HTTP client (renewed by :meth:`reconnect` after a restart)."""
        assert self.live is not None
        http = self.stack.enter_context(httpx.Client(base_url=self.live.url, timeout=30))
        body = {"username": username, "password": "demo1234", "device_name": name}
        token = http.post("/api/auth/login", json=body).json()["token"]
        return Device(http, token, name=name)

    def reconnect(self, *devices: Device) -> None:
        assert self.live is not None
        for phone in devices:
            phone.http = self.stack.enter_context(httpx.Client(base_url=self.live.url, timeout=30))

    def document(self, inspection_id: str) -> dict[str, Any]:
        response = self.admin().get(f"/api/inspections/{inspection_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def drill(tmp_path: Path) -> Iterator[Drill]:
    """A drill on a fresh demo data folder in ``tmp_path``, stopped at the end."""
    run = Drill(server_settings(tmp_path))
    run.start()
    try:
        yield run
    finally:
        run.stop()


def gaps(*devices: Device) -> list[dict[str, Any]]:
    """Every push result a device got that was a sequence gap."""
    return [r for phone in devices for r in phone.results.values() if r["outcome"] == "gap"]

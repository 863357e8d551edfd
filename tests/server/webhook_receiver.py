"""A webhook receiver for tests on real servers: records every delivery, holds chosen ones until let go."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from bench.live import HOST
from sync.org.demo import DEMO_PASSWORD

WAIT_S = 120  # for the deliveries to catch up; a slow machine only takes longer, it never fails sooner


class Receiver(ThreadingHTTPServer):
    """Records every delivery; holds the ones numbered in ``hold`` until the test lets them go."""

    def __init__(self, hold: set[int]) -> None:
        super().__init__((HOST, 0), Handler)
        self.deliveries: list[tuple[str, int, bytes]] = []  # (delivery id, event seq, body)
        self.hold = hold
        self.holding = threading.Event()  # a held delivery is in
        self.release = threading.Event()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/hook"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        receiver = self.server
        with receiver.lock:
            receiver.deliveries.append((self.headers["X-Xunjian-Delivery"], json.loads(body)["seq"], body))
            number = len(receiver.deliveries)
        if number in receiver.hold:
            receiver.release.clear()
            receiver.holding.set()
            receiver.release.wait(WAIT_S)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def login(http: httpx.Client, username: str) -> dict[str, str]:
    body = {"username": username, "password": DEMO_PASSWORD, "device_name": "webhooks"}
    return {"Authorization": f"Bearer {http.post('/api/auth/login', json=body).json()['token']}"}


def delivered_all(receiver: Receiver, seqs: set[int]) -> set[int]:
    """Wait until every event in ``seqs`` has been delivered (or ``WAIT_S`` passed); those delivered."""
    deadline = time.monotonic() + WAIT_S
    while True:
        with receiver.lock:
            seen = {seq for _, seq, _ in receiver.deliveries}
        if seqs <= seen or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)

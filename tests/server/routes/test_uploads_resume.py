"""Uploads survive connections cut in the middle of chunks: the real server, a proxy that cuts.

The app runs under uvicorn on 127.0.0.1; between it and the uploader (``bench/uploader.py``)
a TCP proxy forwards bytes and closes both sockets once a connection has carried its
random budget of bytes from the client. The uploader asks ``HEAD`` where to resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bench.live import in_thread
from bench.uploader import TUS, metadata, upload
from server.app import create_app
from server.settings import Settings
from sync.db.store import Store
from sync.evidence.blobs import blob_path
from tests.images import encode

CHUNK = 64 * 1024
LINGER_S = 0.25


class CuttingProxy:
    """Forwards TCP connections to ``upstream``; the n-th connection is cut after ``budgets[n]`` bytes."""

    def __init__(self, upstream: tuple[str, int], budgets: list[int]) -> None:
        self.upstream = upstream
        self.budgets = deque(budgets)
        self.cut = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = self.listener.getsockname()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            budget = self.budgets.popleft() if self.budgets else None
            server = socket.create_connection(self.upstream)
            pair = (client, server)
            for source, target, limit in [(client, server, budget), (server, client, None)]:
                thread = threading.Thread(target=self._pump, args=(source, target, limit, pair), daemon=True)
                thread.start()
                self.threads.append(thread)

    def _pump(
        self, source: socket.socket, target: socket.socket, budget: int | None, pair: tuple[socket.socket, ...]
    ) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if budget is not None and len(data) >= budget:
                    target.sendall(data[:budget])
                    self.cut += 1
                    # A radio link drops after its last bytes have landed, not with them: closing at
                    # once races uvicorn, which drops a body it has buffered when the close wins.
                    time.sleep(LINGER_S)
                    break
                target.sendall(data)
                if budget is not None:
                    budget -= len(data)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        for thread in self.threads:
            thread.join(timeout=10)


@dataclass
class Running:
    url: str
    address: tuple[str, int]
    store: Store
    evidence_dir: Path
    org_id: str


@contextmanager
def serving(settings: Settings) -> Iterator[Running]:
    """The real app under uvicorn in a thread, on a socket bound before it starts."""
    app = create_app(replace(settings, demo=True))
    with in_thread(app, ws="none", http="h11") as url:
        host, port = url.removeprefix("http://").split(":")
        org_id = app.state.store.db.execute("SELECT id FROM organisation").fetchone()[0]
        yield Running(url, (host, int(port)), app.state.store, app.state.evidence_dir, org_id)


@pytest.fixture
def server(settings: Settings) -> Iterator[Running]:
    with serving(settings) as running:
        yield running


def token(url: str) -> str:
    body = {"username": "inspector1", "password": "demo1234", "device_name": "resume-test"}
    response = httpx.post(f"{url}/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    value: str = response.json()["token"]
    return value


def photo_bytes() -> bytes:
    noise = Image.merge("RGB", [Image.effect_noise((2000, 1600), 50) for _ in range(3)])
    return encode(noise, "JPEG", quality=95)


def test_an_upload_cut_at_random_offsets_completes_with_the_exact_bytes(server: Running) -> None:
    data = photo_bytes()
    rng = random.Random(20250314)
    budgets = [rng.randint(1, 2 * CHUNK) for _ in range(25)]
    assert len(data) > sum(budgets), "every budget is spent before the upload can finish"
    proxy = CuttingProxy(server.address, budgets)
    headers = {"Authorization": f"Bearer {token(server.url)}"}
    try:
        with httpx.Client(
            base_url=f"http://{proxy.address[0]}:{proxy.address[1]}", headers=headers, timeout=30
        ) as client:
            report = upload(client, data, chunk_size=CHUNK, max_broken=200)
    finally:
        proxy.close()
    assert proxy.cut == len(budgets)
    assert report.cuts, "some cuts landed in chunks"
    for start, length, resumed in report.cuts:
        assert start <= resumed <= start + length
    assert report.resent_bytes <= len(report.cuts) * CHUNK
    assert report.body_bytes_sent == len(data) + report.resent_bytes
    assert any(start < resumed < start + length for start, length, resumed in report.cuts), "partial chunks kept"
    stored = blob_path(server.evidence_dir, server.org_id, report.sha256).read_bytes()
    assert stored == data
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert server.store.db.execute("SELECT count(*) FROM blob").fetchone()[0] == 1

    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        again = upload(client, data, chunk_size=CHUNK)
        assert again.stored_at_once
        assert again.body_bytes_sent == 0
        assert client.get("/api/health").json()["status"] == "ok"
    assert server.store.db.execute("SELECT count(*) FROM blob").fetchone()[0] == 1


def test_a_chunk_that_stalls_is_ended_and_keeps_what_arrived(settings: Settings) -> None:
    """A device that goes silent mid-chunk does not hold its upload: after ``upload_idle_s``
    without a byte the server answers, keeps the bytes that came, and HEAD says so."""
    with serving(replace(settings, upload_idle_s=0.3)) as running:
        headers = {"Authorization": f"Bearer {token(running.url)}"}
        data = photo_bytes()
        with httpx.Client(base_url=running.url, headers=headers, timeout=30) as client:
            meta = metadata(sha256=hashlib.sha256(data).hexdigest(), kind="photo", media_type="image/jpeg")
            created = client.post(
                "/api/uploads", headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
            )
            url = created.headers["location"]
            request = (
                f"PATCH {url} HTTP/1.1\r\nHost: {running.address[0]}\r\n{headers_text(headers)}"
                "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                "Upload-Offset: 0\r\nContent-Length: 100000\r\n\r\n"
            ).encode() + data[:3000]
            with socket.create_connection(running.address, timeout=30) as stalled:
                stalled.sendall(request)  # and then nothing more
                answer = read_response(stalled)
            assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
            assert b"resume with HEAD" in answer
            head = client.head(url, headers=TUS)
            assert head.headers["upload-offset"] == "3000"
            assert client.get("/api/health").json()["status"] == "ok"


def read_response(sock: socket.socket) -> bytes:
    """One HTTP/1.1 response with a Content-Length, read off a raw socket."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536) or b"\r\n\r\n"
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length and (more := sock.recv(65536)):
        body += more
    return head + b"\r\n\r\n" + body


def headers_text(headers: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\r\n" for name, value in headers.items())

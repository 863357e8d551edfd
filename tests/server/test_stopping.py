"""``python -m server`` in a real subprocess: SIGTERM lets the chunk in flight finish, refuses what comes
after, and exits 0; a kill -9 inside finishing an upload is completed by the next start."""

from __future__ import annotations

import hashlib
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.live import ServerProcess
from sync.org.demo import DEMO_PASSWORD
from tests.evidence import PHOTO, metadata

TUS = {"Tus-Resumable": "1.0.0"}


def login(base: str) -> dict[str, str]:
    body = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": "pytest"}
    response = httpx.post(f"{base}/api/auth/login", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def create(base: str, auth: dict[str, str], data: bytes) -> str:
    meta = metadata(sha256=hashlib.sha256(data).hexdigest(), kind="photo", media_type="image/jpeg", filename="p.jpg")
    headers = {**auth, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    response = httpx.post(f"{base}/api/uploads", headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    location: str = response.headers["location"]
    return location


def test_a_kill_inside_finishing_an_upload_is_completed_by_the_next_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    dying = ServerProcess(data_dir, "--demo", env={"XUNJIAN_FAULT": "upload.finish.after_files"})
    dying.start()
    auth = login(dying.base)
    url = create(dying.base, auth, PHOTO)
    chunk = {**auth, **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    with pytest.raises(httpx.TransportError):  # the process died at the fault point: no answer
        httpx.patch(f"{dying.base}{url}", content=PHOTO, headers=chunk, timeout=30)
    assert dying.proc is not None
    assert dying.proc.wait(timeout=30) == -signal.SIGKILL
    dying.stop()
    with ServerProcess(data_dir, "--demo") as again:  # start-up reconciliation finishes the upload
        auth = login(again.base)
        head = httpx.head(f"{again.base}{url}", headers={**auth, **TUS}, timeout=30)
        assert (head.status_code, head.headers["upload-complete"]) == (200, "?1")
        stored = httpx.get(f"{again.base}/api/blobs/{hashlib.sha256(PHOTO).hexdigest()}", headers=auth, timeout=30)
        assert stored.content == PHOTO
    assert not list((data_dir / "uploads").iterdir())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path / "data", "--demo", env={"XUNJIAN_STOP_TIMEOUT_S": "30"}) as running:
        yield running


def slow_patch(base: str, url: str, auth: dict[str, str], data: bytes, go_on: threading.Event) -> bytes:
    """PATCH ``data`` over a raw socket: the first piece, then (once ``go_on`` is set) the rest slowly."""
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"PATCH {url} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth['Authorization']}\r\n"
        f"Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(head + data[:1000])
        assert go_on.wait(60)
        for at in range(1000, len(data), 1000):
            time.sleep(0.02)
            conn.sendall(data[at : at + 1000])
        return conn.recv(4096).split(b"\r\n", 1)[0]


def refused(base: str) -> bool:
    """True once a new request goes unserved: no connection, or one closed without an answer (a request
    accepted in the instant before uvicorn stopped listening is closed unanswered, never half-served)."""
    try:
        httpx.get(f"{base}/api/health", timeout=5)
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
        return True
    return False


def test_sigterm_lets_the_chunk_in_flight_finish_refuses_new_requests_and_exits_0(
    server: ServerProcess, tmp_path: Path
) -> None:
    auth = login(server.base)
    url = create(server.base, auth, PHOTO)
    go_on, answer = threading.Event(), []
    sender = threading.Thread(target=lambda: answer.append(slow_patch(server.base, url, auth, PHOTO, go_on)))
    sender.start()
    received = tmp_path / "data" / "uploads" / url.rsplit("/", 1)[1]
    while received.stat().st_size == 0:  # the chunk is in the app, its first bytes written
        time.sleep(0.01)
    assert server.proc is not None
    server.proc.send_signal(signal.SIGTERM)
    while not refused(server.base):  # uvicorn stops listening first
        time.sleep(0.01)
    go_on.set()  # only now does the rest of the chunk come
    sender.join(60)
    assert answer == [b"HTTP/1.1 204 No Content"]
    assert server.proc.wait(timeout=60) == 0
    assert not received.exists()  # finished: its bytes are a blob now

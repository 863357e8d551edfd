"""The official tus clients, unchanged, against the real server over HTTP: tuspy (Python) and tus-js-client (Node).

Each uploads whole, resumes after an abort, and finishes on bytes the organisation already
holds (the creation answers an upload that is complete from the start). tuspy also sends
``Upload-Checksum`` per chunk; tus-js-client has no checksum option (it sends none), so it
is tested without.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tusclient.client import TusClient
from tusclient.uploader.uploader import Uploader

from bench.live import ROOT, LiveServer, serve, server_settings
from tests.evidence import PHOTO
from tests.images import noise_jpeg

CLIENT_JS = ROOT / "pwa" / "test" / "tus" / "client.mjs"
APP_JS = ROOT / "pwa" / "test" / "tus" / "app_upload.mjs"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as server:
        yield server


def token(http: httpx.Client) -> str:
    return http.headers["Authorization"].partition(" ")[2]


def uploader(live: LiveServer, http: httpx.Client, data: bytes, **options: Any) -> Uploader:
    client = TusClient(f"{live.url}/api/uploads", headers={"Authorization": http.headers["Authorization"]})
    meta = {"sha256": hashlib.sha256(data).hexdigest(), "kind": "photo", "media_type": "image/jpeg"}
    return client.uploader(file_stream=io.BytesIO(data), chunk_size=16 * 1024, metadata=meta, **options)


def stored(http: httpx.Client, data: bytes) -> bytes:
    response = http.get(f"/api/blobs/{hashlib.sha256(data).hexdigest()}")
    assert response.status_code == 200, response.text
    return response.content


def blobs(live: LiveServer) -> int:
    count: int = live.lane.app.state.store.db.execute("SELECT count(*) FROM blob").fetchone()[0]
    return count


def test_tuspy_uploads_whole_with_checksums(live: LiveServer) -> None:
    http = live.client("inspector1")
    sent = uploader(live, http, PHOTO, upload_checksum=True)
    sent.upload()
    assert sent.offset == len(PHOTO)
    assert stored(http, PHOTO) == PHOTO


def test_tuspy_resumes_after_an_abort(live: LiveServer) -> None:
    http = live.client("inspector1")
    first = uploader(live, http, PHOTO)
    first.upload(stop_at=16 * 1024)
    assert first.offset == 16 * 1024
    resumed = uploader(live, http, PHOTO, url=first.url)  # asks the server where it stands (HEAD)
    assert resumed.offset == 16 * 1024
    resumed.upload()
    assert stored(http, PHOTO) == PHOTO


def test_tuspy_finishes_on_bytes_the_organisation_holds(live: LiveServer) -> None:
    owner = live.client("inspector1")
    uploader(live, owner, PHOTO).upload()
    # held for one who may read it (its uploader, from another device); for others it is missing (test_blobs_possession)
    again = uploader(live, live.client("inspector1"), PHOTO)
    again.upload()  # once a 405: it PATCHed the blob's URL
    assert again.offset == len(PHOTO)
    assert "/api/uploads/" in str(again.url)
    assert stored(owner, PHOTO) == PHOTO
    assert blobs(live) == 1


def node_client(live: LiveServer, http: httpx.Client, scenario: str, data: bytes, folder: Path) -> dict[str, object]:
    return run_node(CLIENT_JS, live.url, token(http), scenario, write(folder, scenario, data), sha(data))


def write(folder: Path, name: str, data: bytes) -> str:
    file = folder / f"{name}.jpg"
    file.write_bytes(data)
    return str(file)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_node(script: Path, *args: str) -> dict[str, object]:
    node = shutil.which("node")
    assert node is not None, "Node.js runs the PWA's tests; ./dev test needs it"
    ran = subprocess.run(
        [node, str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    result: dict[str, object] = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["ok"], result
    return result


def test_tus_js_client_uploads_whole(live: LiveServer, tmp_path: Path) -> None:
    http = live.client("inspector1")
    result = node_client(live, http, "whole", PHOTO, tmp_path)
    assert ["PATCH", 204] in result["requests"]  # type: ignore[operator]
    assert stored(http, PHOTO) == PHOTO


def test_tus_js_client_resumes_after_an_abort(live: LiveServer, tmp_path: Path) -> None:
    http = live.client("inspector1")
    data = noise_jpeg(400, 300)
    assert len(data) > 3 * 16 * 1024
    result = node_client(live, http, "resume", data, tmp_path)
    first = result["first"]
    assert isinstance(first, dict) and first["aborted"] and first["url"] == result["url"]
    assert ["HEAD", 200] in result["requests"]  # type: ignore[operator]
    assert stored(http, data) == data


def test_tus_js_client_finishes_on_bytes_the_organisation_holds(live: LiveServer, tmp_path: Path) -> None:
    uploader(live, live.client("inspector1"), PHOTO).upload()
    http = live.client("inspector1")  # another device of the uploader: the bytes are held for them
    result = node_client(live, http, "held", PHOTO, tmp_path)  # once a 405 on the blob's URL
    assert result["requests"] == [["POST", 201], ["PATCH", 204]]
    assert blobs(live) == 1


def test_the_apps_upload_code_sends_nothing_for_bytes_the_organisation_holds(live: LiveServer, tmp_path: Path) -> None:
    """The app once took a 200 at creation to mean 'held'; now the creation's full Upload-Offset says it."""
    owner = live.client("inspector1")
    sent = run_node(APP_JS, live.url, token(owner), write(tmp_path, "first", PHOTO), sha(PHOTO))
    assert sent["ok"], sent
    assert sent["requests"] == [["POST", 201], ["PATCH", 204]]
    other_device = live.client("inspector1")  # the bytes are held for their uploader, on any device
    held = run_node(APP_JS, live.url, token(other_device), write(tmp_path, "again", PHOTO), sha(PHOTO))
    assert held["ok"], held
    assert held["requests"] == [["POST", 201]]  # complete at creation: no byte sent
    assert stored(owner, PHOTO) == PHOTO
    assert blobs(live) == 1

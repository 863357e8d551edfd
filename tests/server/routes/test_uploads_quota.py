"""Per-user upload quotas, and a refused chunk keeps nothing (issue 14, item 7)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from bench.live import serve, server_settings
from server.app import create_app
from server.settings import Settings
from sync.evidence.uploads import upload_path
from tests.clients import Client, assert_problem, bearer, login
from tests.evidence import CHUNK, PHOTO, TUS, create, sha256

MAX_OPEN = 3
MAX_OPEN_BYTES = 3 * len(PHOTO) + 10


@pytest.fixture
def quota_settings(settings: Settings) -> Settings:
    return replace(settings, demo=True, max_open_uploads=MAX_OPEN, max_open_upload_bytes=MAX_OPEN_BYTES)


@pytest.fixture
def quota_client(quota_settings: Settings) -> Iterator[Client]:
    app: Litestar = create_app(quota_settings)
    with TestClient(app) as test_client:
        yield test_client


def photo(n: int) -> bytes:
    return PHOTO + n.to_bytes(2, "big")  # a different hash each, same size


def test_a_user_may_have_only_so_many_unfinished_uploads(quota_client: Client) -> None:
    inspector = bearer(login(quota_client, "inspector1"))
    urls = [create(quota_client, inspector, photo(n)).headers["location"] for n in range(MAX_OPEN)]
    over = create(quota_client, inspector, photo(99))
    body = assert_problem(over, 429, "upload-quota")
    assert f"at most {MAX_OPEN}" in str(body["detail"]) and "DELETE" in str(body["detail"])
    assert create(quota_client, inspector, photo(0)).status_code == 201  # resuming one is no new upload
    other = bearer(login(quota_client, "inspector2"))
    assert create(quota_client, other, photo(99)).status_code == 201  # per user
    assert quota_client.delete(urls[0], headers={**inspector, **TUS}).status_code == 204
    assert create(quota_client, inspector, photo(99)).status_code == 201


def test_declared_bytes_of_unfinished_uploads_are_limited(quota_client: Client) -> None:
    inspector = bearer(login(quota_client, "inspector1"))
    assert create(quota_client, inspector, PHOTO, length=MAX_OPEN_BYTES - 100, digest=sha256(b"a")).status_code == 201
    over = create(quota_client, inspector, photo(1))
    assert_problem(over, 429, "upload-quota")


def _pieces_after(written: Path, piece: int) -> Iterator[bytes]:
    """Three pieces under the limit; once the server has written them, two more that pass it."""
    for n in range(3):
        yield bytes([n]) * piece
    for _ in range(1000):  # bounded: the server writes what arrives at once
        if written.stat().st_size == 3 * piece:
            break
        time.sleep(0.01)
    yield b"\xff" * piece
    yield b"\xfe" * piece


def test_a_chunk_refused_as_too_large_keeps_none_of_its_bytes(tmp_path: Path) -> None:
    limit = 64 * 1024
    piece = 20 * 1024
    big = os.urandom(20 * limit)
    with serve(server_settings(tmp_path, max_chunk_bytes=limit)) as live:
        http = live.client("inspector1")
        http.headers.update(TUS)
        meta = create(http, {}, big, media_type="image/png")  # type: ignore[arg-type]
        assert meta.status_code == 201, meta.text
        url = meta.headers["location"]
        written = upload_path(live.lane.app.state.evidence_dir, url.rsplit("/", 1)[1])
        # streamed, with no Content-Length: the limit is found while the bytes arrive, after some were written
        pieces = _pieces_after(written, piece)
        refused = http.patch(url, content=pieces, headers={**CHUNK, "Upload-Offset": "0"})
        assert_problem(refused, 413, "body-too-large")
        assert http.head(url).headers["upload-offset"] == "0"
        assert written.stat().st_size == 0

"""Several app servers on one database and one bucket: an upload started on one is resumed and finished on another."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from server.app import create_app
from tests.clients import demo_world
from tests.evidence import PHOTO, TUS, create, send, settings_on


def test_an_upload_started_on_one_server_is_resumed_and_finished_on_another(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings = settings_on("s3", request, tmp_path)
    first = create_app(settings.__class__(**{**settings.__dict__, "demo": True}))
    second = create_app(settings)  # the same database file and bucket; no state shared in memory
    with TestClient(first) as one, TestClient(second) as two:
        inspector = demo_world(one).headers["inspector1"]
        created = create(one, inspector, PHOTO)
        assert created.status_code == 201, created.text
        url = created.headers["location"]
        assert send(one, inspector, url, 0, PHOTO[:5000]).status_code == 204
        head = two.head(url, headers={**inspector, **TUS})
        assert (head.status_code, head.headers["upload-offset"]) == (200, "5000")
        stale = send(one, inspector, url, 0, PHOTO[:5000])  # a retry of what the other server holds already
        assert stale.status_code == 409
        finished = send(two, inspector, url, 5000, PHOTO[5000:])
        assert finished.status_code == 204, finished.text
        assert finished.headers["upload-complete"] == "?1"
        done = one.head(url, headers={**inspector, **TUS})
        assert (done.headers["upload-offset"], done.headers["upload-complete"]) == (str(len(PHOTO)), "?1")
        blob = created.json()["sha256"]
        for client in (one, two):
            served = client.get(f"/api/blobs/{blob}", headers={**inspector, "Range": "bytes=100-199"})
            assert (served.status_code, served.content) == (206, PHOTO[100:200])
            assert served.headers["etag"] == f'"{blob}-original"'

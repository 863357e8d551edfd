"""Voice memos as evidence (issue 18): audio through the same resumable upload, checked by its bytes,
limited in size, read by the same rules with an ETag and ranges once a note names it, and kept from
garbage collection while one does.

The WebM is what Chromium's MediaRecorder wrote (``tests/fixtures/voice.webm``); the Ogg/Opus file is
built in pure Python (``tests/audio.py``). Both decode in Chromium.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from server.settings import Settings
from sync.evidence import gc
from tests.audio import WEBM, ogg_opus
from tests.clients import Client, World, assert_problem, device, started
from tests.evidence import PHOTO, create, settings_on, sha256, upload

RECORDED = WEBM.read_bytes()
BUILT = ogg_opus(1.0)


@pytest.fixture(params=["file", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """With the evidence in the data folder and in a bucket of a real S3-protocol server."""
    return settings_on(request.param, request, tmp_path)


def memo(client: Client, headers: dict[str, str], data: bytes, media_type: str = "audio/webm") -> str:
    response = upload(client, headers, data, kind="audio", media_type=media_type)
    assert response.status_code == 204, response.text
    return sha256(data)


def voice_of(data: bytes, mime: str = "audio/webm", duration_ms: int = 700) -> dict[str, Any]:
    return {"sha256": sha256(data), "mime": mime, "duration_ms": duration_ms, "bytes": len(data)}


@pytest.mark.parametrize(
    ("data", "declared", "found"),
    [
        (RECORDED, "audio/webm", "audio/webm"),
        (BUILT, "audio/ogg", "audio/ogg"),
        (BUILT, "audio/webm", "audio/ogg"),  # the bytes say what it is, not the phone
    ],
    ids=["chromium-webm", "ogg-opus", "ogg-declared-webm"],
)
def test_a_real_recording_is_stored_as_audio_of_the_type_its_bytes_are(
    client: Client, world: World, data: bytes, declared: str, found: str
) -> None:
    headers = world.headers["inspector1"]
    digest = memo(client, headers, data, declared)
    meta = client.get(f"/api/blobs/{digest}/meta", headers=headers).json()
    assert (meta["kind"], meta["media_type"], meta["size"]) == ("audio", found, len(data))
    served = client.get(f"/api/blobs/{digest}", headers=headers)
    assert served.content == data
    assert served.headers["content-type"].startswith(found)
    assert client.get(f"/api/blobs/{digest}?variant=thumb", headers=headers).content == data  # no derived versions


@pytest.mark.parametrize(
    "data",
    [
        PHOTO,  # a JPEG declared as audio
        "今天冷柜温度正常".encode() * 20,
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + bytes(64),  # EBML, but a Matroska file
        b"OggS\x01" + bytes(64),  # not an Ogg page of version 0
    ],
    ids=["jpeg", "text", "matroska", "ogg-bad-version"],
)
def test_bytes_that_are_no_audio_are_refused_and_nothing_is_stored(client: Client, world: World, data: bytes) -> None:
    headers = world.headers["inspector1"]
    refused = upload(client, headers, data, kind="audio", media_type="audio/webm")
    assert_problem(refused, 415, "unsupported-media-type")
    assert "WebM" in str(refused.json()["detail"]) or "webm" in str(refused.json()["detail"])
    missing = client.post("/api/blobs/missing", json={"hashes": [sha256(data)]}, headers=headers).json()
    assert missing["missing"] == [sha256(data)]


def test_audio_is_declared_as_audio_and_within_its_limit(client: Client, world: World, settings: Settings) -> None:
    headers = world.headers["inspector1"]
    assert_problem(
        create(client, headers, RECORDED, kind="audio", media_type="image/jpeg"), 415, "unsupported-media-type"
    )
    too_long = create(
        client, headers, RECORDED, kind="audio", media_type="audio/webm", length=settings.max_audio_bytes + 1
    )
    body = assert_problem(too_long, 413, "upload-too-large")
    assert str(settings.max_audio_bytes) in str(body["detail"])
    at_limit = create(client, headers, RECORDED, kind="audio", media_type="audio/mp4", length=settings.max_audio_bytes)
    assert at_limit.status_code == 201


def test_a_memo_a_note_names_is_read_by_those_in_scope_with_an_etag_and_ranges(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    digest = memo(client, phone.headers, RECORDED)
    supervisor = world.headers["supervisor1"]
    assert client.get(f"/api/blobs/{digest}", headers=supervisor).status_code == 404  # named by nothing yet
    phone.enqueue("note", inspection_id, path="licence", text="执照挂在收银台后面", voice=voice_of(RECORDED))
    assert [r["outcome"] for r in phone.push()] == ["applied"]
    view = client.get(f"/api/inspections/{inspection_id}", headers=supervisor).json()
    assert view["notes"]["licence"]["voice"] == voice_of(RECORDED)
    assert view["notes"]["licence"]["text"] == "执照挂在收银台后面"
    whole = client.get(f"/api/blobs/{digest}", headers=supervisor)
    assert whole.status_code == 200 and whole.content == RECORDED
    assert whole.headers["etag"] == f'"{digest}-original"'
    assert whole.headers["accept-ranges"] == "bytes"
    part = client.get(f"/api/blobs/{digest}", headers={**supervisor, "Range": "bytes=100-399"})
    assert part.status_code == 206
    assert part.content == RECORDED[100:400]
    assert part.headers["content-range"] == f"bytes 100-399/{len(RECORDED)}"
    again = client.get(f"/api/blobs/{digest}", headers={**supervisor, "If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304
    outsider = world.headers["supervisor2"]  # 西湖区: the shop is not in their scope
    assert client.get(f"/api/blobs/{digest}", headers=outsider).status_code == 404
    phone.sync()
    assert phone.server[inspection_id]["notes"]["licence"]["voice"]["sha256"] == digest  # pulled to the device


def test_garbage_collection_keeps_a_memo_while_a_note_names_it(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    digest = memo(client, phone.headers, BUILT, "audio/ogg")
    phone.enqueue("note", inspection_id, path="frozen_temp", voice=voice_of(BUILT, "audio/ogg", 1000))
    phone.push()
    store = app.state.store
    later = time.time() + 30 * 24 * 3600
    assert digest not in [g.sha256 for g in gc.find_garbage(store, now=later)]
    phone.enqueue("note", inspection_id, path="frozen_temp", text="改用文字：温度正常")  # the memo is deleted
    phone.push()
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert view["notes"]["frozen_temp"] == {
        "text": "改用文字：温度正常",
        "by": world.users["inspector1"],
        "fv": view["notes"]["frozen_temp"]["fv"],
    }
    assert digest in [g.sha256 for g in gc.find_garbage(store, now=later)]
    assert digest not in [g.sha256 for g in gc.find_garbage(store)]  # within its grace period it stays

"""The tus upload endpoints: create, HEAD, PATCH chunks, checksums, termination, and every refusal."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image

from server.app import create_app
from server.settings import Settings
from tests.clients import Client, World, assert_problem, still_up
from tests.evidence import CHUNK, PHOTO, SVG, TUS, create, metadata, send, settings_on, sha256, upload
from tests.images import encode, phone_jpeg, png_bomb, quadrants, zip_bytes


@pytest.fixture(params=["file", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """These tests run with the evidence in the data folder and in a bucket of a real S3-protocol server."""
    return settings_on(request.param, request, tmp_path)


def assert_gone(response: Response) -> None:
    """A HEAD answer has no body: the status and the problem media type tell."""
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_options_advertise_the_protocol(client: Client) -> None:
    response = client.options("/api/uploads")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert set(response.headers["tus-extension"].split(",")) == {"creation", "checksum", "expiration", "termination"}
    assert response.headers["tus-max-size"] == str(40 * 1024 * 1024)
    assert "sha256" in response.headers["tus-checksum-algorithm"]


def test_a_photo_sent_in_chunks_is_verified_stored_and_served(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    created = create(client, inspector, PHOTO)
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    assert url.startswith("/api/uploads/")
    assert created.headers["upload-offset"] == "0"
    assert created.headers["upload-expires"].endswith("GMT")
    assert created.json()["complete"] is False
    head = client.head(url, headers={**inspector, **TUS})
    assert (head.status_code, head.headers["upload-offset"], head.headers["upload-length"]) == (
        200,
        "0",
        str(len(PHOTO)),
    )
    assert head.headers["cache-control"] == "no-store"
    offset = 0
    while offset < len(PHOTO):
        response = send(client, inspector, url, offset, PHOTO[offset : offset + 10_000])
        assert response.status_code == 204, response.text
        assert response.headers["tus-resumable"] == "1.0.0"
        offset = int(response.headers["upload-offset"])
    assert response.headers["upload-complete"] == "?1"
    assert client.head(url, headers={**inspector, **TUS}).headers["upload-offset"] == str(len(PHOTO))
    digest = sha256(PHOTO)
    original = client.get(f"/api/blobs/{digest}", headers=inspector)
    assert original.content == PHOTO
    meta = client.get(f"/api/blobs/{digest}/meta", headers=inspector).json()
    assert (meta["width"], meta["height"], meta["media_type"]) == (1200, 900, "image/jpeg")
    assert meta["gps"]["lat"] == pytest.approx(30.2741, abs=1e-5)
    assert meta["captured_at"] == "2025-03-14T09:26:53+08:00"
    assert meta["device_model"] == "P60 Pro"


def test_a_12_megapixel_photo_is_served_as_a_1600_px_display_and_a_320_px_thumbnail(
    client: Client, world: World
) -> None:
    big = phone_jpeg(8, size=(4000, 3000))
    assert upload(client, world.headers["inspector1"], big, chunk=1024 * 1024).status_code == 204
    digest = sha256(big)
    for variant, size in [("display", (1600, 1200)), ("thumb", (320, 240))]:
        served = client.get(f"/api/blobs/{digest}?variant={variant}", headers=world.headers["inspector1"])
        assert served.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(served.content)).size == size


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("png", encode(quadrants(), "PNG"), "image/png"),
        ("webp", encode(quadrants(), "WEBP"), "image/webp"),
        ("heic", encode(quadrants(), "HEIF"), "image/heic"),
    ],
)
def test_png_webp_and_heic_photos_are_stored(
    client: Client, world: World, name: str, data: bytes, media_type: str
) -> None:
    assert upload(client, world.headers["inspector1"], data, media_type=media_type).status_code == 204
    meta = client.get(f"/api/blobs/{sha256(data)}/meta", headers=world.headers["inspector1"]).json()
    assert (meta["media_type"], meta["width"], meta["height"]) == (media_type, 400, 300)


BAD_IMAGES = [
    ("bomb", png_bomb(20000, 20000), "image/png", "decompression bomb"),
    ("truncated", phone_jpeg(1, size=(800, 600))[:5000], "image/jpeg", "truncated"),
    ("text", "这不是照片 not a photo\n".encode() * 40, "image/jpeg", "not a recognised image"),
    ("polyglot", phone_jpeg(1) + zip_bytes(), "image/jpeg", "polyglot"),
]


@pytest.mark.parametrize(("name", "data", "media_type", "words"), BAD_IMAGES, ids=[b[0] for b in BAD_IMAGES])
def test_what_is_not_a_safe_image_is_refused_and_leaves_nothing(
    client: Client, world: World, name: str, data: bytes, media_type: str, words: str
) -> None:
    inspector = world.headers["inspector1"]
    created = create(client, inspector, data, media_type=media_type)
    response = send(client, inspector, created.headers["location"], 0, data)
    body = assert_problem(response, 422, "invalid-image")
    assert words in str(body["detail"])
    assert_gone(client.head(created.headers["location"], headers={**inspector, **TUS}))
    digest = sha256(data)
    assert client.post("/api/blobs/missing", json={"hashes": [digest]}, headers=inspector).json() == {
        "missing": [digest]
    }
    still_up(client)


def test_bytes_that_do_not_match_the_declared_hash_are_refused(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    response = upload(client, inspector, PHOTO, digest=sha256(b"another photo"))
    assert_problem(response, 422, "hash-mismatch")
    assert client.get(f"/api/blobs/{sha256(b'another photo')}", headers=inspector).status_code == 404
    assert client.get(f"/api/blobs/{sha256(PHOTO)}", headers=inspector).status_code == 404
    still_up(client)


def test_a_chunk_at_the_wrong_offset_is_a_conflict_that_says_where_to_resume(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    url = create(client, inspector, PHOTO).headers["location"]
    assert send(client, inspector, url, 0, PHOTO[:1000]).status_code == 204
    replayed = send(client, inspector, url, 0, PHOTO[:1000])
    body = assert_problem(replayed, 409, "offset-mismatch")
    assert replayed.headers["upload-offset"] == "1000"
    assert body["offset"] == 1000
    assert_problem(send(client, inspector, url, 5000, PHOTO[5000:6000]), 409, "offset-mismatch")
    assert client.head(url, headers={**inspector, **TUS}).headers["upload-offset"] == "1000"


def digest_header(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_a_chunk_that_fails_its_checksum_is_discarded_with_460(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    url = create(client, inspector, PHOTO).headers["location"]
    bad = send(client, inspector, url, 0, PHOTO[:4000], **{"Upload-Checksum": digest_header(PHOTO[:3999] + b"!")})
    assert_problem(bad, 460, "checksum-mismatch")
    assert client.head(url, headers={**inspector, **TUS}).headers["upload-offset"] == "0"
    good = send(client, inspector, url, 0, PHOTO[:4000], **{"Upload-Checksum": digest_header(PHOTO[:4000])})
    assert good.headers["upload-offset"] == "4000"
    assert_problem(
        send(client, inspector, url, 4000, PHOTO[4000:5000], **{"Upload-Checksum": "md5 AAAA"}),
        415,
        "unsupported-media-type",
    )


def test_uploads_and_chunks_larger_than_allowed_are_refused(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    assert_problem(create(client, inspector, PHOTO, length=40 * 1024 * 1024 + 1), 413, "upload-too-large")
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    too_big = create(client, inspector, svg, kind="signature", media_type="image/svg+xml", length=300_000)
    assert_problem(too_big, 413, "upload-too-large")
    url = create(client, inspector, PHOTO).headers["location"]
    assert_problem(send(client, inspector, url, 0, PHOTO + b"more"), 413, "upload-too-large")
    still_up(client)


@pytest.fixture
def small_chunks(settings: Settings) -> Iterator[Client]:
    app: Litestar = create_app(replace(settings, demo=True, max_chunk_bytes=3 * 1024 * 1024 + 10))
    with TestClient(app) as test_client:
        yield test_client


def test_chunks_may_pass_the_json_body_limit_up_to_the_chunk_limit(small_chunks: Client) -> None:
    from tests.clients import bearer, login

    inspector = bearer(login(small_chunks, "inspector1"))
    data = encode(Image.merge("RGB", [Image.effect_noise((1800, 1800), 90)] * 3), "PNG")
    assert len(data) > 7 * 1024 * 1024
    url = create(small_chunks, inspector, data, media_type="image/png").headers["location"]
    first = send(small_chunks, inspector, url, 0, data[: 3 * 1024 * 1024])
    assert first.status_code == 204, first.text
    over = data[3 * 1024 * 1024 : 6 * 1024 * 1024 + 11]
    assert_problem(send(small_chunks, inspector, url, 3 * 1024 * 1024, over), 413, "body-too-large")
    assert small_chunks.head(url, headers={**inspector, **TUS}).headers["upload-offset"] == str(3 * 1024 * 1024)
    offset = 3 * 1024 * 1024
    while offset < len(data):
        response = send(small_chunks, inspector, url, offset, data[offset : offset + 1024 * 1024])
        assert response.status_code == 204, response.text
        offset = int(response.headers["upload-offset"])
    assert small_chunks.get(f"/api/blobs/{sha256(data)}", headers=inspector).content == data


def test_unknown_and_other_peoples_uploads_are_not_found(client: Client, world: World) -> None:
    url = create(client, world.headers["inspector1"], PHOTO).headers["location"]
    for who, target in [("inspector1", "/api/uploads/no-such-upload"), ("inspector2", url), ("admin", url)]:
        headers = {**world.headers[who], **TUS}
        assert_gone(client.head(target, headers=headers))
        assert_problem(send(client, world.headers[who], target, 0, PHOTO[:10]), 404, "not-found")
        assert_problem(client.delete(target, headers=headers), 404, "not-found")
    assert client.head(url, headers={**world.headers["inspector1"], **TUS}).headers["upload-offset"] == "0"


def test_every_upload_endpoint_needs_a_token(client: Client, world: World) -> None:
    url = create(client, world.headers["inspector1"], PHOTO).headers["location"]
    assert_problem(create(client, {}, PHOTO), 401, "unauthorized")
    unauthorized = client.head(url, headers=TUS)
    assert unauthorized.status_code == 401
    assert unauthorized.headers["content-type"].startswith("application/problem+json")
    assert_problem(send(client, {}, url, 0, PHOTO[:10]), 401, "unauthorized")
    assert_problem(client.delete(url, headers=TUS), 401, "unauthorized")


def test_malformed_tus_requests_are_problems(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    no_version = client.post("/api/uploads", headers={**inspector, "Upload-Length": "10"})
    assert_problem(no_version, 412, "tus-version")
    assert no_version.headers["tus-version"] == "1.0.0"
    meta = metadata(sha256=sha256(PHOTO), kind="photo", media_type="image/jpeg")
    no_length = client.post("/api/uploads", headers={**inspector, **TUS, "Upload-Metadata": meta})
    assert_problem(no_length, 400, "bad-request")
    garbled = client.post(
        "/api/uploads", headers={**inspector, **TUS, "Upload-Length": "10", "Upload-Metadata": "sha256 %%%"}
    )
    assert_problem(garbled, 400, "bad-request")
    assert_problem(create(client, inspector, PHOTO, digest="ABC"), 422, "invalid-input")
    assert_problem(create(client, inspector, PHOTO, kind="video"), 415, "unsupported-media-type")
    assert_problem(create(client, inspector, PHOTO, media_type="image/gif"), 415, "unsupported-media-type")
    url = create(client, inspector, PHOTO).headers["location"]
    wrong_type = client.patch(url, content=PHOTO[:10], headers={**inspector, **TUS, "Upload-Offset": "0"})
    assert_problem(wrong_type, 415, "unsupported-media-type")
    no_offset = client.patch(url, content=PHOTO[:10], headers={**inspector, **CHUNK})
    assert_problem(no_offset, 400, "bad-request")
    still_up(client)


def test_a_duplicate_upload_is_complete_at_once_and_stored_once(client: Client, world: World, app: Litestar) -> None:
    """For one who may read the blob already (here its uploader); see test_blobs_possession for the others."""
    assert upload(client, world.headers["inspector1"], PHOTO).status_code == 204
    reader = world.headers["inspector1"]  # one who may read it: its uploader
    again = create(client, reader, PHOTO)
    assert again.status_code == 201  # an upload resource complete from the start, as tus clients expect
    assert again.headers["upload-complete"] == "?1"
    assert again.headers["upload-offset"] == again.headers["upload-length"] == str(len(PHOTO))
    url = again.headers["location"]
    assert url.startswith("/api/uploads/")
    assert again.json()["complete"] is True
    assert again.json()["blob_url"] == f"/api/blobs/{sha256(PHOTO)}"
    head = client.head(url, headers={**reader, **TUS})
    assert (head.status_code, head.headers["upload-offset"], head.headers["upload-complete"]) == (
        200,
        str(len(PHOTO)),
        "?1",
    )
    # a tus client PATCHes what it created from offset 0: the bytes are not needed, the answer says complete
    patched = send(client, reader, url, 0, PHOTO[:5000])
    assert (patched.status_code, patched.headers["upload-offset"]) == (204, str(len(PHOTO)))
    assert app.state.store.db.execute("SELECT count(*) FROM blob").fetchone()[0] == 1


def test_a_replayed_creation_resumes_where_the_upload_stands(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    url = create(client, inspector, PHOTO).headers["location"]
    send(client, inspector, url, 0, PHOTO[:2500])
    again = create(client, inspector, PHOTO)
    assert (again.headers["location"], again.headers["upload-offset"]) == (url, "2500")


def test_a_terminated_upload_is_gone(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    url = create(client, inspector, PHOTO).headers["location"]
    send(client, inspector, url, 0, PHOTO[:2500])
    terminated = client.delete(url, headers={**inspector, **TUS})
    assert terminated.status_code == 204
    assert_gone(client.head(url, headers={**inspector, **TUS}))


def test_an_expired_upload_is_gone(settings: Settings) -> None:
    from tests.clients import bearer, login

    with TestClient(create_app(replace(settings, demo=True, upload_expiry_s=-1))) as expired:
        inspector = bearer(login(expired, "inspector1"))
        url = create(expired, inspector, PHOTO).headers["location"]
        assert_gone(expired.head(url, headers={**inspector, **TUS}))


def test_a_completion_that_failed_is_retried_with_an_empty_chunk(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.evidence import uploads

    def disk_full(path: object) -> None:
        raise OSError("No space left on device")

    inspector = world.headers["inspector1"]
    url = create(client, inspector, PHOTO).headers["location"]
    monkeypatch.setattr(uploads, "process_photo", disk_full)
    assert_problem(send(client, inspector, url, 0, PHOTO), 500, "internal-error")
    monkeypatch.undo()
    retried = send(client, inspector, url, len(PHOTO), b"")
    assert (retried.status_code, retried.headers["upload-complete"]) == (204, "?1")
    assert client.head(url, headers={**inspector, **TUS}).headers["upload-complete"] == "?1"
    assert client.get(f"/api/blobs/{sha256(PHOTO)}", headers=inspector).content == PHOTO


def test_signatures_are_stored_as_png_or_svg(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    png = encode(Image.new("RGBA", (300, 100)), "PNG")
    for data, media_type in [(png, "image/png"), (SVG, "image/svg+xml")]:
        assert upload(client, inspector, data, kind="signature", media_type=media_type).status_code == 204
        meta = client.get(f"/api/blobs/{sha256(data)}/meta", headers=inspector).json()
        assert (meta["kind"], meta["media_type"], meta["width"], meta["height"]) == ("signature", media_type, 300, 100)
    scripted = SVG.replace(b"</svg>", b"<script>alert(1)</script></svg>")
    refused = upload(client, inspector, scripted, kind="signature", media_type="image/svg+xml")
    assert "script" in str(assert_problem(refused, 422, "invalid-image")["detail"])

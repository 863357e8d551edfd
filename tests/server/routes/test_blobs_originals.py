"""Evidence as the camera took it: a light photo's chain of custody, its camera original, and who reads it.

Demo scope: inspector1 has 联华超市 and 望江农贸市场, inspector2 has 望江农贸市场 and the
service centre, inspector3 the Xihu sites; supervisor1 has 上城区.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar

from server.settings import Settings
from tests.clients import Client, World, assert_problem
from tests.evidence import PHOTO, create, reference, send, settings_on, sha256, upload
from tests.images import camera_jpeg, phone_jpeg

MARKET = "望江农贸市场"
LIGHT = sha256(PHOTO)
ORIGINAL = camera_jpeg(4000, 3000)
CAPTURE = sha256(ORIGINAL)
MB = 1024 * 1024
CUSTODY = {
    "capture_sha256": CAPTURE,
    "captured_at": "2026-12-05T09:26:53+08:00",
    "device": "Redmi Note 12 / Chrome 120",
    "lat": 30.2741,
    "lon": 120.1551,
    "accuracy_m": 12.5,
}


@pytest.fixture(params=["file", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """With the evidence in the data folder and in a bucket of a real S3-protocol server."""
    return settings_on(request.param, request, tmp_path)


def refer(app: Litestar, world: World, digest: str = LIGHT, site: str = MARKET) -> None:
    org_id = app.state.store.db.execute("SELECT org_id FROM site WHERE id = ?", [world.sites[site]]).fetchone()[0]
    reference(app.state.store, org_id, digest, world.sites[site], world.users["inspector1"])


def custody(client: Client, world: World, who: str = "inspector1", digest: str = LIGHT) -> dict[str, object]:
    response = client.get(f"/api/blobs/{digest}/custody", headers=world.headers[who])
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_original_follows_its_light_version_and_is_linked(client: Client, world: World, app: Litestar) -> None:
    headers = world.headers["inspector1"]
    assert len(ORIGINAL) > 5 * len(PHOTO) and len(ORIGINAL) > 3 * MB  # as a camera writes it: much larger
    assert upload(client, headers, PHOTO).status_code == 204
    declared = client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers)
    assert declared.status_code == 200, declared.text
    assert declared.json()["capture_sha256"] == CAPTURE
    assert declared.json()["original_held"] is False
    assert_problem(client.get(f"/api/blobs/{LIGHT}/camera", headers=headers), 404, "not-found")

    assert upload(client, headers, ORIGINAL, chunk=MB).status_code == 204  # the camera's bytes, hashed to CAPTURE
    held = custody(client, world)
    assert held["original_held"] is True and held["original_size"] == len(ORIGINAL)
    assert (held["captured_at"], held["device"], held["lat"]) == (CUSTODY["captured_at"], CUSTODY["device"], 30.2741)
    camera = client.get(f"/api/blobs/{LIGHT}/camera", headers=headers)
    assert camera.status_code == 200
    assert sha256(camera.content) == CAPTURE and camera.content == ORIGINAL
    assert camera.headers["etag"] == f'"{CAPTURE}-camera"'
    assert camera.headers["content-type"] == "image/jpeg"
    part = client.get(f"/api/blobs/{LIGHT}/camera", headers={**headers, "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == ORIGINAL[:100]


def test_an_original_whose_bytes_do_not_hash_to_the_capture_hash_is_refused(client: Client, world: World) -> None:
    headers = world.headers["inspector1"]
    assert upload(client, headers, PHOTO).status_code == 204
    assert client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers).status_code == 200
    forged = camera_jpeg(1600, 1200, seed=70)  # another picture sent as the camera original
    created = create(client, headers, forged, digest=CAPTURE)
    assert created.status_code == 201
    assert_problem(send(client, headers, created.headers["location"], 0, forged), 422, "hash-mismatch")
    assert custody(client, world)["original_held"] is False
    assert_problem(client.get(f"/api/blobs/{LIGHT}/camera", headers=headers), 404, "not-found")


def test_an_original_may_arrive_before_its_light_version(client: Client, world: World) -> None:
    headers = world.headers["inspector1"]
    assert upload(client, headers, ORIGINAL, chunk=MB).status_code == 204
    assert_problem(client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers), 404, "not-found")
    assert upload(client, headers, PHOTO).status_code == 204
    declared = client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers)
    assert declared.status_code == 200 and declared.json()["original_held"] is True
    assert client.get(f"/api/blobs/{LIGHT}/camera", headers=headers).content == ORIGINAL


def test_sending_again_is_harmless_and_custody_never_changes(client: Client, world: World) -> None:
    headers = world.headers["inspector1"]
    assert upload(client, headers, PHOTO).status_code == 204
    first = client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers)
    assert upload(client, headers, ORIGINAL, chunk=MB).status_code == 204
    again = create(client, headers, ORIGINAL)  # a phone that lost its answer asks again: nothing to send
    assert again.status_code == 201 and again.headers["upload-offset"] == str(len(ORIGINAL))
    repeated = client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers)
    assert repeated.status_code == 200
    assert repeated.json()["declared_at"] == first.json()["declared_at"]
    other = {**CUSTODY, "capture_sha256": sha256(b"another camera file")}
    body = assert_problem(
        client.put(f"/api/blobs/{LIGHT}/custody", json=other, headers=headers), 409, "custody-conflict"
    )
    assert CAPTURE in str(body["detail"])
    assert custody(client, world)["capture_sha256"] == CAPTURE


def test_the_original_is_read_as_the_photo_s_original_is(client: Client, world: World, app: Litestar) -> None:
    headers = world.headers["inspector1"]
    assert upload(client, headers, PHOTO).status_code == 204
    assert client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=headers).status_code == 200
    assert upload(client, headers, ORIGINAL, chunk=MB).status_code == 204
    for who in ("admin", "supervisor1", "inspector2"):  # not referenced yet: only its uploader reads it
        assert_problem(client.get(f"/api/blobs/{LIGHT}/camera", headers=world.headers[who]), 404, "not-found")
        assert_problem(client.get(f"/api/blobs/{LIGHT}/custody", headers=world.headers[who]), 404, "not-found")
    refer(app, world)
    for who in ("admin", "supervisor1"):
        assert client.get(f"/api/blobs/{LIGHT}/camera", headers=world.headers[who]).content == ORIGINAL
        assert custody(client, world, who)["lat"] == 30.2741
    colleague = custody(client, world, "inspector2")  # in scope, but reads display versions only
    assert colleague["capture_sha256"] == CAPTURE and colleague["original_held"] is True
    assert (colleague["lat"], colleague["lon"], colleague["accuracy_m"]) == (None, None, None)
    assert_problem(client.get(f"/api/blobs/{LIGHT}/camera", headers=world.headers["inspector2"]), 403, "forbidden")
    for who in ("supervisor2", "inspector3"):  # out of scope: as if it did not exist
        assert_problem(client.get(f"/api/blobs/{LIGHT}/camera", headers=world.headers[who]), 404, "not-found")
        assert_problem(client.get(f"/api/blobs/{LIGHT}/custody", headers=world.headers[who]), 404, "not-found")
    # only the photo's uploader declares its custody
    declared = client.put(f"/api/blobs/{LIGHT}/custody", json=CUSTODY, headers=world.headers["admin"])
    assert_problem(declared, 404, "not-found")


def test_naming_another_s_photo_as_one_s_original_reads_nothing(client: Client, world: World, app: Litestar) -> None:
    assert upload(client, world.headers["inspector1"], ORIGINAL, chunk=MB).status_code == 204
    mine = phone_jpeg(3, size=(800, 600))
    assert upload(client, world.headers["inspector2"], mine).status_code == 204
    declared = client.put(f"/api/blobs/{sha256(mine)}/custody", json=CUSTODY, headers=world.headers["inspector2"])
    assert declared.status_code == 200 and declared.json()["original_held"] is False  # knowing a hash proves nothing
    got = client.get(f"/api/blobs/{sha256(mine)}/camera", headers=world.headers["inspector2"])
    assert_problem(got, 404, "not-found")


@pytest.mark.parametrize(
    "body",
    [
        {"capture_sha256": "ABC"},
        {"capture_sha256": CAPTURE, "lat": 91},
        {"capture_sha256": CAPTURE, "surprise": 1},
        {"device": "x"},
    ],
)
def test_a_malformed_custody_is_a_problem(client: Client, world: World, body: dict[str, object]) -> None:
    headers = world.headers["inspector1"]
    assert upload(client, headers, PHOTO).status_code == 204
    response = client.put(f"/api/blobs/{LIGHT}/custody", json=body, headers=headers)
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/problem+json")

"""The answer records what the camera took: an ``attach`` names the camera file's hash, and custody must agree."""

from __future__ import annotations

from typing import Any

from tests.clients import Client, World, assert_problem, device, started
from tests.evidence import sha256, upload
from tests.images import camera_jpeg, phone_jpeg

LIGHT_BYTES = phone_jpeg(1, size=(800, 600))
LIGHT = sha256(LIGHT_BYTES)
CAPTURE = sha256(camera_jpeg(1600, 1200, seed=30))
ELSEWHERE = sha256(camera_jpeg(1600, 1200, seed=31))


def view(client: Client, world: World, inspection_id: str) -> dict[str, Any]:
    response = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_custody_must_name_the_capture_hash_the_answer_recorded(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", LIGHT, captured=CAPTURE)
    phone.sync()
    assert view(client, world, inspection_id)["photo_captures"] == {LIGHT: CAPTURE}
    assert upload(client, phone.headers, LIGHT_BYTES).status_code == 204

    forged = {"capture_sha256": ELSEWHERE, "device": "Redmi Note 12"}
    body = assert_problem(
        client.put(f"/api/blobs/{LIGHT}/custody", json=forged, headers=phone.headers), 409, "custody-conflict"
    )
    assert CAPTURE in str(body["detail"]) and ELSEWHERE in str(body["detail"])
    declared = client.put(
        f"/api/blobs/{LIGHT}/custody",
        json={"capture_sha256": CAPTURE, "device": "Redmi Note 12"},
        headers=phone.headers,
    )
    assert declared.status_code == 200, declared.text
    assert declared.json()["capture_sha256"] == CAPTURE


def test_the_recorded_capture_is_kept_as_first_taken(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", LIGHT, captured=CAPTURE)
    phone.sync()
    phone.detach(inspection_id, "photos", LIGHT)
    phone.attach(inspection_id, "photos", LIGHT, captured=ELSEWHERE)  # the same light bytes claimed from another file
    phone.sync()
    held = view(client, world, inspection_id)
    assert held["photo_captures"] == {LIGHT: CAPTURE}
    assert held["answers"]["photos"] == [LIGHT]


def test_a_photo_attached_without_a_capture_hash_records_none(client: Client, world: World, probe: None) -> None:
    phone = device(client)  # an older app, or a photo picked from a file the server would not keep as an original
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", LIGHT)
    phone.sync()
    assert view(client, world, inspection_id)["photo_captures"] == {}
    assert upload(client, phone.headers, LIGHT_BYTES).status_code == 204
    declared = client.put(f"/api/blobs/{LIGHT}/custody", json={"capture_sha256": ELSEWHERE}, headers=phone.headers)
    assert declared.status_code == 200, declared.text

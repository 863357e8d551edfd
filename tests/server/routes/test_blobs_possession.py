"""Evidence by hash (issue 14): knowing a photo's SHA-256 is no proof of possession.

inspector3 photographs at 物美超市 (西湖区); inspector1 works in 上城区 and has only learnt the hash.
To inspector1 the photo is missing, exactly as if the organisation did not hold it: attaching it
reveals nothing and lets nobody read it, until inspector1 uploads the bytes themselves.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from tests.clients import SHOP, Client, World, act, assert_problem, device, started
from tests.evidence import PHOTO, create, send, sha256, upload

XIHU_SITE = "物美超市(文三路店)"
DIGEST = sha256(PHOTO)
UNKNOWN = sha256(b"a photo nobody has")


def photographed_in_xihu(client: Client, world: World) -> str:
    """inspector3 uploads PHOTO and attaches it to an inspection of their own site; returns that inspection."""
    assert upload(client, world.headers["inspector3"], PHOTO).status_code == 204
    phone = device(client, "inspector3")
    inspection_id = phone.create(world.sites[XIHU_SITE], "sync_probe")
    phone.attach(inspection_id, "photos", DIGEST)
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    return inspection_id


def missing(client: Client, world: World, user: str, *hashes: str) -> list[str]:
    response = client.post("/api/blobs/missing", json={"hashes": list(hashes)}, headers=world.headers[user])
    assert response.status_code == 200
    found: list[str] = response.json()["missing"]
    return found


def not_found_body(response: Any, digest: str) -> dict[str, Any]:
    body = assert_problem(response, 404, "not-found")
    return {k: str(v).replace(digest, "<hash>") for k, v in body.items()}


def test_attaching_a_known_hash_lets_nobody_read_it(client: Client, world: World, probe: None) -> None:
    photographed_in_xihu(client, world)
    for user in ("inspector3", "supervisor2"):
        assert client.get(f"/api/blobs/{DIGEST}?variant=display", headers=world.headers[user]).status_code == 200
    phone = device(client, "inspector1")
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", DIGEST)
    assert [r["outcome"] for r in phone.push()] == ["applied"]  # as for any photo not uploaded yet
    for user in ("inspector1", "supervisor1"):
        for url in (f"/api/blobs/{DIGEST}?variant=display", f"/api/blobs/{DIGEST}/meta"):
            hidden = client.get(url, headers=world.headers[user])
            absent = client.get(url.replace(DIGEST, UNKNOWN), headers=world.headers[user])
            assert not_found_body(hidden, DIGEST) == not_found_body(absent, UNKNOWN)
    assert missing(client, world, "inspector1", DIGEST, UNKNOWN) == [DIGEST, UNKNOWN]
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert view["evidence"]["states"] == {DIGEST: "awaiting"}


def test_uploading_the_bytes_proves_possession_and_stores_them_once(
    app: Litestar, client: Client, world: World, probe: None
) -> None:
    photographed_in_xihu(client, world)
    phone = device(client, "inspector1")
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", DIGEST)
    phone.push()
    assert missing(client, world, "inspector1", DIGEST) == [DIGEST]
    created = create(client, world.headers["inspector1"], PHOTO)
    assert created.status_code == 201  # a normal upload, not "already held"
    done = send(client, world.headers["inspector1"], created.headers["location"], 0, PHOTO)
    assert (done.status_code, done.headers["upload-complete"]) == (204, "?1")
    assert missing(client, world, "inspector1", DIGEST) == []
    for user in ("inspector1", "supervisor1"):
        assert client.get(f"/api/blobs/{DIGEST}?variant=display", headers=world.headers[user]).status_code == 200
    assert client.get(f"/api/blobs/{DIGEST}", headers=world.headers["inspector1"]).content == PHOTO  # their own bytes
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert view["evidence"]["states"] == {DIGEST: "ready"}
    db = app.state.store.db
    assert db.execute("SELECT count(*) FROM blob").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM blob_holder WHERE sha256 = ?", [DIGEST]).fetchone()[0] == 2
    again = create(client, world.headers["inspector1"], PHOTO)  # now theirs: already held, complete from the start
    assert (again.status_code, again.headers["upload-complete"]) == (201, "?1")


def test_tus_creation_tells_nothing_of_a_hash_the_caller_cannot_read(client: Client, world: World) -> None:
    assert upload(client, world.headers["inspector3"], PHOTO).status_code == 204
    held = create(client, world.headers["inspector1"], PHOTO)
    unknown = create(client, world.headers["inspector1"], PHOTO, digest=UNKNOWN)
    assert held.status_code == unknown.status_code == 201
    assert held.json().keys() == unknown.json().keys()
    assert held.json()["complete"] is unknown.json()["complete"] is False
    wrong_length = create(client, world.headers["inspector1"], PHOTO, length=len(PHOTO) + 1)
    assert wrong_length.status_code == 201  # no hash-mismatch answer that would say the hash is held


def test_a_fix_photo_by_hash_gives_no_read(client: Client, world: World, probe: None) -> None:
    photographed_in_xihu(client, world)
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -20})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    found = client.get("/api/findings", params={"inspection_id": inspection_id}, headers=world.headers["supervisor1"])
    licence = next(f for f in found.json() if f["pointer"] == "/licence")
    fixed = act(client, world, "inspector1", licence["id"], "report-fix", {"note": "已整改", "photos": [DIGEST]})
    assert fixed.status_code == 200, fixed.text
    for user in ("inspector1", "supervisor1"):
        assert_problem(client.get(f"/api/blobs/{DIGEST}?variant=thumb", headers=world.headers[user]), 404, "not-found")
        assert missing(client, world, user, DIGEST) == [DIGEST]


def test_other_bytes_sent_under_a_held_hash_prove_nothing(
    app: Litestar, client: Client, world: World, probe: None
) -> None:
    photographed_in_xihu(client, world)
    forged = bytes(len(PHOTO))  # the right length, not the bytes
    created = create(client, world.headers["inspector1"], forged, digest=DIGEST)
    assert created.status_code == 201
    refused = send(client, world.headers["inspector1"], created.headers["location"], 0, forged)
    assert_problem(refused, 422, "hash-mismatch")
    assert missing(client, world, "inspector1", DIGEST) == [DIGEST]
    db = app.state.store.db
    assert db.execute("SELECT count(*) FROM blob_holder WHERE sha256 = ?", [DIGEST]).fetchone()[0] == 1

"""A photo kept aside by a conflict is kept, can be looked at, and when chosen is the answer's photo.

A phone that had not yet heard of the approval attaches a photo and uploads it; the server keeps the
attach aside as a conflict candidate (an approved inspection takes no edit). While the conflict waits
the photo's bytes must outlive the garbage collector's grace, and the supervisor must be able to see
the photo to decide; chosen, it becomes the answer's photo, readable like any other (vouched for by the
inspector who took and uploaded it); not chosen, it is let go like any unreferenced upload.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from sync.evidence.gc import find_garbage
from tests.clients import SHOP, Client, World, device, review
from tests.evidence import PHOTOS, sha256, upload

FIRST, ASIDE = sha256(PHOTOS[0]), sha256(PHOTOS[1])


def approved_with_a_photo_aside(client: Client, world: World) -> tuple[str, dict[str, Any]]:
    """An approved inspection with FIRST as its photo, and ASIDE attached after the approval: its conflict."""
    inspector = world.headers["inspector1"]
    for photo in PHOTOS[:2]:
        assert upload(client, inspector, photo).status_code == 204
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"frozen_temp": -20, "licence": "pass"})
    phone.attach(inspection_id, "photos", FIRST)
    phone.transition(inspection_id, "submitted")
    phone.sync()
    review(client, world, inspection_id, action="approve")
    phone.attach(inspection_id, "photos", ASIDE)  # offline, before the approval reached the phone
    phone.push()
    found = client.get("/api/conflicts", params={"inspection_id": inspection_id}, headers=world.headers["supervisor1"])
    (conflict,) = found.json()
    return inspection_id, conflict


def garbage(app: Litestar) -> set[str]:
    """What the collector would remove with no grace period at all."""
    return {g.sha256 for g in find_garbage(app.state.store, grace_s=0, now=2_000_000_000)}


def readable(client: Client, world: World, user: str, digest: str) -> bool:
    return client.get(f"/api/blobs/{digest}?variant=display", headers=world.headers[user]).status_code == 200


def resolve(client: Client, world: World, conflict: dict[str, Any], value: Any) -> None:
    chosen = next(c["id"] for c in conflict["candidates"] if c["value"] == value)
    body = {"candidate_id": chosen, "note": "以现场照片为准"}
    resolved = client.post(f"/api/conflicts/{conflict['id']}/resolve", json=body, headers=world.headers["supervisor1"])
    assert resolved.status_code == 200, resolved.text


def answer(client: Client, world: World, inspection_id: str) -> dict[str, Any]:
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    return {"photos": view["answers"]["photos"], "states": view["evidence"]["states"]}


def test_a_photo_kept_aside_is_kept_and_seen_while_its_conflict_waits(
    app: Litestar, client: Client, world: World, probe: None
) -> None:
    inspection_id, conflict = approved_with_a_photo_aside(client, world)
    assert [c["value"] for c in conflict["candidates"]] == [[FIRST], {"attach": ASIDE}]
    assert garbage(app).isdisjoint({FIRST, ASIDE})
    for user in ("supervisor1", "admin"):
        assert readable(client, world, user, ASIDE), user
    assert not readable(client, world, "supervisor2", ASIDE)  # another district's supervisor: not in scope
    both = {FIRST: "ready", ASIDE: "ready"}  # the desk can show the candidate's photo beside the answer's
    assert answer(client, world, inspection_id) == {"photos": [FIRST], "states": both}
    queued = client.get("/api/inspections", params={"status": "approved"}, headers=world.headers["supervisor1"])
    assert next(r for r in queued.json() if r["id"] == inspection_id)["photos_received"] == 1  # not counted yet


def test_a_photo_kept_aside_and_chosen_is_the_answers_photo(
    app: Litestar, client: Client, world: World, probe: None
) -> None:
    inspection_id, conflict = approved_with_a_photo_aside(client, world)
    resolve(client, world, conflict, {"attach": ASIDE})
    states = {FIRST: "ready", ASIDE: "ready"}
    assert answer(client, world, inspection_id) == {"photos": [FIRST, ASIDE], "states": states}
    for user in ("supervisor1", "admin"):
        assert readable(client, world, user, ASIDE), user
    assert garbage(app).isdisjoint({FIRST, ASIDE})
    phone = device(client)
    phone.pull()
    assert phone.server[inspection_id]["answers"]["photos"] == [FIRST, ASIDE]


def test_a_photo_kept_aside_and_not_chosen_is_let_go(app: Litestar, client: Client, world: World, probe: None) -> None:
    inspection_id, conflict = approved_with_a_photo_aside(client, world)
    resolve(client, world, conflict, [FIRST])
    assert answer(client, world, inspection_id) == {"photos": [FIRST], "states": {FIRST: "ready"}}
    assert ASIDE in garbage(app) and FIRST not in garbage(app)
    assert not readable(client, world, "supervisor1", ASIDE)

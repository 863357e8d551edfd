"""Pull scope, evictions, tombstones and resets; the conflict queue's filters and bad input."""

from __future__ import annotations

from typing import Any

from bench.device import Device
from sync.pull import purge_tombstones
from tests.clients import SHOP, Client, World, device, login, started

MARKET = "望江农贸市场"


def conflict_on(client: Client, world: World) -> tuple[str, Device]:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    return inspection_id, phone


def test_pull_is_scoped_on_the_server(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    shop = started(client, world, phone)
    other = device(client, "inspector3", "far")  # 物美超市 and 古荡农贸市场 only
    other.pull()
    assert other.server == {}
    assert other.scope == {world.sites["物美超市(文三路店)"], world.sites["古荡农贸市场"]}
    supervisor = Device(client, login(client, "supervisor1"))
    supervisor.pull()
    assert list(supervisor.server) == [shop]
    outsider = Device(client, login(client, "supervisor2"))
    outsider.pull()
    assert outsider.server == {}


def test_sites_leaving_scope_are_evicted_and_new_sites_pulled_from_the_start(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    shop = started(client, world, phone)
    market = phone.create(world.sites[MARKET], "sync_probe")
    phone.sync()
    assert set(phone.server) == {shop, market}
    admin = world.headers["admin"]
    inspector = world.users["inspector1"]
    client.put(f"/api/users/{inspector}/sites", json={"site_ids": [world.sites[MARKET]]}, headers=admin)
    phone.pull()
    assert set(phone.server) == {market}
    client.put(
        f"/api/users/{inspector}/sites", json={"site_ids": [world.sites[MARKET], world.sites[SHOP]]}, headers=admin
    )
    phone.pull()
    assert set(phone.server) == {shop, market}


def test_purged_tombstones_tell_old_devices_to_reset_without_losing_their_outbox(
    client: Client, world: World, probe: None, app: Any
) -> None:
    phone, old = device(client), device(client, name="old")
    gone = started(client, world, phone)
    kept = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(kept, {"licence": "pass"})
    phone.sync()
    old.pull()
    old.set(kept, {"frozen_temp": -30})  # offline work the old device must keep
    phone.delete(gone)
    phone.sync()
    assert purge_tombstones(app.state.store, "9999-01-01T00:00:00Z") == 1
    response = client.get("/api/sync/pull", params={"checkpoint": old.checkpoint}, headers=old.headers)
    assert response.json()["reset"] is True
    old.sync()
    assert set(old.server) == {kept}
    assert old.server[kept]["answers"] == {"licence": "pass", "frozen_temp": -30}
    fresh = device(client, name="fresh")
    fresh.pull()
    assert fresh.server == old.server


def test_conflict_queue_filters_and_scope(client: Client, world: World, probe: None) -> None:
    inspection_id, _ = conflict_on(client, world)
    headers = world.headers["supervisor1"]
    district = world.districts["上城区 Shangcheng"]
    assert len(client.get("/api/conflicts", params={"district_id": district}, headers=headers).json()) == 1
    other_district = world.districts["西湖区 Xihu"]
    assert client.get("/api/conflicts", params={"district_id": other_district}, headers=headers).json() == []
    assert len(client.get("/api/conflicts", params={"kind": "hard"}, headers=headers).json()) == 1
    assert client.get("/api/conflicts", params={"kind": "signature_stale"}, headers=headers).json() == []
    assert client.get("/api/conflicts", params={"status": "resolved"}, headers=headers).json() == []
    by_checklist = client.get("/api/conflicts", params={"checklist_id": "sync_probe"}, headers=headers).json()
    assert [c["inspection_id"] for c in by_checklist] == [inspection_id]
    conflict_id = by_checklist[0]["id"]
    assert client.get(f"/api/conflicts/{conflict_id}", headers=world.headers["supervisor2"]).status_code == 403
    assert client.get("/api/conflicts", headers=world.headers["inspector1"]).status_code == 403
    assert client.get("/api/conflicts/nope", headers=headers).status_code == 404


def test_resolving_needs_a_real_candidate_or_a_valid_value_and_happens_once(
    client: Client, world: World, probe: None
) -> None:
    _, phone = conflict_on(client, world)
    headers = world.headers["supervisor1"]
    conflict_id = client.get("/api/conflicts", headers=headers).json()[0]["id"]
    url = f"/api/conflicts/{conflict_id}/resolve"
    unknown = client.post(url, json={"candidate_id": "nope"}, headers=headers)
    assert unknown.status_code == 422
    assert client.post(url, json={"note": "nothing chosen"}, headers=headers).status_code == 422
    candidate = client.get(f"/api/conflicts/{conflict_id}", headers=headers).json()["candidates"][0]["id"]
    for blank in ({"candidate_id": candidate}, {"candidate_id": candidate, "note": "  "}, {"value": "pass"}):
        unexplained = client.post(url, json=blank, headers=headers)
        assert unexplained.status_code == 422, blank
        assert "note" in unexplained.json()["detail"]
    wrong_type = client.post(url, json={"value": 42, "note": "x"}, headers=headers)
    assert wrong_type.status_code == 422
    assert "/licence" in wrong_type.json()["detail"]
    entered = client.post(url, json={"value": "na", "note": "现场不适用"}, headers=headers)
    assert entered.status_code == 200
    assert entered.json()["resolution"]["note"] == "现场不适用"
    again = client.post(url, json={"value": "pass"}, headers=headers)
    assert again.status_code == 422
    phone.pull()
    doc = next(iter(phone.server.values()))
    assert doc["answers"]["licence"] == "na"


def test_audit_log_keeps_every_op_including_rejected(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"frozen_temp": "hot"})
    phone.set(inspection_id, {"frozen_temp": -19})
    phone.sync()
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert [(a["kind"], a["outcome"]) for a in audit] == [
        ("create", "applied"),
        ("set", "rejected"),
        ("set", "applied"),
    ]
    assert audit[1]["result"]["problem"]["type"] == "invalid-answers"
    far = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor2"])
    assert far.status_code == 403


def test_inspection_detail_is_scoped(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    assert client.get(f"/api/inspections/{inspection_id}", headers=world.headers["inspector1"]).status_code == 200
    assert client.get(f"/api/inspections/{inspection_id}", headers=world.headers["inspector3"]).status_code == 403
    assert client.get("/api/inspections/unknown", headers=world.headers["admin"]).status_code == 404
    review = client.post(
        f"/api/inspections/{inspection_id}/review", json={"action": "approve"}, headers=world.headers["inspector1"]
    )
    assert review.status_code == 403
    draft = client.post(
        f"/api/inspections/{inspection_id}/review", json={"action": "approve"}, headers=world.headers["supervisor1"]
    )
    assert draft.status_code == 409
    assert draft.json()["type"] == "urn:xunjian:problem:invalid-transition"

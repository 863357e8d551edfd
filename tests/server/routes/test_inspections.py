"""Inspections over HTTP: the review queue's filters (status, district, site, checklist, inspector, date,
conflicts, missing photos); one inspection's detail, review and audit log, in scope."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from tests.clients import Client, World, device, started

MARKET = "望江农贸市场"


def ids(client: Client, world: World, **params: str) -> set[str]:
    response = client.get("/api/inspections", params=params, headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()}


def test_queue_filters(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    shop = started(client, world, phone)
    market = phone.create(world.sites[MARKET], "sync_probe")
    phone.attach(market, "photos", hashlib.sha256(b"never uploaded").hexdigest())
    phone.set(shop, {"licence": "pass", "frozen_temp": -20})
    phone.transition(shop, "submitted")
    phone.sync()
    tablet.pull()
    phone.set(market, {"licence": "pass"})
    tablet.set(market, {"licence": "fail"})
    phone.sync()
    tablet.sync()

    assert ids(client, world) == {shop, market}
    assert ids(client, world, status="submitted") == {shop}
    assert ids(client, world, site_id=world.sites[MARKET]) == {market}
    assert ids(client, world, district_id=world.districts["上城区 Shangcheng"]) == {shop, market}
    assert ids(client, world, district_id=world.districts["西湖区 Xihu"]) == set()
    assert ids(client, world, checklist_id="sync_probe") == {shop, market}
    assert ids(client, world, checklist_id="market_order") == set()
    assert ids(client, world, inspector_id=world.users["inspector1"]) == {shop, market}
    assert ids(client, world, inspector_id=world.users["inspector2"]) == set()
    assert ids(client, world, has_conflicts="true") == {market}
    assert ids(client, world, has_conflicts="false") == {shop}
    assert ids(client, world, has_missing_photos="true") == {market}
    assert ids(client, world, has_missing_photos="false") == {shop}
    today = datetime.now(UTC).date()
    assert ids(client, world, since=today.isoformat()) == {shop, market}
    assert ids(client, world, until=(today - timedelta(days=1)).isoformat()) == set()
    rows = client.get(
        "/api/inspections", params={"site_id": world.sites[MARKET]}, headers=world.headers["admin"]
    ).json()
    assert (rows[0]["photos_expected"], rows[0]["photos_received"]) == (1, 0)


def test_queue_is_scoped_and_checks_its_parameters(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    started(client, world, phone)
    assert client.get("/api/inspections", headers=world.headers["supervisor2"]).json() == []
    assert len(client.get("/api/inspections", headers=world.headers["inspector1"]).json()) == 1
    bad = client.get("/api/inspections", params={"since": "yesterday"}, headers=world.headers["supervisor1"])
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")


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
    assert far.status_code == 404  # out of scope reads as unknown


def test_inspection_detail_is_scoped(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    assert client.get(f"/api/inspections/{inspection_id}", headers=world.headers["inspector1"]).status_code == 200
    assert client.get(f"/api/inspections/{inspection_id}", headers=world.headers["inspector3"]).status_code == 404
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

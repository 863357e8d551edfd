"""The conflict queue over HTTP: its filters, scope and pages, and resolving with a candidate or a value, once."""

from __future__ import annotations

from bench.device import Device
from tests.clients import Client, World, assert_problem, device, started


def conflict_on(client: Client, world: World) -> tuple[str, Device]:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    return inspection_id, phone


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
    assert client.get(f"/api/conflicts/{conflict_id}", headers=world.headers["supervisor2"]).status_code == 404
    assert client.get("/api/conflicts", headers=world.headers["inspector1"]).status_code == 403
    assert client.get("/api/conflicts/nope", headers=headers).status_code == 404


def test_the_conflict_queue_comes_in_pages_oldest_first(client: Client, world: World, probe: None) -> None:
    """Keyset pages (``Link: rel="next"``): every conflict once, in the order opened, however many pile up."""
    made = [conflict_on(client, world)[0] for _ in range(3)]
    headers = world.headers["supervisor1"]
    first = client.get("/api/conflicts", params={"limit": 2}, headers=headers)
    assert [c["inspection_id"] for c in first.json()] == made[:2]
    following = first.links["next"]["url"]
    assert "limit=2" in following and "cursor=" in following  # the filters carry over
    second = client.get(following, headers=headers)
    assert [c["inspection_id"] for c in second.json()] == made[2:]
    assert "next" not in second.links
    assert "next" not in client.get("/api/conflicts", params={"limit": 3}, headers=headers).links
    everything = client.get("/api/conflicts", params={"status": ""}, headers=headers).json()  # every status
    assert [c["inspection_id"] for c in everything] == made
    assert_problem(client.get("/api/conflicts", params={"cursor": "nope"}, headers=headers), 422, "invalid-input")
    too_many = client.get("/api/conflicts", params={"limit": 501}, headers=headers)
    assert too_many.status_code == 400
    assert "limit" in too_many.json()["detail"]


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


def test_a_resolution_keeps_the_queue_score_current(client: Client, world: World, probe: None) -> None:
    inspection_id, phone = conflict_on(client, world)
    phone.set(inspection_id, {"frozen_temp": -20})
    phone.sync()
    headers = world.headers["supervisor1"]
    conflict_id = client.get("/api/conflicts", headers=headers).json()[0]["id"]

    def queued() -> tuple[float | None, str | None]:
        rows = client.get("/api/inspections", params={"checklist_id": "sync_probe"}, headers=headers).json()
        row = next(r for r in rows if r["id"] == inspection_id)
        return row["score"], row["verdict"]

    held = queued()
    assert held in ((100.0, "pass"), (25.0, "fail"))  # whichever licence answer the row holds meanwhile
    value, expected = ("fail", (25.0, "fail")) if held[1] == "pass" else ("pass", (100.0, "pass"))
    resolved = client.post(
        f"/api/conflicts/{conflict_id}/resolve", json={"value": value, "note": "现场复核"}, headers=headers
    )
    assert resolved.status_code == 200, resolved.text
    assert queued() == expected

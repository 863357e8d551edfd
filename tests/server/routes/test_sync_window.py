"""The device window over HTTP: what a first sync brings, what is kept whatever its age, evictions by id
and by the window's start, and the compact document read back as the supervisor's full view."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar

from bench.device import Device, decode_pulled, held_of, without_keep
from tests.clients import SHOP, Client, World, act, device, login, review

PHOTO = hashlib.sha256(b"after the fix").hexdigest()


def age(app: Litestar, inspection_id: str, days: int, *holders: Device) -> None:
    """Time passes: the inspection was created ``days`` ago, on the server and in every device holding it."""
    created = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with app.state.store.transaction() as conn:
        conn.execute("UPDATE inspection SET created_at = ? WHERE id = ?", [created, inspection_id])
    for holder in holders:
        if inspection_id in holder.server:
            holder.server[inspection_id]["created_at"] = created


def made(world: World, phone: Device, answers: dict[str, Any], *, submit: bool = True) -> str:
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, answers)
    if submit:
        phone.transition(inspection_id, "submitted")
    phone.sync()
    return inspection_id


def open_finding(client: Client, world: World, inspection_id: str) -> str:
    found = client.get("/api/findings", params={"inspection_id": inspection_id}, headers=world.headers["supervisor1"])
    finding_id: str = found.json()[0]["id"]
    return finding_id


def test_a_first_sync_brings_the_window_own_work_and_open_actions_not_old_history(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    old_done = made(world, phone, {"licence": "pass", "frozen_temp": -20})
    old_action = made(world, phone, {"licence": "fail", "frozen_temp": -20})
    old_draft = made(world, phone, {"licence": "pass"}, submit=False)
    # later inspections answer the licence n/a: a pass would verify the earlier finding's action
    old_returned = made(world, phone, {"licence": "na", "frozen_temp": -20})
    review(client, world, old_returned, action="return", reason="补充照片")
    recent = made(world, phone, {"licence": "na", "frozen_temp": -20})
    for inspection_id in (old_done, old_action, old_draft, old_returned):
        age(app, inspection_id, 60)

    fresh = device(client, name="fresh")
    fresh.pull()
    kept = {i: d["keep"] for i, d in fresh.server.items()}
    assert kept == {old_action: "action", old_draft: "own", old_returned: "own", recent: ""}
    assert fresh.server[old_returned]["status"] == "returned"

    supervisor = Device(client, login(client, "supervisor1"))
    supervisor.pull()
    assert {i: d["keep"] for i, d in supervisor.server.items()} == {old_action: "action", recent: ""}

    paged = device(client, name="paged")
    paged.pull(limit=1)
    assert paged.server == fresh.server
    assert paged.checkpoint == fresh.checkpoint


def test_an_inspection_changing_outside_the_window_arrives_as_an_eviction_and_the_outbox_wins(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    old_action = made(world, phone, {"licence": "fail", "frozen_temp": -20})
    age(app, old_action, 60, phone)
    tablet.pull()
    assert tablet.server[old_action]["keep"] == "action"
    tablet.set(old_action, {"notes": "offline note"})  # unsent: the tablet must keep the inspection
    finding_id = open_finding(client, world, old_action)
    for user, action, body in [
        ("inspector1", "report-fix", {"note": "已整改", "photos": [PHOTO]}),
        ("supervisor1", "verify", {"photos": [PHOTO], "note": "现场复查合格"}),
    ]:
        assert act(client, world, user, finding_id, action, body).status_code == 200
    before = phone.checkpoint
    page = client.get("/api/sync/pull", params={"checkpoint": before}, headers=phone.headers).json()
    assert page["evicted"] == [old_action]
    assert page["documents"] == []
    phone.pull()
    assert old_action not in phone.server
    tablet.pull()
    assert old_action in tablet.server  # its outbox holds an op for it
    tablet.sync()
    assert old_action not in tablet.server  # once sent and confirmed, it goes
    fresh = device(client, name="fresh")
    fresh.pull()
    assert old_action not in fresh.server
    full = client.get(f"/api/inspections/{old_action}", headers=world.headers["supervisor1"])
    assert full.status_code == 200  # an eviction, never a deletion


def test_synced_inspections_leave_the_device_when_the_window_moves_past_them(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    done = made(world, phone, {"licence": "pass", "frozen_temp": -20})
    draft = made(world, phone, {"licence": "pass"}, submit=False)
    assert set(phone.server) == {done, draft}
    checkpoint = phone.checkpoint
    age(app, done, 31, phone)
    age(app, draft, 31, phone)
    phone.pull()
    assert set(phone.server) == {draft}  # its own draft stays
    assert phone.checkpoint == checkpoint  # nothing changed on the server
    fresh = device(client, name="fresh")
    fresh.pull()
    assert fresh.server == phone.server


class Recorded:
    """An HTTP client recording the checkpoints a device pulls from."""

    def __init__(self, client: Client) -> None:
        self.client, self.checkpoints = client, list[int]()

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        self.checkpoints.append(kwargs["params"]["checkpoint"])
        return self.client.get(url, **kwargs)


def test_a_widened_window_pulls_again_from_zero(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    made(world, phone, {"licence": "pass", "frozen_temp": -20})
    recorded = Recorded(client)
    phone.http = recorded
    phone.pull()
    assert recorded.checkpoints == [phone.checkpoint]
    phone.window_start = "9999"  # the device saw a later start than the server's now: the window was widened
    phone.pull()
    assert recorded.checkpoints == [phone.checkpoint, phone.checkpoint, 0]
    assert phone.window_start < "9999"


def test_the_compact_document_reads_back_as_the_full_view(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, "inspector1", "tablet")
    inspection_id = made(world, phone, {"licence": "fail", "frozen_temp": -20, "notes": "冷柜"}, submit=False)
    kept = phone.add_entry(inspection_id, "stalls")
    gone = phone.add_entry(inspection_id, "stalls")
    phone.set(inspection_id, {f"stalls/{kept}/stall_no": "A-01", f"stalls/{gone}/stall_no": "B-02"})
    phone.sync()
    tablet.pull()
    tablet.set(inspection_id, {"frozen_temp": -21, "notes": None})
    phone.remove_entry(inspection_id, "stalls", gone)
    tablet.sync()
    phone.sync()
    full = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    page = client.get("/api/sync/pull", params={"checkpoint": 0}, headers=phone.headers).json()
    pulled = next(doc for doc in page["documents"] if doc["id"] == inspection_id)
    assert "answers" not in pulled
    assert "hlc" not in str(pulled)
    decoded = decode_pulled(pulled)
    assert without_keep(decoded) == held_of(full)
    assert decoded["answers"] == {"licence": "fail", "frozen_temp": -21, "stalls": {kept: {"stall_no": "A-01"}}}
    assert decoded["fields"]["notes"]["value"] is None
    assert {f["by"] for f in decoded["fields"].values()} == {world.users["inspector1"]}
    assert phone.server[inspection_id] == decoded

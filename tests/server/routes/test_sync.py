"""Sync over HTTP with device simulators: idempotent push, per-field merge, conflicts, pull."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from bench.device import Device, LostResponse
from bench.uploader import upload
from tests.clients import SHOP, Client, World, device, login, started
from tests.images import phone_jpeg
from tests.templates import SYNC_TEMPLATE

OTHER_DISTRICT_SITE = "物美超市(文三路店)"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_inspection_reaches_the_server_once_with_every_answer(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -12.5})
    results = phone.push()
    assert [r["outcome"] for r in results] == ["applied", "applied"]
    phone.pull()
    assert phone.outbox == []
    assert phone.server[inspection_id]["answers"] == {"licence": "pass", "frozen_temp": -12.5}
    assert phone.server[inspection_id]["failed_items"] == ["/frozen_temp"]
    listed = client.get("/api/inspections", headers=world.headers["supervisor1"]).json()
    assert [i["id"] for i in listed] == [inspection_id]


def test_replaying_a_push_whose_answer_was_lost_changes_nothing(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail"})
    with pytest.raises(LostResponse):
        phone.push(lose_response=True)
    first = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    replayed = phone.push()
    assert [r["outcome"] for r in replayed] == ["applied", "applied"]
    again = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert again == first
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert [a["kind"] for a in audit] == ["create", "set"]


def test_a_gap_is_answered_so_the_device_resends_from_the_right_place(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "pass"})
    skipped = phone.outbox[1:]
    response = client.post("/api/sync/push", json={"client_id": phone.client_id, "ops": skipped}, headers=phone.headers)
    result = response.json()["results"][0]
    assert result["outcome"] == "gap"
    assert result["problem"]["type"] == "urn:xunjian:problem:sequence-gap"
    assert "expected client_seq 1" in result["problem"]["detail"]
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]


def test_one_bad_op_is_rejected_without_blocking_the_next(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"frozen_temp": "很冷", "licence": "maybe"})
    phone.set(inspection_id, {"frozen_temp": -20})
    results = phone.push()
    assert [r["outcome"] for r in results] == ["applied", "rejected", "applied"]
    problem = results[1]["problem"]
    assert problem["type"] == "urn:xunjian:problem:invalid-answers"
    assert sorted(e["pointer"] for e in problem["errors"]) == ["/frozen_temp", "/licence"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"frozen_temp": -20}
    rejected = [op for op in phone.outbox if phone.is_rejected(op)]
    assert len(rejected) == 1  # kept on the device for the inspector to fix


def test_concurrent_edits_of_different_fields_both_apply(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"frozen_temp": -19})
    phone.sync()
    tablet.sync()
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"licence": "pass", "frozen_temp": -19}
    assert phone.server[inspection_id]["conflicts"] == []


def test_conflicting_answers_keep_both_values_until_a_supervisor_resolves(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    colleague = device(client, "inspector2", "colleague")  # inspector2 also has 望江农贸市场, not the shop
    inspection_id = started(client, world, phone)
    tablet = device(client, name="tablet")
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    results = tablet.push()
    assert results[0]["outcome"] == "conflict"
    for each in (phone, tablet):
        each.pull()
        conflicts = each.server[inspection_id]["conflicts"]
        assert len(conflicts) == 1
        assert [c["value"] for c in conflicts[0]["candidates"]] == ["pass", "fail"]
        assert each.server[inspection_id]["answers"]["licence"] == "pass"  # provisional: the server's value
    assert colleague.server == {}
    queue = client.get("/api/conflicts", headers=world.headers["supervisor1"]).json()
    assert len(queue) == 1
    assert client.get("/api/conflicts", headers=world.headers["supervisor2"]).json() == []
    candidate = queue[0]["candidates"][1]
    resolved = client.post(
        f"/api/conflicts/{queue[0]['id']}/resolve",
        json={"candidate_id": candidate["id"], "note": "现场复核为不合格"},
        headers=world.headers["supervisor1"],
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    phone.pull()
    assert phone.server[inspection_id]["answers"]["licence"] == "fail"
    assert phone.server[inspection_id]["conflicts"][0]["status"] == "resolved"


def test_photo_sets_merge_and_only_seen_photos_are_removed(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.attach(inspection_id, "photos", sha("a"))
    tablet.attach(inspection_id, "photos", sha("b"))
    tablet.detach(inspection_id, "photos", sha("a"))  # never saw "a": must not remove it
    phone.sync()
    tablet.sync()
    phone.pull()
    assert sorted(phone.server[inspection_id]["answers"]["photos"]) == sorted([sha("a"), sha("b")])
    phone.detach(inspection_id, "photos", sha("b"))
    phone.sync()
    assert phone.server[inspection_id]["answers"]["photos"] == [sha("a")]


def test_multiple_choice_merges_as_a_set(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"issues": ["dirty"]})
    phone.sync()
    tablet.pull()
    phone.set(inspection_id, {"issues": ["dirty", "dark"]})
    tablet.set(inspection_id, {"issues": ["noisy"]})  # saw "dirty", removes it, adds "noisy"
    phone.sync()
    tablet.sync()
    phone.pull()
    assert phone.server[inspection_id]["answers"]["issues"] == ["dark", "noisy"]


def test_same_device_edits_in_order_never_conflict_with_each_other(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "pass"})
    phone.set(inspection_id, {"licence": "fail"})
    entry = phone.add_entry(inspection_id, "stalls")
    phone.set(inspection_id, {f"stalls/{entry}/stall_no": "A-01"})
    phone.remove_entry(inspection_id, "stalls", entry)
    assert {r["outcome"] for r in phone.push()} == {"applied"}
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"licence": "fail"}


def test_editing_a_removed_entry_opens_an_edit_vs_delete_conflict(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    entry = phone.add_entry(inspection_id, "stalls")
    phone.sync()
    tablet.pull()
    phone.remove_entry(inspection_id, "stalls", entry)
    tablet.set(inspection_id, {f"stalls/{entry}/prices": "fail"})
    phone.sync()
    results = tablet.push()
    assert results[0]["outcome"] == "conflict"
    tablet.pull()
    kinds = [c["kind"] for c in tablet.server[inspection_id]["conflicts"]]
    assert kinds == ["edit_vs_delete"]


def test_a_change_to_signed_content_makes_the_signature_stale(
    client: Client, world: World, probe: None, app: Any
) -> None:
    catalog = app.state.catalog
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
    phone.sync()
    phone.sign(catalog, inspection_id, "manager_sign", "王经理", sha("signature"))
    assert phone.push()[0]["outcome"] == "applied"
    phone.set(inspection_id, {"notes": "not covered by the signature"})
    phone.sync()
    assert phone.server[inspection_id]["fields"]["manager_sign"].get("stale", False) is False
    phone.set(inspection_id, {"frozen_temp": -15})
    phone.sync()
    doc = phone.server[inspection_id]
    assert doc["fields"]["manager_sign"]["stale"] is True
    assert [c["kind"] for c in doc["conflicts"]] == ["signature_stale"]
    phone.sign(catalog, inspection_id, "manager_sign", "王经理", sha("signature again"))
    phone.sync()
    doc = phone.server[inspection_id]
    assert doc["fields"]["manager_sign"].get("stale", False) is False
    assert [c["status"] for c in doc["conflicts"]] == ["resolved"]


def test_edits_to_deleted_or_approved_inspections_are_kept_as_conflicts(
    client: Client, world: World, probe: None
) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    gone = started(client, world, phone)
    tablet.pull()
    phone.delete(gone)
    phone.sync()
    tablet.set(gone, {"licence": "pass"})
    assert tablet.push()[0]["outcome"] == "conflict"
    tablet.pull()
    assert tablet.server[gone]["status"] == "deleted"
    assert tablet.server[gone]["answers"] == {}
    assert tablet.server[gone]["conflicts"][0]["kind"] == "edit_vs_delete"


def test_review_loop_reaches_the_phone(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.transition(inspection_id, "submitted")
    incomplete = phone.push()[0]
    assert incomplete["outcome"] == "rejected"
    assert {e["pointer"] for e in incomplete["problem"]["errors"]} == {"/licence", "/frozen_temp"}
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -25})
    phone.transition(inspection_id, "submitted")
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    supervisor = world.headers["supervisor1"]
    returned = client.post(
        f"/api/inspections/{inspection_id}/review",
        json={"action": "return", "comments": [{"path": "frozen_temp", "text": "请拍照复核温度"}]},
        headers=supervisor,
    )
    assert returned.status_code == 200, returned.text
    phone.pull()
    doc = phone.server[inspection_id]
    assert doc["status"] == "returned"
    assert [(c["path"], c["text"]) for c in doc["comments"]] == [("frozen_temp", "请拍照复核温度")]
    phone.set(inspection_id, {"frozen_temp": -22})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    assert phone.server[inspection_id]["status"] == "submitted"
    approved = client.post(f"/api/inspections/{inspection_id}/review", json={"action": "approve"}, headers=supervisor)
    assert approved.json()["status"] == "approved"
    phone.set(inspection_id, {"licence": "fail"})
    assert phone.push()[0]["outcome"] == "conflict"
    phone.pull()
    assert phone.server[inspection_id]["answers"]["licence"] == "pass"
    assert phone.server[inspection_id]["conflicts"][-1]["kind"] == "locked"


def test_approval_is_blocked_by_open_conflicts(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    inspection_id = started(client, world, phone)
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    phone.transition(inspection_id, "submitted")
    phone.sync()
    response = client.post(
        f"/api/inspections/{inspection_id}/review", json={"action": "approve"}, headers=world.headers["supervisor1"]
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:xunjian:problem:open-conflicts"


def test_out_of_scope_site_and_unknown_version_are_rejected(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    phone.create(world.sites[OTHER_DISTRICT_SITE], "sync_probe")
    phone.create(world.sites[SHOP], "sync_probe", version=7)
    results = phone.push()
    assert [r["problem"]["type"].rsplit(":", 1)[1] for r in results] == ["out-of-scope", "not-found"]


def test_far_future_clock_is_clamped_and_flagged(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    phone.clock_offset_ms = 3 * 24 * 3600 * 1000
    phone.create(world.sites[SHOP], "sync_probe")
    result = phone.push()[0]
    assert result["outcome"] == "applied"
    assert result["flags"] == ["clock_skew"]


def test_pulling_in_small_pages_equals_one_full_pull(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    for n in range(7):
        inspection_id = phone.create(world.sites[SHOP], "sync_probe")
        phone.set(inspection_id, {"frozen_temp": -20 - n})
    phone.sync()
    paged, full = device(client, name="paged"), device(client, name="full")
    paged.pull(limit=2)
    full.pull(limit=500)
    assert paged.server == full.server
    assert paged.checkpoint == full.checkpoint
    assert len(full.server) == 7


def test_a_client_id_cannot_be_used_by_another_user(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    started(client, world, phone)
    thief = Device(client, login(client, "inspector2"), client_id=phone.client_id)
    thief.create(world.sites["望江农贸市场"], "sync_probe")
    response = client.post(
        "/api/sync/push", json={"client_id": thief.client_id, "ops": thief.outbox}, headers=thief.headers
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "not-a-uuid", "ops": []},
        {"client_id": "0190a0c4-1234-7abc-8def-0123456789ab", "ops": [{"kind": "explode"}]},
        {"client_id": "0190a0c4-1234-7abc-8def-0123456789ab", "ops": "many"},
        {"ops": []},
    ],
)
def test_malformed_batches_are_problems(client: Client, world: World, body: dict[str, Any]) -> None:
    response = client.post("/api/sync/push", json=body, headers=world.headers["inspector1"])
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/health").status_code == 200


def test_inspection_counts_photos_received_as_they_arrive(client: Client, world: World, probe: None, app: Any) -> None:
    from sync.evidence.blobs import blob_states

    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.attach(inspection_id, "photos", sha("one"))
    phone.attach(inspection_id, "photos", sha("two"))
    phone.sync()
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert view["evidence"]["photos_expected"] == 2
    assert view["evidence"]["photos_received"] == 0
    assert set(view["evidence"]["states"].values()) == {"awaiting"}
    photo = phone_jpeg()
    phone.attach(inspection_id, "photos", hashlib.sha256(photo).hexdigest())
    phone.sync()
    client.headers.update(phone.headers)
    try:
        report = upload(client, photo)
    finally:
        del client.headers["Authorization"]
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert view["evidence"]["photos_expected"] == 3
    assert view["evidence"]["photos_received"] == 1
    assert view["evidence"]["states"][report.sha256] == "ready"
    org_id = client.get("/api/auth/me", headers=world.headers["inspector1"]).json()["user"]["org_id"]
    assert blob_states(app.state.store, org_id, [sha("one"), report.sha256]) == {
        sha("one"): "awaiting",
        report.sha256: "ready",
    }


def test_a_refusal_to_sign_is_recorded_with_its_witness(client: Client, world: World, app: Any) -> None:
    template = {
        **SYNC_TEMPLATE,
        "checklist_id": "refusal_probe",
        "sections": [
            {
                **SYNC_TEMPLATE["sections"][0],
                "items": [
                    *SYNC_TEMPLATE["sections"][0]["items"][:7],
                    {**SYNC_TEMPLATE["sections"][0]["items"][7], "witness_on_refusal": True},
                ],
            }
        ],
    }
    assert client.post("/api/checklists", json=template, headers=world.headers["admin"]).status_code == 201
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "refusal_probe")
    phone.sync()
    refusal = {
        "status": "refused",
        "signer_name": "王经理",
        "signer_role": "店长",
        "reason": "不同意检查结论",
        "refused_at": "2026-11-22T10:00:00+08:00",
        "content_hash": sha("content"),
    }
    phone.enqueue("sign", inspection_id, path="manager_sign", value=refusal)
    phone.enqueue("sign", inspection_id, path="manager_sign", value={**refusal, "witness_name": "李见证"})
    first, second = phone.push()
    assert first["outcome"] == "rejected"
    assert [e["pointer"] for e in first["problem"]["errors"]] == ["/manager_sign/witness_name"]
    assert second["outcome"] in ("applied", "conflict")  # recorded; stale if the content hash differs
    phone.pull()
    assert phone.server[inspection_id]["answers"]["manager_sign"]["witness_name"] == "李见证"

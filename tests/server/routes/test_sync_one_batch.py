"""A push that creates an inspection and opens a conflict on it in the same batch (issue 14, item 1).

The conflict row refers to the inspection's row; before the fix it was written before the new
row, the batch failed with a foreign-key error (500) every time, and the phone retried forever.
"""

from __future__ import annotations

import hashlib
from typing import Any

from schemas.canonical import content_hash
from tests.clients import SHOP, Client, World, device


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def signature(content: str) -> dict[str, Any]:
    return {
        "status": "signed",
        "image_sha256": sha("signature"),
        "signer_name": "王经理",
        "signer_role": "负责人",
        "signed_at": "2026-11-22T10:00:00+08:00",
        "content_hash": content,
    }


def test_create_set_sign_then_change_a_signed_answer_in_one_push(
    client: Client, world: World, probe: None, app: Any
) -> None:
    template = app.state.catalog.get("sync_probe", 1)
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    answers = {"licence": "pass", "frozen_temp": -20}
    phone.set(inspection_id, answers)
    phone.enqueue(
        "sign", inspection_id, path="manager_sign", value=signature(content_hash(template, answers, "manager_sign"))
    )
    phone.set(inspection_id, {"frozen_temp": -15})
    results = phone.push()  # raised on a 500 before the fix
    assert [r["outcome"] for r in results] == ["applied", "applied", "applied", "applied"]
    phone.pull()
    doc = phone.server[inspection_id]
    assert doc["answers"]["frozen_temp"] == -15
    assert doc["fields"]["manager_sign"]["stale"] is True
    assert [(c["kind"], c["status"]) for c in doc["conflicts"]] == [("signature_stale", "open")]


def test_create_then_sign_with_a_wrong_content_hash_in_one_push(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.enqueue("sign", inspection_id, path="manager_sign", value=signature(sha("not this content")))
    create, sign = phone.push()
    assert create["outcome"] == "applied"
    assert sign["outcome"] == "conflict"
    phone.pull()
    doc = phone.server[inspection_id]
    assert [c["id"] for c in doc["conflicts"]] == sign["conflict_ids"]
    assert doc["conflicts"][0]["kind"] == "signature_stale"
    listed = client.get("/api/conflicts", headers=world.headers["supervisor1"]).json()
    assert [c["inspection_id"] for c in listed] == [inspection_id]

"""A rejected op is kept in the op log as its digest, size and first bytes, not whole (issue 14, item 7)."""

from __future__ import annotations

import json

from litestar import Litestar

from sync.engine.oplog import REJECTED_HEAD
from sync.push import MAX_ERRORS
from tests.clients import Client, World, device, started

HUGE = "很" * 700_000  # about 2 MB of UTF-8 as the answer to a pass/fail item


def test_a_huge_rejected_op_does_not_grow_the_database(
    app: Litestar, client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": HUGE})
    phone.set(inspection_id, {"licence": "pass"})
    batch = {"client_id": phone.client_id, "ops": phone.pending()}
    results = phone.push()
    assert [r["outcome"] for r in results] == ["rejected", "applied"]
    sizes = app.state.store.db.execute(
        "SELECT outcome, length(op_json), length(result_json), op_json FROM op_log"
        " WHERE inspection_id = ? AND kind = 'set' ORDER BY seq",
        [inspection_id],
    ).fetchall()
    (rejected, op_size, result_size, kept), (applied, *_) = sizes
    assert (rejected, applied) == ("rejected", "applied")
    assert op_size < 2 * REJECTED_HEAD and result_size < 2 * REJECTED_HEAD
    record = json.loads(kept)
    assert record["truncated"] is True and record["size"] > 2_000_000
    assert len(record["sha256"]) == 64 and record["head"].startswith("{")
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert audit[1]["outcome"] == "rejected" and audit[1]["op"]["size"] == record["size"]
    replayed = client.post("/api/sync/push", json=batch, headers=phone.headers)  # an answer lost: the same batch again
    assert replayed.json()["results"] == results


def test_a_small_rejected_op_is_kept_whole(app: Litestar, client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "maybe"})
    assert [r["outcome"] for r in phone.push()] == ["rejected"]
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert audit[1]["op"]["answers"] == {"licence": "maybe"}


def test_a_rejection_lists_a_bounded_number_of_errors(app: Litestar, client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {f"no_such_item_{n}": n for n in range(500)})  # the most one op may set
    (result,) = phone.push()
    assert result["outcome"] == "rejected"
    assert len(result["problem"]["errors"]) == MAX_ERRORS
    assert f"{MAX_ERRORS} of 500 errors listed" in result["problem"]["detail"]
    (size,) = app.state.store.db.execute(
        "SELECT length(result_json) FROM op_log WHERE inspection_id = ? AND outcome = 'rejected'", [inspection_id]
    ).fetchone()
    assert size < 4 * REJECTED_HEAD

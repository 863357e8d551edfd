"""The ``set`` op's two wire forms: the answers map, and the list form older app builds queued."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clients import SHOP, Client, World, device

CLIENT = "0190a0c4-1234-7abc-8def-0123456789ab"


def audit_ops(client: Client, world: World, inspection_id: str) -> list[dict[str, Any]]:
    entries = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    return [e["op"] for e in entries if e["kind"] == "set"]


def test_a_map_of_answers_is_applied_and_logged_as_sent(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    first = phone.set(inspection_id, {"licence": "pass", "frozen_temp": -19.5})
    assert "changes" not in first and "base" not in first  # nothing seen yet: no base versions
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    phone.pull()
    seen = phone.base(inspection_id, "licence")
    second = phone.set(inspection_id, {"licence": "fail"})
    assert seen > 0 and second["base"] == {"licence": seen}
    assert [r["outcome"] for r in phone.push()] == ["applied"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"licence": "fail", "frozen_temp": -19.5}
    logged = audit_ops(client, world, inspection_id)
    assert [(o["answers"], o.get("base")) for o in logged] == [
        ({"licence": "pass", "frozen_temp": -19.5}, None),
        ({"licence": "fail"}, {"licence": seen}),
    ]


def test_the_earlier_list_form_is_still_applied_and_logged_as_a_map(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    phone.list_form = True
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    first = phone.set(inspection_id, {"licence": "pass", "frozen_temp": -12.5})
    assert [c["base_fv"] for c in first["changes"]] == [0, 0]
    assert [r["outcome"] for r in phone.push()] == ["applied", "applied"]
    phone.pull()
    seen = phone.base(inspection_id, "licence")
    phone.set(inspection_id, {"licence": "fail"})
    assert [r["outcome"] for r in phone.push()] == ["applied"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"licence": "fail", "frozen_temp": -12.5}
    assert sorted(phone.server[inspection_id]["failed_items"]) == ["/frozen_temp", "/licence"]
    logged = audit_ops(client, world, inspection_id)
    assert [(o["answers"], o.get("base"), "changes" in o) for o in logged] == [
        ({"licence": "pass", "frozen_temp": -12.5}, None, False),
        ({"licence": "fail"}, {"licence": seen}, False),
    ]


def test_a_list_naming_a_path_twice_is_rejected_without_blocking_the_next(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    twice = [{"path": "licence", "value": "pass"}, {"path": "frozen_temp", "value": -3}]
    twice.append({"path": "licence", "value": "fail"})
    phone.enqueue("set", inspection_id, changes=twice)
    phone.set(inspection_id, {"licence": "fail"})
    results = phone.push()
    assert [r["outcome"] for r in results] == ["applied", "rejected", "applied"]
    problem = results[1]["problem"]
    assert problem["type"] == "urn:xunjian:problem:invalid-answers"
    assert [e["pointer"] for e in problem["errors"]] == ["/licence"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"licence": "fail"}


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"answers": {}}, "at least one answer"),
        ({"changes": []}, "at least one answer"),
        ({"answers": {"licence": "pass"}, "base": {"frozen_temp": 3}}, "base names a path"),
        ({"answers": {"licence": "pass"}, "changes": [{"path": "licence", "value": "pass"}]}, "not both"),
        ({"answers": {"licence": "pass"}, "base": {"licence": -1}}, "base"),
        ({"answers": {"": "pass"}}, "answers"),
    ],
)
def test_a_malformed_set_op_is_a_problem_naming_what_is_wrong(
    client: Client, world: World, fields: dict[str, Any], said: str
) -> None:
    op = {"kind": "set", "op_id": CLIENT, "client_seq": 1, "inspection_id": CLIENT, "hlc": 1, **fields}
    body = {"client_id": CLIENT, "ops": [op]}
    response = client.post("/api/sync/push", json=body, headers=world.headers["inspector1"])
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert said in str(response.json())

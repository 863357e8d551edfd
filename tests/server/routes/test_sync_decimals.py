"""A push whose reading has more decimal places than its item declares is rejected at that reading."""

from __future__ import annotations

from tests.clients import SHOP, Client, World, device


def test_a_push_with_too_many_decimals_is_rejected_at_the_reading(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"frozen_temp": -20.25})
    phone.set(inspection_id, {"frozen_temp": -20.5})

    results = phone.push()

    assert [r["outcome"] for r in results] == ["applied", "rejected", "applied"]
    problem = results[1]["problem"]
    assert problem["type"] == "urn:xunjian:problem:invalid-answers"
    assert [e["pointer"] for e in problem["errors"]] == ["/frozen_temp"]
    assert "最多 1 位小数" in problem["errors"][0]["detail"]
    phone.pull()
    assert phone.server[inspection_id]["answers"] == {"frozen_temp": -20.5}

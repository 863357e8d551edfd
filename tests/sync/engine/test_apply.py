"""Applying ops (``sync/engine/apply.py``), here the inspector's note on an item (``note`` ops):
stored beside the answer, not in it; the later note wins, empty text removes it; an item not in
the version, or a locked inspection, refuses it. Through the real push and the inspection's view
and pull, on the ``sync_probe`` checklist."""

from __future__ import annotations

from typing import Any

from tests.clients import Client, World, device, started


def _view(client: Client, world: World, inspection_id: str) -> dict[str, Any]:
    response = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


def test_a_note_is_kept_beside_the_answer_the_later_one_wins_and_empty_removes_it(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "fail"})
    phone.enqueue("note", inspection_id, path="licence", text="  营业执照挂在收银台后面，已过期两个月  ")
    results = phone.push()
    assert [r["outcome"] for r in results] == ["applied", "applied"]
    view = _view(client, world, inspection_id)
    note = view["notes"]["licence"]
    assert note["text"] == "营业执照挂在收银台后面，已过期两个月"  # trimmed
    assert note["by"] == world.users["inspector1"]
    assert view["answers"] == {"licence": "fail"}  # a note is no answer
    assert view["score"] == _view(client, world, inspection_id)["score"]

    phone.enqueue("note", inspection_id, path="licence", text="执照已过期")
    phone.push()
    assert _view(client, world, inspection_id)["notes"]["licence"]["text"] == "执照已过期"
    phone.enqueue("note", inspection_id, path="licence", text="")
    phone.push()
    assert _view(client, world, inspection_id)["notes"] == {}

    phone.enqueue("note", inspection_id, path="frozen_temp", text="温度计放在冷柜门口")
    phone.sync()  # pushed and pulled: the device's copy carries the note too
    assert phone.server[inspection_id]["notes"]["frozen_temp"]["text"] == "温度计放在冷柜门口"


def test_a_note_on_no_item_or_on_a_deleted_inspection_is_refused(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.enqueue("note", inspection_id, path="no_such_item", text="?")
    [refused] = phone.push()
    assert refused["outcome"] == "rejected"
    assert refused["problem"]["errors"][0]["pointer"] == "/no_such_item"
    phone.delete(inspection_id)
    phone.push()
    phone.enqueue("note", inspection_id, path="licence", text="删除之后")
    [late] = phone.push()
    assert late["outcome"] == "rejected"
    assert "invalid-transition" in late["problem"]["type"]

"""Applying ops (``sync/engine/apply.py``), here the inspector's note on an item (``note`` ops):
stored beside the answer, not in it; the later note wins (whole: text and voice memo), empty text
without a memo removes it; an item not in the version, or a locked inspection, refuses it. Through
the real push and the inspection's view and pull, on the ``sync_probe`` checklist."""

from __future__ import annotations

from typing import Any

from tests.audio import WEBM, ogg_opus
from tests.clients import Client, World, device, started
from tests.evidence import sha256, upload


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


def test_two_phones_notes_on_one_item_the_later_wins_whole(client: Client, world: World, probe: None) -> None:
    first = device(client, name="phone-a")
    inspection_id = started(client, world, first)
    second = device(client, name="phone-b")
    second.sync()
    recorded, built = WEBM.read_bytes(), ogg_opus(0.5)
    for phone, data in ((first, recorded), (second, built)):
        assert upload(client, phone.headers, data, kind="audio", media_type="audio/webm").status_code == 204
    voice = {"sha256": sha256(recorded), "mime": "audio/webm", "duration_ms": 700, "bytes": len(recorded)}
    first.enqueue("note", inspection_id, path="licence", text="甲：执照过期", voice=voice)
    second.enqueue("note", inspection_id, path="licence", text="乙：执照已补办")  # not seen the first
    first.push()
    [result] = second.push()
    assert result["outcome"] == "applied"  # notes do not conflict: the later one wins
    notes = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()["notes"]
    assert notes["licence"]["text"] == "乙：执照已补办"
    assert "voice" not in notes["licence"]  # whole: the later note had no memo
    later = {"sha256": sha256(built), "mime": "audio/ogg", "duration_ms": 500, "bytes": len(built)}
    first.enqueue("note", inspection_id, path="licence", text="", voice=later)
    first.push()
    notes = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()["notes"]
    assert notes["licence"]["voice"] == later
    assert notes["licence"]["text"] == ""

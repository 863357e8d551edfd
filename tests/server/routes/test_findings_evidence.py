"""A photo attached as evidence of one answer stays with that answer: in the view, the finding and the PDF."""

from __future__ import annotations

import hashlib

from tests.clients import SHOP, Client, World, device

LICENCE_PHOTO = hashlib.sha256(b"expired licence on the wall").hexdigest()
FREEZER_PHOTO = hashlib.sha256(b"thermometer at -10").hexdigest()
SHOP_FRONT = hashlib.sha256(b"the shop front").hexdigest()
STALL = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"


def findings_by_pointer(client: Client, world: World, inspection_id: str) -> dict[str, list[str]]:
    response = client.get(
        "/api/findings", params={"inspection_id": inspection_id}, headers=world.headers["supervisor1"]
    )
    assert response.status_code == 200, response.text
    return {f["pointer"]: f["evidence"]["photos"] for f in response.json()}


def test_each_finding_gets_the_photos_taken_for_it_and_the_general_ones_only_when_it_has_none(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10, "issues": ["dirty"]})
    phone.attach(inspection_id, "photos", SHOP_FRONT)
    phone.attach(inspection_id, "photos", LICENCE_PHOTO, item="licence")
    phone.sync()
    view = phone.server[inspection_id]
    assert view["photo_evidence"] == {"licence": [LICENCE_PHOTO]}
    phone.transition(inspection_id, "submitted")
    phone.sync()
    found = findings_by_pointer(client, world, inspection_id)
    assert found["/licence"] == [LICENCE_PHOTO]
    assert found["/frozen_temp"] == [SHOP_FRONT]  # nothing taken for it: the general photos, never the licence's


def test_a_later_link_moves_the_photo_and_a_detached_photo_is_evidence_of_nothing(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10})
    phone.attach(inspection_id, "photos", FREEZER_PHOTO, item="licence")
    phone.sync()
    phone.attach(inspection_id, "photos", FREEZER_PHOTO, item="frozen_temp")  # the inspector corrects the link
    phone.attach(inspection_id, "photos", LICENCE_PHOTO, item="licence")
    phone.sync()
    assert phone.server[inspection_id]["photo_evidence"] == {"frozen_temp": [FREEZER_PHOTO], "licence": [LICENCE_PHOTO]}
    phone.detach(inspection_id, "photos", LICENCE_PHOTO)
    phone.sync()
    assert phone.server[inspection_id]["photo_evidence"] == {"frozen_temp": [FREEZER_PHOTO]}
    phone.transition(inspection_id, "submitted")
    phone.sync()
    found = findings_by_pointer(client, world, inspection_id)
    assert found == {"/licence": [], "/frozen_temp": [FREEZER_PHOTO]}


def test_evidence_of_something_that_is_not_an_answer_is_rejected_and_changes_nothing(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail"})
    phone.sync()
    before = phone.server[inspection_id]
    for item in ("nothing_here", "photos", "stalls", f"stalls/{STALL}/nothing"):
        phone.attach(inspection_id, "photos", SHOP_FRONT, item=item)
        [result] = phone.push()
        assert result["outcome"] == "rejected", (item, result)
        assert result["problem"]["type"] == "urn:xunjian:problem:invalid-answers"
        assert result["problem"]["errors"][0]["pointer"] == "/item"
    phone.pull()
    after = phone.server[inspection_id]
    assert after["answers"] == before["answers"]
    assert after["photo_evidence"] == {}
    assert after["updated_seq"] == before["updated_seq"]


def test_an_older_device_without_links_still_gets_every_form_photo_on_each_finding(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10})
    phone.attach(inspection_id, "photos", SHOP_FRONT)
    phone.attach(inspection_id, "photos", FREEZER_PHOTO)
    phone.transition(inspection_id, "submitted")
    phone.sync()
    found = findings_by_pointer(client, world, inspection_id)
    assert found == {"/licence": [SHOP_FRONT, FREEZER_PHOTO], "/frozen_temp": [SHOP_FRONT, FREEZER_PHOTO]}

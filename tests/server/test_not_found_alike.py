"""Out-of-scope objects answer exactly like unknown ones (issue 14): same status, problem type and body.

Everything here lives in 西湖区 (inspector3, supervisor2); supervisor1 and inspector1 work in 上城区.
A 403 for an object outside one's scope would tell that it exists; every ``{id}`` route answers 404.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.clients import Client, World, device
from tests.evidence import PHOTO, TUS, create, sha256, upload

XIHU_SITE = "物美超市(文三路店)"
UNKNOWN = "0190a0c4-1234-7abc-8def-0123456789ab"
UNKNOWN_SHA = sha256(b"never uploaded")


def _xihu(client: Client, world: World) -> dict[str, str]:
    """An inspection with a conflict, a finding, a plan, a photo and an upload in progress, all in 西湖区."""
    phone, tablet = device(client, "inspector3"), device(client, "inspector3", name="tablet")
    site = world.sites[XIHU_SITE]
    inspection_id = phone.create(site, "sync_probe")
    phone.sync()
    tablet.pull()
    phone.set(inspection_id, {"licence": "pass"})
    tablet.set(inspection_id, {"licence": "fail"})
    phone.sync()
    tablet.sync()
    submitted = phone.create(site, "sync_probe")
    phone.set(submitted, {"licence": "fail", "frozen_temp": -20})
    phone.transition(submitted, "submitted")
    phone.sync()
    boss = world.headers["supervisor2"]
    conflict = client.get("/api/conflicts", headers=boss).json()[0]["id"]
    finding = client.get("/api/findings", params={"inspection_id": submitted}, headers=boss).json()[0]["id"]
    plan = {"site_id": site, "checklist_id": "market_order", "kind": "weekly_manager_check"}
    plan_id = client.post("/api/schedules", json=plan, headers=boss).json()["id"]
    assert upload(client, world.headers["inspector3"], PHOTO).status_code == 204
    pending = create(client, world.headers["inspector3"], PHOTO + b"!", media_type="image/png")
    upload_id = pending.headers["location"].rsplit("/", 1)[1]
    return {
        "site": site,
        "inspection": inspection_id,
        "conflict": conflict,
        "finding": finding,
        "plan": plan_id,
        "blob": sha256(PHOTO),
        "upload": upload_id,
    }


# (caller, method, url with {id}, the kind of object, JSON body)
ROUTES: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    ("inspector1", "GET", "/api/sites/{id}", "site", None),
    ("supervisor1", "GET", "/api/sites/{id}", "site", None),
    ("inspector1", "GET", "/api/inspections/{id}", "inspection", None),
    ("supervisor1", "GET", "/api/inspections/{id}", "inspection", None),
    ("supervisor1", "GET", "/api/inspections/{id}/audit", "inspection", None),
    ("supervisor1", "GET", "/api/inspections/{id}/report.pdf", "inspection", None),
    ("supervisor1", "POST", "/api/inspections/{id}/review", "inspection", {"action": "approve"}),
    ("inspector1", "GET", "/api/findings/{id}", "finding", None),
    ("supervisor1", "GET", "/api/findings/{id}", "finding", None),
    ("supervisor1", "POST", "/api/findings/{id}/action", "finding", {"responsible": "张三", "working_days": 2}),
    ("inspector1", "POST", "/api/findings/{id}/report-fix", "finding", {"note": "已整改"}),
    ("supervisor1", "POST", "/api/findings/{id}/verify", "finding", {"photos": [UNKNOWN_SHA]}),
    ("supervisor1", "POST", "/api/findings/{id}/close", "finding", {"note": "好"}),
    ("supervisor1", "POST", "/api/findings/{id}/reopen", "finding", {"note": "未整改"}),
    ("supervisor1", "GET", "/api/conflicts/{id}", "conflict", None),
    ("supervisor1", "POST", "/api/conflicts/{id}/resolve", "conflict", {"value": "pass", "note": "看过"}),
    ("supervisor1", "PUT", "/api/schedules/{id}/deactivate", "plan", None),
    ("inspector1", "GET", "/api/blobs/{id}?variant=thumb", "blob", None),
    ("supervisor1", "GET", "/api/blobs/{id}/meta", "blob", None),
    ("inspector1", "HEAD", "/api/uploads/{id}", "upload", None),
    ("inspector1", "DELETE", "/api/uploads/{id}", "upload", None),
    ("inspector1", "PATCH", "/api/uploads/{id}", "upload", None),
]


def _call(client: Client, world: World, caller: str, method: str, url: str, body: dict[str, Any] | None) -> Any:
    headers = {**world.headers[caller], **TUS}
    if method == "PATCH":
        headers |= {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
        return client.request(method, url, headers=headers, content=b"x")
    return client.request(method, url, headers=headers, json=body)


def _seen(response: Any, object_id: str) -> tuple[int, dict[str, str], str]:
    """What a caller learns: the status, the body with the id masked, and the content type."""
    body = {k: str(v).replace(object_id, "<id>") for k, v in response.json().items()} if response.content else {}
    return response.status_code, body, response.headers.get("content-type", "")


def test_every_id_route_answers_an_object_out_of_scope_as_an_unknown_one(
    client: Client, world: World, probe: None
) -> None:
    ids = _xihu(client, world)
    for caller, method, url, kind, body in ROUTES:
        known = ids[kind]
        unknown = UNKNOWN_SHA if kind == "blob" else UNKNOWN
        hidden = _call(client, world, caller, method, url.format(id=known), body)
        absent = _call(client, world, caller, method, url.format(id=unknown), body)
        assert hidden.status_code == 404, (caller, method, url, hidden.text)
        assert _seen(hidden, known) == _seen(absent, unknown), (caller, method, url)


@pytest.mark.parametrize("user", ["supervisor2", "inspector3"])
def test_the_objects_are_there_for_those_in_scope(client: Client, world: World, probe: None, user: str) -> None:
    ids = _xihu(client, world)
    headers = world.headers[user]
    for kind, path in (("site", "sites"), ("inspection", "inspections"), ("finding", "findings")):
        url = f"/api/{path}/{ids[kind]}"
        assert client.get(url, headers=headers).status_code == 200, url

"""Findings and corrective actions over HTTP: recorded on submission, assigned, fixed, verified, closed, overdue."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar

from bench.device import Device
from server.settings import Settings
from sync.review.actions import ActionRules, Assignment, assign_action
from sync.review.register import FindingFilter, list_findings
from sync.review.workdays import make_calendar, today_in_china
from tests.clients import SHOP, Client, World, act, device, problem_type, user_of

MARKET = "望江农贸市场"  # inspector1's other site, in the same district as the shop
PHOTO = hashlib.sha256(b"after the fix").hexdigest()
HOLIDAYS_FROM = 1  # the 10 days after today are holidays in these tests' settings
HOLIDAYS = 10


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with a holiday calendar: the next ten days off."""
    today = today_in_china()
    days = frozenset(today + timedelta(days=HOLIDAYS_FROM + n) for n in range(HOLIDAYS))
    return replace(settings, holidays=days, working_days_default=3)


def submitted(world: World, phone: Device, answers: dict[str, Any], site: str = SHOP) -> str:
    inspection_id = phone.create(world.sites[site], "sync_probe")
    phone.set(inspection_id, answers)
    phone.transition(inspection_id, "submitted")
    phone.sync()
    assert phone.server[inspection_id]["status"] == "submitted"
    return inspection_id


def findings(client: Client, world: World, user: str = "supervisor1", **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/findings", params=params, headers=world.headers[user])
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def finding_of(client: Client, world: World, inspection_id: str, pointer: str = "/licence") -> dict[str, Any]:
    found = [f for f in findings(client, world, inspection_id=inspection_id) if f["pointer"] == pointer]
    assert len(found) == 1
    return found[0]


def test_a_submission_is_scored_and_each_failed_item_becomes_a_finding(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    draft = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(draft, {"licence": "pass", "frozen_temp": -20})
    phone.sync()
    # the score is on the full view (the phone's pulled document leaves it out)
    full = client.get(f"/api/inspections/{draft}", headers=world.headers["supervisor1"]).json()
    score = full["score"]
    assert (score["score"], score["passed"], score["pass_mark"], score["critical_fails_inspection"]) == (
        100.0,
        True,
        80.0,
        True,
    )
    assert phone.server[draft]["findings"] == []  # a draft has no findings

    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10, "notes": "证照过期，冷柜偏高"})
    phone.sync()
    phone.sign(app.state.catalog, inspection_id, "manager_sign", "王经理", hashlib.sha256(b"sig").hexdigest())
    phone.transition(inspection_id, "submitted")
    phone.sync()
    view = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()
    assert phone.server[inspection_id]["findings"] == view["findings"]
    assert view["score"]["score"] == 0.0
    assert view["score"]["passed"] is False
    assert view["score"]["failed_critical"] == ["/licence"]
    assert view["score"]["counts"] == {"passed": 0, "failed": 2, "not_applicable": 0, "unscored": 2}
    assert sorted((f["pointer"], f["action_status"], f["confirmed"]) for f in view["findings"]) == [
        ("/frozen_temp", "open", True),
        ("/licence", "open", True),
    ]

    listed = findings(client, world)
    assert sorted(f["pointer"] for f in listed) == ["/frozen_temp", "/licence"]
    licence = next(f for f in listed if f["pointer"] == "/licence")
    assert licence["clause"] == "市场管理办法 第十条"
    assert licence["severity"] == "critical"
    assert licence["inspection_id"] == inspection_id
    assert licence["district_id"] == world.districts["上城区 Shangcheng"]
    assert licence["evidence"]["signatures"][0]["signer_name"] == "王经理"
    assert licence["action"]["status"] == "open"
    one = client.get(f"/api/findings/{licence['id']}", headers=world.headers["inspector1"])
    assert one.status_code == 200, one.text
    assert [e["kind"] for e in one.json()["history"]] == ["recorded"]
    assert [f["id"] for f in findings(client, world, "inspector1")] == [f["id"] for f in listed]
    assert findings(client, world, "supervisor2") == []
    assert findings(client, world, "inspector3") == []
    assert len(findings(client, world, "admin")) == 2


def test_filters(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    shop = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    submitted(world, phone, {"licence": "pass", "frozen_temp": -5}, site=MARKET)
    assert len(findings(client, world)) == 3
    assert [f["pointer"] for f in findings(client, world, severity="critical")] == ["/licence"]
    assert len(findings(client, world, site_id=world.sites[MARKET])) == 1
    assert len(findings(client, world, district_id=world.districts["上城区 Shangcheng"])) == 3
    assert findings(client, world, district_id=world.districts["西湖区 Xihu"]) == []
    assert len(findings(client, world, checklist_id="sync_probe", inspection_id=shop)) == 2
    assert len(findings(client, world, status="open")) == 3
    assert findings(client, world, status="verified") == []
    assert len(findings(client, world, overdue="false", repeat="false")) == 3
    assert findings(client, world, overdue="true") == []


def test_a_supervisor_assigns_a_responsible_party_and_a_deadline_in_working_days(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    inspection_id = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    licence = finding_of(client, world, inspection_id)
    frozen = finding_of(client, world, inspection_id, "/frozen_temp")
    calendar = make_calendar(app.state.settings.holidays)
    before = today_in_china()
    body = {"responsible": "店长王五", "working_days": 2}
    response = act(client, world, "supervisor1", licence["id"], "action", body)
    default = act(client, world, "admin", frozen["id"], "action", {"responsible": "冷链主管"})
    after = today_in_china()
    assert response.status_code == 200, response.text
    action = response.json()["action"]
    # the ten configured holidays after today are skipped, and weekends
    assert action["deadline"] in {calendar.add_working_days(d, 2).isoformat() for d in (before, after)}
    assert date.fromisoformat(action["deadline"]) > before + timedelta(days=HOLIDAYS)
    assert (action["responsible"], action["working_days"], action["status"]) == ("店长王五", 2, "open")
    assert action["assigned_by"] == world.users["supervisor1"]
    assert default.json()["action"]["working_days"] == 3  # Settings.working_days_default
    defaults = {calendar.add_working_days(d, 3).isoformat() for d in (before, after)}
    assert default.json()["action"]["deadline"] in defaults

    explicit = (before + timedelta(days=2)).isoformat()
    again = act(
        client, world, "supervisor1", licence["id"], "action", {**body, "working_days": None, "due_date": explicit}
    )
    assert (again.json()["action"]["deadline"], again.json()["action"]["working_days"]) == (explicit, None)
    assert [e["kind"] for e in again.json()["history"]] == ["recorded", "assigned", "assigned"]

    # the change reaches the phone on its next pull, as a logged op on the inspection
    phone.pull()
    brief = next(f for f in phone.server[inspection_id]["findings"] if f["pointer"] == "/licence")
    assert (brief["responsible"], brief["deadline"]) == ("店长王五", explicit)
    audit = client.get(f"/api/inspections/{inspection_id}/audit", headers=world.headers["supervisor1"]).json()
    assert [a["kind"] for a in audit][-3:] == ["finding", "finding", "finding"]


def test_bad_assignments_are_problems(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    licence = finding_of(client, world, submitted(world, phone, {"licence": "fail", "frozen_temp": -20}))
    yesterday = (today_in_china() - timedelta(days=2)).isoformat()
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"responsible": "张三", "due_date": yesterday}, 422, "deadline-in-past"),
        ({"responsible": "张三", "due_date": "2026-02-30"}, 400, "invalid-body"),
        ({"responsible": "张三", "working_days": 2, "due_date": "2099-01-01"}, 422, "invalid-input"),
        ({"responsible": "张三", "working_days": 0}, 400, "invalid-body"),
        ({"responsible": " "}, 422, "invalid-input"),
        ({"working_days": 2}, 400, "invalid-body"),
    ]
    for body, status, kind in cases:
        response = act(client, world, "supervisor1", licence["id"], "action", body)
        assert (response.status_code, problem_type(response)) == (status, kind), body
    assert (
        client.get(f"/api/findings/{licence['id']}", headers=world.headers["admin"]).json()["action"]["responsible"]
        is None
    )


def test_roles_and_scope(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    licence = finding_of(client, world, submitted(world, phone, {"licence": "fail", "frozen_temp": -20}))
    assign: dict[str, Any] = {"responsible": "张三", "working_days": 2}
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("inspector1", "action", assign, 403, "forbidden"),  # inspectors do not set actions
        ("supervisor2", "action", assign, 404, "not-found"),  # another district: as if unknown
        ("inspector3", "report-fix", {"note": "已整改"}, 404, "not-found"),  # not their site
        ("supervisor2", "report-fix", {"note": "已整改"}, 404, "not-found"),
        ("inspector1", "verify", {"photos": [PHOTO]}, 403, "forbidden"),
        ("supervisor2", "verify", {"photos": [PHOTO]}, 404, "not-found"),
        ("inspector1", "close", {}, 403, "forbidden"),
        ("inspector1", "reopen", {"note": "未整改"}, 403, "forbidden"),
        ("supervisor2", "reopen", {"note": "未整改"}, 404, "not-found"),
    ]
    for user, action, body, status, kind in cases:
        response = act(client, world, user, licence["id"], action, body)
        assert (response.status_code, problem_type(response)) == (status, kind), (user, action)
    for user in ("supervisor2", "inspector3"):
        response = client.get(f"/api/findings/{licence['id']}", headers=world.headers[user])
        assert (response.status_code, problem_type(response)) == (404, "not-found")
    unknown: list[tuple[str, dict[str, Any]]] = [
        ("action", assign),
        ("report-fix", {}),
        ("verify", {"photos": [PHOTO]}),
        ("close", {}),
        ("reopen", {"note": "未整改"}),
    ]
    for action, body in unknown:
        response = act(client, world, "admin", "no-such-finding", action, body)
        assert (response.status_code, problem_type(response)) == (404, "not-found")
    response = client.get("/api/findings/no-such-finding", headers=world.headers["admin"])
    assert (response.status_code, problem_type(response)) == (404, "not-found")
    assert client.get(f"/api/findings/{licence['id']}", headers=world.headers["admin"]).json()["action"]["status"] == (
        "open"
    )


def test_the_action_goes_from_open_to_fixed_verified_and_closed(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    licence = finding_of(client, world, submitted(world, phone, {"licence": "fail", "frozen_temp": -20}))
    fid = licence["id"]
    for action, body in [("close", {}), ("reopen", {"note": "未整改"})]:
        response = act(client, world, "supervisor1", fid, action, body)
        assert (response.status_code, problem_type(response)) == (409, "invalid-action-transition"), action

    fixed = act(client, world, "inspector1", fid, "report-fix", {"note": "已补办营业执照", "photos": [PHOTO, PHOTO]})
    assert fixed.status_code == 200, fixed.text
    fix = fixed.json()["action"]["fix"]
    assert (fixed.json()["action"]["status"], fix["note"], fix["photos"], fix["by"]) == (
        "fixed_reported",
        "已补办营业执照",
        [PHOTO],
        world.users["inspector1"],
    )
    again = act(client, world, "inspector1", fid, "report-fix", {"note": "again"})
    assert (again.status_code, problem_type(again)) == (409, "invalid-action-transition")
    close_early = act(client, world, "supervisor1", fid, "close", {})
    assert (close_early.status_code, problem_type(close_early)) == (409, "invalid-action-transition")

    for body in [{}, {"note": "看过了"}, {"note": "  ", "inspection_id": licence["inspection_id"]}]:
        response = act(client, world, "supervisor1", fid, "verify", body)
        assert (response.status_code, problem_type(response)) == (422, "evidence-required"), body
    bad_photo = act(client, world, "supervisor1", fid, "verify", {"photos": ["not-a-hash"]})
    assert (bad_photo.status_code, problem_type(bad_photo)) == (400, "invalid-body")

    verified = act(client, world, "supervisor1", fid, "verify", {"photos": [PHOTO], "note": "现场复查合格"})
    assert verified.status_code == 200, verified.text
    record = verified.json()["action"]["verification"]
    assert (record["method"], record["photos"], record["by"]) == ("manual", [PHOTO], world.users["supervisor1"])
    twice = act(client, world, "supervisor1", fid, "verify", {"photos": [PHOTO]})
    assert (twice.status_code, problem_type(twice)) == (409, "invalid-action-transition")

    closed = act(client, world, "supervisor1", fid, "close", {"note": "整改完成"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["action"]["status"], closed.json()["action"]["closed_by"]) == (
        "closed",
        world.users["supervisor1"],
    )
    for action, body in [("reopen", {"note": "复发"}), ("close", {}), ("report-fix", {})]:
        response = act(client, world, "supervisor1", fid, action, body)
        assert (response.status_code, problem_type(response)) == (409, "invalid-action-transition"), action
    history = client.get(f"/api/findings/{fid}", headers=world.headers["supervisor1"]).json()["history"]
    assert [e["kind"] for e in history] == ["recorded", "fix_reported", "verified", "closed"]
    assert history[1]["user_id"] == world.users["inspector1"]


def test_a_fix_that_does_not_hold_is_reopened_and_verified_against_a_later_inspection(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    first = submitted(world, phone, {"licence": "fail", "frozen_temp": -20})
    fid = finding_of(client, world, first)["id"]
    assert act(client, world, "inspector1", fid, "report-fix", {"note": "已整改"}).status_code == 200
    blank = act(client, world, "supervisor1", fid, "reopen", {"note": "   "})
    assert (blank.status_code, problem_type(blank)) == (422, "invalid-input")
    reopened = act(client, world, "supervisor1", fid, "reopen", {"note": "复查仍未公示证照"})
    assert reopened.status_code == 200, reopened.text
    action = reopened.json()["action"]
    assert (action["status"], action["reopen_count"], action["fix"]) == ("open", 1, None)

    other_site = submitted(world, phone, {"licence": "fail", "frozen_temp": -20}, site=MARKET)
    later = submitted(world, phone, {"licence": "fail", "frozen_temp": -20})  # fails again: no automatic verification
    assert finding_of(client, world, first)["action"]["status"] == "open"
    cases = [
        (first, "not later"),
        (other_site, "another site"),
        ("00000000-0000-4000-8000-000000000000", "no inspection"),
    ]
    for ref, words in cases:
        response = act(client, world, "supervisor1", fid, "verify", {"note": "复查", "inspection_id": ref})
        assert (response.status_code, problem_type(response)) == (422, "invalid-input")
        assert words in response.json()["detail"]
    verified = act(client, world, "supervisor1", fid, "verify", {"note": "复查合格", "inspection_id": later})
    assert verified.status_code == 200, verified.text
    assert verified.json()["action"]["verification"]["inspection_id"] == later
    reopened = act(client, world, "admin", fid, "reopen", {"note": "验证不通过"})
    assert (reopened.json()["action"]["reopen_count"], reopened.json()["action"]["verification"]) == (2, None)


def test_a_later_inspection_passing_the_item_verifies_the_action_by_itself(
    client: Client, world: World, probe: None
) -> None:
    phone, colleague = device(client), device(client, name="tablet")
    first = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    fid = finding_of(client, world, first)["id"]
    later = submitted(world, colleague, {"licence": "pass", "frozen_temp": -5})  # frozen still fails
    licence = client.get(f"/api/findings/{fid}", headers=world.headers["supervisor1"]).json()
    assert licence["action"]["status"] == "verified"
    assert licence["action"]["verification"]["method"] == "inspection"
    assert licence["action"]["verification"]["inspection_id"] == later
    assert [e["kind"] for e in licence["history"]] == ["recorded", "verified"]
    assert finding_of(client, world, first, "/frozen_temp")["action"]["status"] == "open"
    frozen_again = finding_of(client, world, later, "/frozen_temp")
    assert frozen_again["repeat"] is True
    assert frozen_again["repeat_of"] == finding_of(client, world, first, "/frozen_temp")["id"]
    repeats = findings(client, world, repeat="true")
    assert [f["id"] for f in repeats] == [frozen_again["id"]]
    assert [f["id"] for f in findings(client, world, status="verified")] == [fid]
    closed = act(client, world, "supervisor1", fid, "close", {})
    assert closed.json()["action"]["status"] == "closed"


def test_the_phone_that_holds_the_earlier_inspection_pulls_its_verified_action(
    client: Client, world: World, probe: None
) -> None:
    phone, colleague = device(client), device(client, name="tablet")
    first = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    mark = phone.checkpoint
    later = submitted(world, colleague, {"licence": "pass", "frozen_temp": -30})
    phone.pull()
    assert phone.checkpoint > mark
    statuses = {f["pointer"]: f["action_status"] for f in phone.server[first]["findings"]}
    assert statuses == {"/licence": "verified", "/frozen_temp": "verified"}
    assert later in phone.server  # same site: the colleague's inspection arrives too
    audit = client.get(f"/api/inspections/{first}/audit", headers=world.headers["supervisor1"]).json()
    verified = [e for e in audit if e["kind"] == "finding"]
    assert sorted(e["op"]["finding_id"] for e in verified) == sorted(f["id"] for f in phone.server[first]["findings"])
    assert {e["op"]["inspection_id"] for e in verified} == {later}
    page = client.get("/api/sync/pull", params={"checkpoint": 0, "limit": 1}, headers=phone.headers).json()
    seqs = [page["checkpoint"]]
    while page["has_more"]:
        page = client.get(
            "/api/sync/pull", params={"checkpoint": page["checkpoint"], "limit": 1}, headers=phone.headers
        ).json()
        seqs.append(page["checkpoint"])
    assert len(seqs) == len(set(seqs))  # every inspection on its own sequence: pages never skip one


def test_a_returned_inspection_resubmitted_withdraws_what_no_longer_fails(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    inspection_id = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    licence = finding_of(client, world, inspection_id)
    returned = client.post(
        f"/api/inspections/{inspection_id}/review",
        json={"action": "return", "comments": [{"path": "licence", "text": "证照在墙上，请复核"}]},
        headers=world.headers["supervisor1"],
    )
    assert returned.status_code == 200, returned.text
    phone.pull()
    phone.set(inspection_id, {"licence": "pass"})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    assert [f["pointer"] for f in findings(client, world)] == ["/frozen_temp"]
    withdrawn = findings(client, world, status="withdrawn")
    assert [(f["id"], f["status"]) for f in withdrawn] == [(licence["id"], "withdrawn")]
    response = act(client, world, "supervisor1", licence["id"], "action", {"responsible": "张三"})
    assert (response.status_code, problem_type(response)) == (409, "invalid-action-transition")
    briefs = {f["pointer"]: f["status"] for f in phone.server[inspection_id]["findings"]}
    assert briefs == {"/licence": "withdrawn", "/frozen_temp": "active"}


def test_findings_of_a_rejected_inspection_leave_the_register(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = submitted(world, phone, {"licence": "fail", "frozen_temp": -20})
    licence = finding_of(client, world, inspection_id)
    rejected = client.post(
        f"/api/inspections/{inspection_id}/review",
        json={"action": "reject", "reason": "检查对象填错"},
        headers=world.headers["supervisor1"],
    )
    assert rejected.status_code == 200, rejected.text
    assert findings(client, world) == []
    kept = client.get(f"/api/findings/{licence['id']}", headers=world.headers["supervisor1"]).json()
    assert kept["inspection_status"] == "rejected"
    response = act(client, world, "supervisor1", licence["id"], "action", {"responsible": "张三"})
    assert (response.status_code, problem_type(response)) == (409, "invalid-action-transition")
    summary = client.get("/api/findings/overdue-summary", headers=world.headers["supervisor1"]).json()
    assert summary["open"] == 0


def test_overdue_actions_are_listed_flagged_and_counted(
    client: Client, world: World, probe: None, app: Litestar
) -> None:
    phone = device(client)
    shop = submitted(world, phone, {"licence": "fail", "frozen_temp": -10})
    market = submitted(world, phone, {"licence": "fail", "frozen_temp": -20}, site=MARKET)
    store, supervisor = app.state.store, user_of(client, world, "supervisor1")
    monday = date(2020, 1, 6)  # a fixed day long past: set through the rules with "today" injected
    for inspection_id, due in [(shop, date(2020, 1, 7)), (market, date(2020, 1, 8))]:
        fid = finding_of(client, world, inspection_id)["id"]
        assign_action(store, supervisor, fid, Assignment("张三", due_date=due), ActionRules(), today=monday)
    on_the_ninth = list_findings(store, supervisor, FindingFilter(overdue=True), today=date(2020, 1, 9))
    assert sorted((f.site_id, f.action.days_overdue) for f in on_the_ninth) == sorted(
        [(world.sites[SHOP], 2), (world.sites[MARKET], 1)]
    )
    on_the_eighth = list_findings(store, supervisor, FindingFilter(overdue=True), today=date(2020, 1, 8))
    assert [f.site_id for f in on_the_eighth] == [world.sites[SHOP]]  # due on the 8th is not yet overdue

    overdue = findings(client, world, overdue="true")  # today, by the server's clock, is after 2020
    assert {f["site_id"] for f in overdue} == {world.sites[SHOP], world.sites[MARKET]}
    assert all(f["action"]["overdue"] and f["action"]["days_overdue"] > 0 for f in overdue)
    assert len(findings(client, world, overdue="false")) == 1  # the shop's frozen_temp has no deadline

    summary = client.get("/api/findings/overdue-summary", headers=world.headers["supervisor1"])
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert (body["open"], body["overdue"]) == (3, 2)
    assert {s["name"]: (s["open"], s["overdue"]) for s in body["sites"]} == {SHOP: (2, 1), MARKET: (1, 1)}
    assert body["districts"] == [
        {"id": world.districts["上城区 Shangcheng"], "name": "上城区 Shangcheng", "open": 3, "overdue": 2}
    ]
    elsewhere = client.get("/api/findings/overdue-summary", headers=world.headers["supervisor2"]).json()
    assert (elsewhere["open"], elsewhere["sites"], elsewhere["districts"]) == (0, [], [])


def test_a_fix_photo_is_readable_by_the_supervisors_of_its_site(client: Client, world: World, probe: None) -> None:
    from bench.uploader import upload
    from tests.images import phone_jpeg

    phone = device(client)
    licence = finding_of(client, world, submitted(world, phone, {"licence": "fail", "frozen_temp": -20}))
    photo = phone_jpeg()
    client.headers.update(phone.headers)
    try:
        digest = upload(client, photo).sha256
    finally:
        del client.headers["Authorization"]
    fixed = act(client, world, "inspector1", licence["id"], "report-fix", {"note": "已整改", "photos": [digest]})
    assert fixed.status_code == 200, fixed.text
    url = f"/api/blobs/{digest}?variant=display"
    assert client.get(url, headers=world.headers["supervisor1"]).status_code == 200
    assert client.get(url, headers=world.headers["supervisor2"]).status_code == 404

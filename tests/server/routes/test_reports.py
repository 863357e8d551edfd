"""Monthly and quarterly reports, recomputed here from the raw answers the API returns.

The arithmetic below is written again from the checklist template (weights, acceptable
ranges, severities): it does not call ``sync.review.reports`` or ``schemas.scoring``.
Inspections are made "now" through the device simulator; to give the previous period
data, some rows get an earlier ``created_at`` straight through ``app.state.store``
(the one thing a device cannot do), before anything is read back.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

import pytest
from litestar import Litestar

from bench.device import Device
from sync.engine.facts import store_facts
from sync.engine.rollups import moving_facts
from sync.engine.rows import load_row
from sync.review.actions import ActionRules, Assignment, assign_action
from sync.review.reports import deadlines, month_period, previous_period, quarter_period
from sync.review.workdays import CHINA, today_in_china
from tests.clients import SHOP, Client, World, act, device, problem_type, review, user_of
from tests.templates import SYNC_TEMPLATE

MARKET = "望江农贸市场"
DONE = {"submitted", "returned", "approved"}
PHOTO = hashlib.sha256(b"fixed").hexdigest()
ITEMS = {item["id"]: item for item in SYNC_TEMPLATE["sections"][0]["items"]}
PASS_MARK = Decimal(80)  # the template sets no scoring rules: the defaults, with critical failures failing


def one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def outcome_of(item: dict[str, Any], value: Any) -> str | None:
    if item["kind"] == "pass_fail":
        return str(value)
    if item["kind"] == "number" and "acceptable" in item:
        low, high = item["acceptable"].get("min"), item["acceptable"].get("max")
        return "pass" if (low is None or value >= low) and (high is None or value <= high) else "fail"
    return None  # the probe's choices have no failing values; text, photos, gps, signatures are not scored


def outcomes(answers: dict[str, Any]) -> list[tuple[str, dict[str, Any], str | None]]:
    """``(item path, template item, outcome)`` of every answer; each group entry's children apart."""
    found = []
    for key, value in answers.items():
        item = ITEMS[key]
        if item["kind"] == "group":
            for entry in value.values():
                for child in item["items"]:
                    if child["id"] in entry:
                        found.append((f"{key}/{child['id']}", child, outcome_of(child, entry[child["id"]])))
        else:
            found.append((key, item, outcome_of(item, value)))
    return found


def score(answers: dict[str, Any]) -> tuple[Decimal | None, bool | None]:
    earned = possible = Decimal(0)
    critical = False
    for _, item, result in outcomes(answers):
        weight = Decimal(str(item.get("weight", 1)))
        if result in ("pass", "fail"):
            possible += weight
            earned += weight if result == "pass" else 0
            critical |= result == "fail" and item.get("severity") == "critical"
    value = Decimal(one_decimal(100 * earned / possible)).quantize(Decimal("0.1")) if possible else None
    if critical:
        return value, False
    return value, None if value is None else value >= PASS_MARK


def china_day(moment: str) -> date:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(CHINA).date()


def expected(
    views: list[dict[str, Any]], details: dict[str, dict[str, Any]], first: date, last: date
) -> dict[str, Any]:
    """The figures of ``first``..``last`` from the views, by the rules in the README."""
    today = today_in_china()
    done = [v for v in views if v["status"] in DONE and first <= china_day(v["created_at"]) <= last]
    scores = [score(v["answers"]) for v in done]
    valued = [s for s, _ in scores if s is not None]
    verdicts = [p for _, p in scores if p is not None]
    failing: Counter[str] = Counter()
    clauses: Counter[str] = Counter()
    for v in done:
        for path, item, result in outcomes(v["answers"]):
            if result == "fail":
                failing[path] += 1
                clauses[item["clause"]] += 1
    active = [f for v in done for f in v["findings"] if f["status"] == "active"]
    closed = [details[f["id"]] for f in active if f["action_status"] == "closed"]
    return {
        "inspections": len(done),
        "by_status": dict(sorted(Counter(v["status"] for v in done).items())),
        "scored": len(valued),
        "average_score": one_decimal(sum(valued, Decimal(0)) / len(valued)) if valued else None,
        "passed": sum(verdicts),
        "pass_rate": one_decimal(Decimal(100 * sum(verdicts)) / len(verdicts)) if verdicts else None,
        "failed_answers": sum(failing.values()),
        "items": sorted(failing.items(), key=lambda kv: (-kv[1], kv[0])),
        "clauses": sorted(clauses.items(), key=lambda kv: (-kv[1], kv[0])),
        "actions": {
            "findings": len(active),
            "open": sum(f["action_status"] in ("open", "fixed_reported") for f in active),
            "overdue": sum(
                f["action_status"] in ("open", "fixed_reported")
                and f.get("deadline") is not None
                and date.fromisoformat(f["deadline"]) < today
                for f in active
            ),
            "verified": sum(f["action_status"] == "verified" for f in active),
            "closed": len(closed),
            "median_days_to_close": float(
                median((china_day(d["action"]["closed_at"]) - china_day(d["created_at"])).days for d in closed)
            )
            if closed
            else None,
        },
        "repeat_findings": sum(f.get("repeat_of") is not None for f in active),
    }


def reported(figures: dict[str, Any]) -> dict[str, Any]:
    """The same keys from a report's figures."""
    return {
        **{k: figures[k] for k in ("inspections", "by_status", "scored", "average_score", "passed", "pass_rate")},
        "failed_answers": figures["failed_answers"],
        "items": [(i["item_path"], i["count"]) for i in figures["top_failing_items"]],
        "clauses": [(c["clause"], c["count"]) for c in figures["top_failing_clauses"]],
        "actions": figures["actions"],
        "repeat_findings": figures["repeat_findings"],
    }


def inspect(world: World, phone: Device, site: str, answers: dict[str, Any], *, submit: bool = True) -> str:
    inspection_id = phone.create(world.sites[site], "sync_probe")
    phone.set(inspection_id, answers)
    if submit:
        phone.transition(inspection_id, "submitted")
    phone.sync()
    return inspection_id


def with_stalls(world: World, phone: Device, site: str, answers: dict[str, Any], prices: list[str]) -> str:
    inspection_id = phone.create(world.sites[site], "sync_probe")
    phone.set(inspection_id, answers)
    for n, result in enumerate(prices):
        entry = phone.add_entry(inspection_id, "stalls")
        phone.set(inspection_id, {f"stalls/{entry}/stall_no": f"A-{n}", f"stalls/{entry}/prices": result})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    return inspection_id


def month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def quarter_of(day: date) -> tuple[str, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}", first


def backdate(app: Litestar, inspection_id: str, moment: datetime) -> None:
    """Set an earlier ``created_at`` straight in the store: a device cannot start an inspection in the past.

    Its stored facts (China day, month, quarter) and the report rollups follow, as the engine keeps them.
    """
    stamp = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with app.state.store.transaction() as conn:
        conn.execute("UPDATE inspection SET created_at = ? WHERE id = ?", [stamp, inspection_id])
        row = load_row(conn, inspection_id)
        assert row is not None
        with moving_facts(conn, [inspection_id]):
            store_facts(conn, app.state.catalog, [row])


@pytest.fixture
def month_of_work(client: Client, world: World, probe: None, app: Litestar) -> list[str]:
    """A month of inspections on the demo sites: passes, fails, N/A, drafts, returned, approved, rejected."""
    phone = device(client)
    a = with_stalls(world, phone, SHOP, {"licence": "pass", "frozen_temp": -20}, ["pass", "fail"])
    f = inspect(world, phone, SHOP, {"licence": "pass", "frozen_temp": -5})
    g = inspect(world, phone, MARKET, {"licence": "pass", "frozen_temp": -30, "issues": ["dark"]})
    d = inspect(world, phone, MARKET, {"licence": "na", "frozen_temp": -19, "issues": ["dirty"]})
    b = inspect(world, phone, SHOP, {"licence": "fail", "frozen_temp": -10, "notes": "证照过期"})
    c = inspect(world, phone, SHOP, {"licence": "fail", "frozen_temp": -25})  # a repeat of b's licence
    h = inspect(world, phone, SHOP, {"licence": "fail", "frozen_temp": -40})
    e = inspect(world, phone, MARKET, {"licence": "fail", "frozen_temp": -10}, submit=False)  # a draft
    gone = inspect(world, phone, MARKET, {"licence": "fail", "frozen_temp": -10}, submit=False)
    phone.delete(gone)
    phone.sync()
    review(client, world, f, action="return", comments=[{"path": "frozen_temp", "text": "请复测"}])
    review(client, world, g, action="approve")
    review(client, world, h, action="reject", reason="检查对象填错")

    # actions: b's licence overdue; a's failed stall closed after a fix and a verification
    licence = next(
        x
        for x in client.get(f"/api/inspections/{b}", headers=world.headers["admin"]).json()["findings"]
        if x["pointer"] == "/licence"
    )
    due = today_in_china() - timedelta(days=3)
    rules = ActionRules()
    assign_action(
        app.state.store,
        user_of(client, world, "supervisor1"),
        licence["id"],
        Assignment("张三", due_date=due),
        rules,
        today=due - timedelta(days=1),
    )
    stall = client.get(f"/api/inspections/{a}", headers=world.headers["admin"]).json()["findings"][0]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("inspector1", "report-fix", {"note": "已标价", "photos": [PHOTO]}),
        ("supervisor1", "verify", {"photos": [PHOTO]}),
        ("supervisor1", "close", {"note": "整改完成"}),
    ]
    for user, action, body in steps:
        response = act(client, world, user, stall["id"], action, body)
        assert response.status_code == 200, response.text

    # the previous month and quarter get data; one row sits on the China/UTC boundary of this month
    created = china_day(client.get(f"/api/inspections/{a}", headers=world.headers["admin"]).json()["created_at"])
    this_month = created.replace(day=1)
    previous_month = month_before(this_month)
    _, quarter_first = quarter_of(created)
    previous_quarter = month_before(month_before(month_before(quarter_first)))
    backdate(app, d, datetime.combine(previous_month + timedelta(days=14), datetime.min.time(), CHINA))
    backdate(app, c, datetime.combine(previous_quarter + timedelta(days=20), datetime.min.time(), CHINA))
    # 00:30 on the 1st in China is 16:30 UTC on the last day of the month before: this month, in China time
    backdate(app, g, datetime.combine(this_month, datetime.min.time(), CHINA) + timedelta(minutes=30))
    return [a, b, c, d, e, f, g, h, gone]


def views_of(client: Client, world: World, ids: list[str]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    views = []
    for inspection_id in ids:
        response = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["admin"])
        if response.status_code == 200:
            views.append(response.json())
    details = {
        f["id"]: client.get(f"/api/findings/{f['id']}", headers=world.headers["admin"]).json()
        for v in views
        for f in v["findings"]
    }
    return views, details


def test_the_monthly_report_matches_figures_recomputed_from_the_answers(
    client: Client, world: World, month_of_work: list[str]
) -> None:
    views, details = views_of(client, world, month_of_work)
    created = china_day(next(v for v in views if v["id"] == month_of_work[0])["created_at"])
    month = created.replace(day=1)
    response = client.get(
        "/api/reports/monthly", params={"month": f"{month:%Y-%m}"}, headers=world.headers["supervisor1"]
    )
    assert response.status_code == 200, response.text
    report = response.json()
    last = month_after(month) - timedelta(days=1)
    previous = month_before(month)
    assert report["period"] == {"kind": "month", "label": f"{month:%Y-%m}", "first": str(month), "last": str(last)}
    assert reported(report["current"]) == expected(views, details, month, last)
    assert reported(report["previous"]) == expected(views, details, previous, month - timedelta(days=1))
    assert report["previous"]["period"]["label"] == f"{previous:%Y-%m}"

    now, before = report["current"], report["previous"]
    assert now["inspections"] >= 4 and before["inspections"] >= 1  # a, b, f (returned), g (approved); d before
    assert now["actions"]["overdue"] == 1 and now["actions"]["closed"] == 1 and now["actions"]["findings"] >= 3
    assert now["planned"] is None  # no plans in the demo data
    change = report["change"]
    assert change["inspections"] == now["inspections"] - before["inspections"]
    assert change["failed_answers"] == now["failed_answers"] - before["failed_answers"]
    assert change["open_actions"] == now["actions"]["open"] - before["actions"]["open"]
    assert change["average_score"] == float(Decimal(str(now["average_score"])) - Decimal(str(before["average_score"])))
    assert change["pass_rate"] == float(Decimal(str(now["pass_rate"])) - Decimal(str(before["pass_rate"])))

    top = now["top_failing_items"][0]
    assert set(top) >= {"label", "clause", "severity", "count", "checklist_id"}
    licence = next(i for i in now["top_failing_items"] if i["item_path"] == "licence")
    assert (licence["label"], licence["clause"], licence["severity"]) == (
        {"zh": "证照", "en": "Licence"},
        "市场管理办法 第十条",
        "critical",
    )

    following = (last + timedelta(days=1)).replace(day=1)
    assert report["deadlines"] == [
        {"what": "forms_collected", "due": str(following.replace(day=5)), "rule": "4.8: 每月5日前收集上月巡检表"},
        {
            "what": "monthly_report",
            "due": str(following.replace(day=10)),
            "rule": "4.8: 月度报告每月10日前报行政人事部",
        },
    ]


def test_the_quarterly_report_matches_figures_recomputed_from_the_answers(
    client: Client, world: World, month_of_work: list[str]
) -> None:
    views, details = views_of(client, world, month_of_work)
    created = china_day(next(v for v in views if v["id"] == month_of_work[0])["created_at"])
    label, first = quarter_of(created)
    last = month_after(month_after(month_after(first))) - timedelta(days=1)
    response = client.get("/api/reports/quarterly", params={"quarter": label}, headers=world.headers["admin"])
    assert response.status_code == 200, response.text
    report = response.json()
    previous_first = month_before(month_before(month_before(first)))
    assert (report["period"]["first"], report["period"]["last"]) == (str(first), str(last))
    assert reported(report["current"]) == expected(views, details, first, last)
    assert reported(report["previous"]) == expected(views, details, previous_first, first - timedelta(days=1))
    assert report["previous"]["inspections"] >= 1  # c, moved to the previous quarter
    following = last + timedelta(days=1)
    assert [(d["what"], d["due"]) for d in report["deadlines"]] == [
        ("quarterly_report", str(following.replace(day=10))),
        ("consolidated_quarterly_report", str(following.replace(day=15))),
    ]
    assert report["deadlines"][1]["rule"].startswith("4.9")


def test_the_seed_calendars_worked_q2_example() -> None:
    q2 = quarter_period("2026-Q2")
    assert (q2.first, q2.last) == ("2026-04-01", "2026-06-30")
    assert [d.due for d in deadlines(q2)] == ["2026-07-10", "2026-07-15"]
    assert [d.due for d in deadlines(month_period("2026-06"))] == ["2026-07-05", "2026-07-10"]
    assert [d.due for d in deadlines(month_period("2026-12"))] == ["2027-01-05", "2027-01-10"]
    assert previous_period(quarter_period("2026-Q1")).label == "2025-Q4"
    assert previous_period(month_period("2026-01")).label == "2025-12"


def test_scope_roles_and_bad_periods(client: Client, world: World, month_of_work: list[str]) -> None:
    month = datetime.now(CHINA).strftime("%Y-%m")
    shangcheng, xihu = world.districts["上城区 Shangcheng"], world.districts["西湖区 Xihu"]
    mine = client.get("/api/reports/monthly", params={"month": month}, headers=world.headers["supervisor1"]).json()
    narrowed = client.get(
        "/api/reports/monthly", params={"month": month, "district_id": shangcheng}, headers=world.headers["admin"]
    ).json()
    assert narrowed["current"] == mine["current"]
    other = client.get("/api/reports/monthly", params={"month": month}, headers=world.headers["supervisor2"]).json()
    assert other["current"]["inspections"] == 0 and other["current"]["average_score"] is None
    cases = [
        ("supervisor2", {"month": month, "district_id": shangcheng}, 403, "out-of-scope"),
        ("inspector1", {"month": month}, 403, "forbidden"),
        ("supervisor1", {"month": "2026-13"}, 422, "invalid-input"),
        ("supervisor1", {"month": "2026-1"}, 422, "invalid-input"),
        ("admin", {"month": month, "district_id": "nope"}, 404, "not-found"),
    ]
    for user, params, status, kind in cases:
        response = client.get("/api/reports/monthly", params=params, headers=world.headers[user])
        assert (response.status_code, problem_type(response)) == (status, kind), params
    bad = client.get("/api/reports/quarterly", params={"quarter": "2026-Q5"}, headers=world.headers["admin"])
    assert (bad.status_code, problem_type(bad)) == (422, "invalid-input")
    fine = client.get(
        "/api/reports/quarterly",
        params={"quarter": "2026-Q1", "district_id": xihu},
        headers=world.headers["supervisor2"],
    )
    assert fine.status_code == 200, fine.text

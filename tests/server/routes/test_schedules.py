"""Plans per site and checklist: periods, coverage (done, due, missed), what is due, duplicates."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from litestar import Litestar

from sync.engine import rollups
from sync.review.schedules import PLANS_PER_QUERY, period_of, periods
from tests.clients import SHOP, Client, World, device, started


@pytest.mark.parametrize(
    ("day", "cadence", "expected"),
    [
        ("2026-11-22", "daily", ("2026-11-22", "2026-11-22")),
        ("2026-11-22", "weekly", ("2026-11-16", "2026-11-22")),  # a Sunday: its Monday-to-Sunday week
        ("2026-11-23", "weekly", ("2026-11-23", "2026-11-29")),
        ("2026-02-14", "monthly", ("2026-02-01", "2026-02-28")),
        ("2028-02-14", "monthly", ("2028-02-01", "2028-02-29")),
        ("2026-12-31", "monthly", ("2026-12-01", "2026-12-31")),
    ],
)
def test_periods_by_cadence(day: str, cadence: str, expected: tuple[str, str]) -> None:
    start, end = period_of(date.fromisoformat(day), cadence)  # type: ignore[arg-type]
    assert (start.isoformat(), end.isoformat()) == expected


def test_periods_cover_a_range_without_gaps() -> None:
    spans = list(periods("weekly", date(2026, 11, 1), date(2026, 11, 30)))
    assert spans[0][0] == date(2026, 10, 26)
    assert spans[-1][1] == date(2026, 12, 6)
    assert all(b[0] - a[1] == timedelta(days=1) for a, b in itertools.pairwise(spans))


def test_coverage_shows_done_due_and_missed(client: Client, world: World, probe: None) -> None:
    supervisor = world.headers["supervisor1"]
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    created = datetime.fromisoformat(phone.server[inspection_id]["created_at"])
    today = (created + timedelta(hours=8)).date()  # plans count China dates
    site = world.sites[SHOP]
    daily = client.post(
        "/api/schedules",
        json={
            "site_id": site,
            "checklist_id": "sync_probe",
            "kind": "daily_check",
            "starts_on": (today - timedelta(days=2)).isoformat(),
        },
        headers=supervisor,
    )
    assert daily.status_code == 201, daily.text
    assert daily.json()["cadence"] == "daily"
    monthly = client.post(
        "/api/schedules",
        json={
            "site_id": site,
            "checklist_id": "market_order",
            "kind": "monthly_spot_check",
            "starts_on": today.isoformat(),
        },
        headers=supervisor,
    )
    assert monthly.status_code == 201
    report = client.get(
        "/api/schedules/coverage",
        params={"first": (today - timedelta(days=5)).isoformat(), "last": today.isoformat()},
        headers=supervisor,
    ).json()
    by_plan: dict[str, list[tuple[str, str]]] = {}
    for period in report["periods"]:
        by_plan.setdefault(period["plan_id"], []).append((period["start"], period["status"]))
    assert by_plan[daily.json()["id"]] == [
        ((today - timedelta(days=2)).isoformat(), "missed"),
        ((today - timedelta(days=1)).isoformat(), "missed"),
        (today.isoformat(), "done"),
    ]
    assert [s for _, s in by_plan[monthly.json()["id"]]] == ["due"]
    assert (report["planned"], report["done"], report["missed"], report["due"]) == (4, 1, 2, 1)
    due = client.get("/api/schedules/due", headers=world.headers["inspector1"]).json()
    assert {(d["checklist_id"], d["status"]) for d in due} == {("sync_probe", "missed"), ("market_order", "due")}
    assert client.get("/api/schedules/due", headers=world.headers["inspector3"]).json() == []


@pytest.mark.parametrize("plans_per_query", [1, PLANS_PER_QUERY])
def test_coverage_asks_plans_with_the_same_periods_together_and_finds_each_in_its_plan(
    client: Client, world: World, probe: None, monkeypatch: pytest.MonkeyPatch, plans_per_query: int
) -> None:
    monkeypatch.setattr("sync.review.schedules.PLANS_PER_QUERY", plans_per_query)
    supervisor = world.headers["supervisor1"]
    phone = device(client)
    inspection_id = started(client, world, phone)
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    today = (datetime.fromisoformat(phone.server[inspection_id]["created_at"]) + timedelta(hours=8)).date()
    first = today - timedelta(days=400)
    ids = {}
    for checklist, starts in (("market_order", first), ("sync_probe", first), ("sync_probe", today - timedelta(1))):
        plan = {"site_id": world.sites[SHOP], "checklist_id": checklist, "kind": "daily_check"}
        made = client.post("/api/schedules", json={**plan, "starts_on": starts.isoformat()}, headers=supervisor)
        assert made.status_code == 201, made.text
        ids[checklist, starts] = made.json()["id"]
    report = client.get(
        "/api/schedules/coverage", params={"first": first.isoformat(), "last": today.isoformat()}, headers=supervisor
    ).json()
    assert report["planned"] == 2 * 401 + 2
    done = {(p["plan_id"], p["start"], p["inspection_id"]) for p in report["periods"] if p["status"] == "done"}
    probes = (ids["sync_probe", first], ids["sync_probe", today - timedelta(1)])
    assert done == {(plan_id, today.isoformat(), inspection_id) for plan_id in probes}
    assert (report["done"], report["missed"], report["due"]) == (2, 400 + 400 + 1, 1)


def test_plans_are_scoped_and_checked(client: Client, world: World) -> None:
    body = {
        "site_id": world.sites["物美超市(文三路店)"],
        "checklist_id": "market_order",
        "kind": "weekly_manager_check",
    }
    assert client.post("/api/schedules", json=body, headers=world.headers["supervisor1"]).status_code == 403
    assert client.post("/api/schedules", json=body, headers=world.headers["inspector3"]).status_code == 403
    other = {**body, "kind": "other"}
    missing = client.post("/api/schedules", json=other, headers=world.headers["supervisor2"])
    assert missing.status_code == 422
    created = client.post("/api/schedules", json=body, headers=world.headers["supervisor2"])
    assert created.status_code == 201
    plan_id = created.json()["id"]
    assert client.get("/api/schedules", headers=world.headers["supervisor1"]).json() == []
    assert client.put(f"/api/schedules/{plan_id}/deactivate", headers=world.headers["supervisor1"]).status_code == 404
    assert client.put(f"/api/schedules/{plan_id}/deactivate", headers=world.headers["supervisor2"]).status_code == 204
    assert client.get("/api/schedules", headers=world.headers["supervisor2"]).json() == []
    bad = client.get(
        "/api/schedules/coverage",
        params={"first": "2026-11-30", "last": "2026-11-01"},
        headers=world.headers["supervisor2"],
    )
    assert bad.status_code == 422


def test_same_site_checklist_and_day_on_two_devices_is_flagged(client: Client, world: World, probe: None) -> None:
    phone, tablet = device(client), device(client, name="tablet")
    first = started(client, world, phone)
    second = started(client, world, tablet)
    same_device = started(client, world, phone)
    flagged = client.get("/api/schedules/duplicates", headers=world.headers["supervisor1"]).json()
    assert len(flagged) == 1
    assert set(flagged[0]["inspection_ids"]) == {first, second, same_device}
    assert client.get("/api/schedules/duplicates", headers=world.headers["supervisor2"]).json() == []
    day = flagged[0]["day"]
    since_that_day = {"since": day}
    assert client.get("/api/schedules/duplicates", params=since_that_day, headers=world.headers["supervisor1"]).json()
    after = {"since": (date.fromisoformat(day) + timedelta(days=1)).isoformat()}
    assert client.get("/api/schedules/duplicates", params=after, headers=world.headers["supervisor1"]).json() == []
    bad = client.get("/api/schedules/duplicates", params={"since": "yesterday"}, headers=world.headers["supervisor1"])
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")


def test_the_duplicate_flag_follows_a_deletion_and_a_new_inspection(client: Client, world: World, probe: None) -> None:
    """Flagged when written: deleting the tablet's inspection clears the phone's flag; another device sets it again."""
    phone, tablet = device(client), device(client, name="tablet")
    first = started(client, world, phone)
    second = started(client, world, tablet)
    headers = world.headers["supervisor1"]
    assert [d["inspection_ids"] for d in client.get("/api/schedules/duplicates", headers=headers).json()] == [
        sorted([first, second])
    ]
    tablet.delete(second)
    tablet.sync()
    assert client.get("/api/schedules/duplicates", headers=headers).json() == []
    third = started(client, world, device(client, name="laptop"))
    assert [d["inspection_ids"] for d in client.get("/api/schedules/duplicates", headers=headers).json()] == [
        sorted([first, third])
    ]


def test_an_inspection_started_offline_counts_for_the_day_it_was_started(
    client: Client, world: World, probe: None
) -> None:
    """Started two days ago with no signal, synced today: the day it was done is covered, not today."""
    phone = device(client)
    phone.clock_offset_ms = -2 * 24 * 3600 * 1000
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
    phone.transition(inspection_id, "submitted")
    phone.sync()
    view = phone.server[inspection_id]
    created = datetime.fromisoformat(view["created_at"])
    received = datetime.fromisoformat(view["updated_at"])
    assert timedelta(days=2) - timedelta(minutes=1) < received - created < timedelta(days=2) + timedelta(minutes=1)
    done_on = (created + timedelta(hours=8)).date()
    today = (received + timedelta(hours=8)).date()
    plan = client.post(
        "/api/schedules",
        json={
            "site_id": world.sites[SHOP],
            "checklist_id": "sync_probe",
            "kind": "daily_check",
            "starts_on": (today - timedelta(days=3)).isoformat(),
        },
        headers=world.headers["supervisor1"],
    )
    assert plan.status_code == 201, plan.text
    report = client.get(
        "/api/schedules/coverage",
        params={"first": (today - timedelta(days=3)).isoformat(), "last": today.isoformat()},
        headers=world.headers["supervisor1"],
    ).json()
    done = [(p["start"], p["inspection_id"]) for p in report["periods"] if p["status"] == "done"]
    assert done == [(done_on.isoformat(), inspection_id)]


def test_a_device_clock_months_behind_does_not_date_an_inspection_back(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    phone.clock_offset_ms = -60 * 24 * 3600 * 1000
    inspection_id = phone.create(world.sites[SHOP], "sync_probe")
    phone.sync()
    view = phone.server[inspection_id]
    assert view["created_at"] == view["updated_at"]  # dated on receipt


def test_an_inspector_is_due_only_plans_for_them_or_for_nobody(client: Client, world: World) -> None:
    market = world.sites["望江农贸市场"]  # assigned to inspector1 and inspector2
    supervisor = world.headers["supervisor1"]
    plans = {}
    for name, assignee in (("theirs", world.users["inspector2"]), ("anyone", None)):
        body = {"site_id": market, "checklist_id": "market_order", "kind": "weekly_full_inspection"}
        if assignee:
            body["assignee_id"] = assignee
        response = client.post("/api/schedules", json=body, headers=supervisor)
        assert response.status_code == 201, response.text
        plans[name] = response.json()["id"]

    def due_plans(user: str) -> set[str]:
        response = client.get("/api/schedules/due", headers=world.headers[user])
        assert response.status_code == 200
        return {d["plan_id"] for d in response.json()}

    assert due_plans("inspector1") == {plans["anyone"]}
    assert due_plans("inspector2") == {plans["theirs"], plans["anyone"]}
    assert due_plans("supervisor1") == {plans["theirs"], plans["anyone"]}


@pytest.mark.parametrize("kind", ["monthly_spot_check", "weekly_full_inspection", "daily_check"])
def test_a_period_is_done_by_its_first_done_inspection_until_that_one_is_rejected(
    client: Client, world: World, app: Litestar, probe: None, kind: str
) -> None:
    """Whole months, weeks and days are read from each one's first done inspection kept with the facts (m095,
    m101, m107), which stays what the facts give computed from scratch, a rejection included."""
    supervisor = world.headers["supervisor1"]
    phone = device(client)
    first, second = (started(client, world, phone) for _ in range(2))
    for inspection_id in (second, first):  # submitted in the other order: the first started still counts first
        phone.set(inspection_id, {"licence": "pass", "frozen_temp": -20})
        phone.transition(inspection_id, "submitted")
        phone.sync()
    today = (datetime.fromisoformat(phone.server[first]["created_at"]) + timedelta(hours=8)).date()
    start = {
        "monthly_spot_check": today.replace(day=1),
        "weekly_full_inspection": today - timedelta(days=today.weekday()),
        "daily_check": today,
    }[kind]
    plan = {"site_id": world.sites[SHOP], "checklist_id": "sync_probe", "kind": kind}
    made = client.post("/api/schedules", json={**plan, "starts_on": start.isoformat()}, headers=supervisor)
    assert made.status_code == 201, made.text

    def done() -> list[tuple[str, str | None]]:
        span = {"first": start.isoformat(), "last": today.isoformat()}
        report = client.get("/api/schedules/coverage", params=span, headers=supervisor).json()
        return [(p["status"], p["inspection_id"]) for p in report["periods"] if p["plan_id"] == made.json()["id"]]

    assert done() == [("done", first)]
    for inspection_id, after in ((first, [("done", second)]), (second, [("due", None)])):
        rejected = client.post(
            f"/api/inspections/{inspection_id}/review",
            json={"action": "reject", "reason": "检查对象填错"},
            headers=supervisor,
        )
        assert rejected.status_code == 200, rejected.text
        assert done() == after
        assert rollups.stored(app.state.store.db) == rollups.computed(app.state.store.db)

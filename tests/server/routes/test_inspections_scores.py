"""The review queue's scores: each row's score and verdict, the ``min_score``, ``max_score`` and ``verdict``
filters at their boundaries, not-applicable answers, a critical failure, and bad filter values."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.clients import SHOP, Client, World, device
from tests.templates import SYNC_TEMPLATE


def critical_heavy_template() -> dict[str, Any]:
    """The probe checklist with the critical licence light (1) and the frozen reading heavy (9)."""
    template = copy.deepcopy(SYNC_TEMPLATE)
    template["checklist_id"] = "score_probe"
    items = template["sections"][0]["items"]
    items[0]["weight"] = 1
    items[1]["weight"] = 9
    return template


@pytest.fixture
def scored(client: Client, world: World, probe: None) -> dict[str, str]:
    """Five inspections: 100 pass, 75 fail, 25 fail with a critical failure, all N/A (no score),
    and 90 that fails on a critical item whatever the score."""
    admin = world.headers["admin"]
    assert client.post("/api/checklists", json=critical_heavy_template(), headers=admin).status_code == 201
    phone = device(client)
    answers: dict[str, tuple[str, dict[str, Any]]] = {
        "perfect": ("sync_probe", {"licence": "pass", "frozen_temp": -20}),
        "warm": ("sync_probe", {"licence": "pass", "frozen_temp": -10}),
        "unlicensed": ("sync_probe", {"licence": "fail", "frozen_temp": -20}),
        "not_applicable": ("sync_probe", {"licence": "na"}),
        "critical_90": ("score_probe", {"licence": "fail", "frozen_temp": -20}),
    }
    made = {}
    for name, (checklist, values) in answers.items():
        made[name] = phone.create(world.sites[SHOP], checklist)
        phone.set(made[name], values)
    phone.sync()
    return made


def rows(client: Client, world: World, **params: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/api/inspections", params=params, headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()}


def names(client: Client, world: World, made: dict[str, str], **params: Any) -> set[str]:
    found = rows(client, world, **params)
    return {name for name, inspection_id in made.items() if inspection_id in found}


def test_each_row_carries_its_score_and_verdict(client: Client, world: World, scored: dict[str, str]) -> None:
    found = rows(client, world)
    summary = {
        name: (found[i]["score"], found[i]["verdict"], found[i]["failed_critical"]) for name, i in scored.items()
    }
    assert summary == {
        "perfect": (100.0, "pass", 0),
        "warm": (75.0, "fail", 0),
        "unlicensed": (25.0, "fail", 1),
        "not_applicable": (None, None, 0),
        "critical_90": (90.0, "fail", 1),
    }


def test_score_bounds_are_inclusive_and_leave_out_inspections_without_a_score(
    client: Client, world: World, scored: dict[str, str]
) -> None:
    everything_scored = {"perfect", "warm", "unlicensed", "critical_90"}
    assert names(client, world, scored) == set(scored)
    assert names(client, world, scored, min_score=0) == everything_scored
    assert names(client, world, scored, max_score=100) == everything_scored
    assert names(client, world, scored, min_score=75) == {"perfect", "warm", "critical_90"}
    assert names(client, world, scored, min_score=75.1) == {"perfect", "critical_90"}
    assert names(client, world, scored, max_score=75) == {"warm", "unlicensed"}
    assert names(client, world, scored, max_score=74.9) == {"unlicensed"}
    assert names(client, world, scored, min_score=25, max_score=25) == {"unlicensed"}
    assert names(client, world, scored, min_score=100, max_score=100) == {"perfect"}


def test_the_verdict_filter_and_a_critical_failure_above_the_pass_mark(
    client: Client, world: World, scored: dict[str, str]
) -> None:
    assert names(client, world, scored, verdict="pass") == {"perfect"}
    assert names(client, world, scored, verdict="fail") == {"warm", "unlicensed", "critical_90"}
    assert names(client, world, scored, verdict="fail", min_score=80) == {"critical_90"}
    assert names(client, world, scored, verdict="pass", max_score=99) == set()
    assert names(client, world, scored, verdict="fail", checklist_id="score_probe") == {"critical_90"}
    # the limit counts matching rows, newest change first
    [newest] = rows(client, world, verdict="fail", limit=1)
    assert newest == scored["critical_90"]


@pytest.mark.parametrize(
    "params",
    [
        {"min_score": "-1"},
        {"max_score": "100.5"},
        {"min_score": "high"},
        {"verdict": "maybe"},
        {"verdict": "PASS"},
    ],
)
def test_bad_score_filters_are_400_problems(client: Client, world: World, params: dict[str, str]) -> None:
    response = client.get("/api/inspections", params=params, headers=world.headers["supervisor1"])
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:xunjian:problem:invalid-body"


def test_a_minimum_above_the_maximum_is_a_bad_request(client: Client, world: World) -> None:
    response = client.get(
        "/api/inspections", params={"min_score": 80, "max_score": 60}, headers=world.headers["supervisor1"]
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:xunjian:problem:bad-request"
    assert "min_score" in problem["detail"]

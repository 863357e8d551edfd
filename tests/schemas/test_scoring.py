"""Scoring: weights of passed over passed and failed, N/A and unscored left out, critical failures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas.answers import failed_items
from schemas.catalog import load_catalog, parse_template
from schemas.scoring import Counts, answer_outcomes, score_inspection
from schemas.template import Template

STALL = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
STALL2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def label(text: str) -> dict[str, str]:
    return {"zh": f"检查{text}", "en": text}


def item(kind: str, item_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "id": item_id, "label": label(item_id), "clause": "超市服务管理规范 6.2", **fields}


def template(*, pass_mark: float = 80, critical_fails: bool = True) -> Template:
    doc = {
        "checklist_id": "scored",
        "version": 1,
        "title": label("scored"),
        "description": label("scored"),
        "sources": [{"title": "超市服务管理规范"}],
        "scoring": {"pass_mark": pass_mark, "critical_fails_inspection": critical_fails},
        "sections": [
            {
                "id": "main",
                "title": label("main"),
                "items": [
                    item("pass_fail", "licence", severity="critical", weight=3),
                    item("pass_fail", "clean", weight=1),
                    item("number", "frozen", unit="℃", acceptable={"max": -18}, weight=2, severity="major"),
                    item("number", "area", unit="m²", weight=5),  # no acceptable range: never scored
                    item("text", "notes", weight=4),
                    item(
                        "single_choice",
                        "has_stalls",
                        options=[{"value": "yes", "label": label("yes")}, {"value": "no", "label": label("no")}],
                        weight=0,
                    ),
                    item(
                        "group",
                        "stalls",
                        entry_label=label("stall"),
                        weight=9,  # a group's own weight does not count; its children's do
                        show_if={"item": "has_stalls", "any_of": ["yes"]},
                        items=[
                            item("text", "stall_no"),
                            item("pass_fail", "prices", weight=2),
                            item("pass_fail", "scales", severity="critical", weight=1),
                        ],
                    ),
                ],
            },
            {
                "id": "hidden",
                "title": label("hidden"),
                "show_if": {"item": "clean", "any_of": ["fail"]},
                "items": [item("pass_fail", "cleaning_log", weight=10)],
            },
        ],
    }
    return parse_template(json.dumps(doc).encode(), "scored/1.json")


def stalls(*entries: dict[str, Any]) -> dict[str, Any]:
    keys = [STALL, STALL2]
    return {"has_stalls": "yes", "stalls": {keys[i]: e for i, e in enumerate(entries)}}


CASES: list[tuple[str, dict[str, Any], float | None, bool | None, list[str], Counts]] = [
    ("nothing answered", {}, None, None, [], Counts(0, 0, 0, 0)),
    ("all pass", {"licence": "pass", "clean": "pass", "frozen": -20}, 100.0, True, [], Counts(3, 0, 0, 0)),
    # 3 + 1 passed of 3 + 1 + 2 = 66.7: below the pass mark
    (
        "a reading out of range",
        {"licence": "pass", "clean": "pass", "frozen": -12},
        66.7,
        False,
        [],
        Counts(2, 1, 0, 0),
    ),
    # N/A leaves the denominator: 3 of 3
    ("not applicable excluded", {"licence": "pass", "clean": "na"}, 100.0, True, [], Counts(1, 0, 1, 0)),
    # unscored answers (text, a number without a range) do not count at all
    ("unscored excluded", {"licence": "pass", "area": 120, "notes": "好"}, 100.0, True, [], Counts(1, 0, 0, 2)),
    ("only unscored", {"area": 120, "notes": "好"}, None, None, [], Counts(0, 0, 0, 2)),
    # a failed critical item fails the inspection even at 8 of 11 ≥ 72.7 … and at any score
    (
        "critical failure",
        {"licence": "fail", "clean": "pass", "frozen": -20},
        50.0,
        False,
        ["/licence"],
        Counts(2, 1, 0, 0),
    ),
    # the hidden section's answer is not scored while its condition does not hold
    (
        "hidden item ignored",
        {"licence": "pass", "clean": "pass", "cleaning_log": "fail"},
        100.0,
        True,
        [],
        Counts(2, 0, 0, 0),
    ),
    # clean fails (1 of 4 lost) and shows cleaning_log, which passes: 3 + 10 of 3 + 1 + 10 = 92.9
    (
        "shown by a condition",
        {"licence": "pass", "clean": "fail", "cleaning_log": "pass"},
        92.9,
        True,
        [],
        Counts(2, 1, 0, 0),
    ),
    # each entry's children count with their own weights: (2 + 1) + 2 passed of (2 + 1) + (2 + 1) = 83.3
    (
        "group entries",
        stalls(
            {"stall_no": "A1", "prices": "pass", "scales": "pass"},
            {"stall_no": "A2", "prices": "pass", "scales": "fail"},
        ),
        83.3,
        False,
        [f"/stalls/{STALL2}/scales"],
        Counts(3, 1, 0, 3),  # has_stalls and both stall numbers carry no outcome
    ),
    # 2 + 1 + 3 passed of 2 + 1 + 3 + 2: 75 is below 80
    (
        "group entries and top-level items",
        {**stalls({"prices": "pass", "scales": "pass"}), "licence": "pass", "frozen": -5},
        75.0,
        False,
        [],
        Counts(3, 1, 0, 1),
    ),
]


@pytest.mark.parametrize(("name", "answers", "score", "passed", "critical", "counts"), CASES, ids=[c[0] for c in CASES])
def test_score(
    name: str, answers: dict[str, Any], score: float | None, passed: bool | None, critical: list[str], counts: Counts
) -> None:
    result = score_inspection(template(), answers)
    assert (result.score, result.passed, result.failed_critical, result.counts) == (score, passed, critical, counts)
    assert result.pass_mark == 80
    assert result.critical_fails_inspection is True


@pytest.mark.parametrize(
    ("pass_mark", "critical_fails", "answers", "passed"),
    [
        (80, True, {"licence": "pass", "clean": "pass", "frozen": -20}, True),
        (100, True, {"licence": "pass", "clean": "fail"}, False),  # 75 < 100
        (50, True, {"licence": "fail", "clean": "pass", "frozen": -20}, False),  # 50 reaches the mark; critical fails
        (50, False, {"licence": "fail", "clean": "pass", "frozen": -20}, True),  # the rule is off: 50 ≥ 50
        (0, True, {"clean": "fail"}, True),  # 0 ≥ 0
        (80, True, {"licence": "fail", "area": 12}, False),  # critical with nothing else scored
    ],
)
def test_pass_mark_and_critical_rule(
    pass_mark: float, critical_fails: bool, answers: dict[str, Any], passed: bool
) -> None:
    result = score_inspection(template(pass_mark=pass_mark, critical_fails=critical_fails), answers)
    assert result.passed is passed
    assert result.pass_mark == pass_mark


@pytest.mark.parametrize(
    ("weights", "outcomes", "score"),
    [
        ([1, 1, 1], ["pass", "pass", "fail"], 66.7),
        ([1, 1, 1], ["pass", "fail", "fail"], 33.3),
        ([1] * 8, ["pass"] * 7 + ["fail"], 87.5),
        ([49, 351], ["pass", "fail"], 12.3),  # exactly 12.25: half up, not to even
        ([1, 0], ["fail", "pass"], 0.0),
        ([0, 0], ["pass", "fail"], None),  # nothing weighs
    ],
)
def test_weights_and_rounding(weights: list[float], outcomes: list[str], score: float | None) -> None:
    items = [item("pass_fail", f"i{n}", weight=w) for n, w in enumerate(weights)]
    doc = {
        "checklist_id": "weights",
        "version": 1,
        "title": label("w"),
        "description": label("w"),
        "sources": [{"title": "超市服务管理规范"}],
        "sections": [{"id": "main", "title": label("main"), "items": items}],
    }
    result = score_inspection(
        parse_template(json.dumps(doc).encode(), "w/1.json"), {f"i{n}": o for n, o in enumerate(outcomes)}
    )
    assert result.score == score


def test_outcomes_name_the_item_without_the_entry() -> None:
    answers = stalls({"stall_no": "A1", "prices": "fail"})
    found = [(a.pointer, a.item_path, a.outcome, a.entry) for a in answer_outcomes(template(), answers)]
    assert found == [
        ("/has_stalls", "has_stalls", None, None),
        (f"/stalls/{STALL}/stall_no", "stalls/stall_no", None, STALL),
        (f"/stalls/{STALL}/prices", "stalls/prices", "fail", STALL),
    ]


def test_failed_outcomes_are_the_failed_items_of_every_published_checklist() -> None:
    catalog = load_catalog()
    for tpl in catalog.templates.values():
        answers: dict[str, Any] = {}
        for section in tpl.sections:
            for it in section.items:
                if it.__struct_config__.tag == "pass_fail":
                    answers[it.id] = "fail"
        fails = [a.pointer for a in answer_outcomes(tpl, answers) if a.outcome == "fail"]
        assert fails == failed_items(tpl, answers)
        assert score_inspection(tpl, answers).score in (0.0, None)

"""The compiled scorer of the stored facts gives what ``schemas.scoring`` defines, on random answers and weights."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.catalog import load_catalog, parse_template
from schemas.scoring import answer_outcomes, score_outcomes
from schemas.template import Group, Item, MultiChoice, Number, PassFail, SingleChoice, Template
from sync.engine.fact_scoring import FactScorer
from tests.templates import SYNC_TEMPLATE

SHIPPED = [load_catalog().get(c, 1) for c in ("supermarket_service", "market_order", "complaint_handling")]
BASES: list[dict[str, Any]] = [
    json.loads(json.dumps(SYNC_TEMPLATE)),
    *(msgspec.to_builtins(t) for t in SHIPPED if t is not None),
]
WEIGHTS = st.sampled_from([0, 1, 2, 3, 0.5, 0.1, 1.25, 2.2, 0.3])


def value_for(item: Item, draw: Any) -> Any:
    """A valid answer to ``item`` (or ``None``: not answered)."""
    if draw(st.integers(0, 5)) == 0:
        return None
    if isinstance(item, PassFail):
        return draw(st.sampled_from(["pass", "fail", "na"]))
    if isinstance(item, Number):
        low = item.bounds.min if item.bounds and item.bounds.min is not None else -50.0
        high = item.bounds.max if item.bounds and item.bounds.max is not None else 50.0
        return draw(st.sampled_from([low, high, (low + high) / 2, round(low + (high - low) / 3, 1)]))
    if isinstance(item, SingleChoice):
        return draw(st.sampled_from([o.value for o in item.options]))
    if isinstance(item, MultiChoice):
        return draw(st.lists(st.sampled_from([o.value for o in item.options]), unique=True, max_size=3))
    if isinstance(item, Group):
        entries = {}
        for n in range(draw(st.integers(0, 3))):
            entry = {child.id: value_for(child, draw) for child in item.items}
            entries[f"e{n}"] = {k: v for k, v in entry.items() if v is not None}
        return entries
    return draw(st.sampled_from(["备注", "note"]))  # text and the rest: never scored


@st.composite
def cases(draw: Any) -> tuple[Template, dict[str, Any]]:
    raw = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    raw["scoring"] = {
        "pass_mark": draw(st.sampled_from([0, 50, 60, 80, 90.5, 100])),
        "critical_fails_inspection": draw(st.booleans()),
    }
    for section in raw["sections"]:
        for item in section["items"]:
            for leaf in [item, *item.get("items", [])]:
                leaf["weight"] = draw(WEIGHTS)
                leaf["severity"] = draw(st.sampled_from(["minor", "major", "critical"]))
    template = parse_template(json.dumps(raw).encode(), f"{raw['checklist_id']}/1.json")
    answers = {}
    for section in template.sections:
        for item in section.items:
            value = value_for(item, draw)
            if value is not None:
                answers[item.id] = value
    return template, answers


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_compiled_scorer_equals_the_score_of_the_checklist_rules(case: tuple[Template, dict[str, Any]]) -> None:
    template, answers = case
    outcomes = list(answer_outcomes(template, answers))
    score = score_outcomes(template, outcomes)
    failed = Counter(a.item_path for a in outcomes if a.outcome == "fail")
    labels = {a.item_path: (a.item.clause, a.item.severity) for a in outcomes if a.outcome == "fail"}

    scored = FactScorer(template).score(answers)

    assert scored.score_tenths == (None if score.score is None else round(score.score * 10))
    assert scored.verdict == (None if score.passed is None else int(score.passed))
    assert scored.failed_critical == len(score.failed_critical)
    assert scored.failed == dict(failed)
    assert scored.labels == labels


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_judged_answers_are_the_answer_outcomes_that_pass_fail_or_do_not_apply(
    case: tuple[Template, dict[str, Any]],
) -> None:
    template, answers = case
    expected = [a for a in answer_outcomes(template, answers) if a.outcome is not None]

    judged = FactScorer(template).judged(answers)

    assert judged == expected
    assert {a.outcome for a in judged} <= {"pass", "fail", "na"}


def test_a_score_exactly_at_the_pass_mark_passes_and_half_a_tenth_rounds_up() -> None:
    raw = json.loads(json.dumps(SYNC_TEMPLATE))
    raw["scoring"] = {"pass_mark": 50}
    items = raw["sections"][0]["items"]
    items[0].update(weight=1, severity="minor")  # licence
    items[1].update(weight=1)  # frozen_temp, acceptable at or below -18
    template = parse_template(json.dumps(raw).encode(), "sync_probe/1.json")
    at_mark = FactScorer(template).score({"licence": "pass", "frozen_temp": 0})
    assert (at_mark.score_tenths, at_mark.verdict, at_mark.failed) == (500, 1, {"frozen_temp": 1})
    items[1].update(weight=0.5)  # 1 / 1.5 = 66.666…% → 66.7
    third = FactScorer(parse_template(json.dumps(raw).encode(), "sync_probe/1.json"))
    assert third.score({"licence": "pass", "frozen_temp": 0}).score_tenths == 667
    items[1].update(weight=3)  # 1 / 4 = 25% → 25.0, below the mark
    quarter = FactScorer(parse_template(json.dumps(raw).encode(), "sync_probe/1.json"))
    assert quarter.score({"licence": "pass", "frozen_temp": 0})[:2] == (250, 0)

"""An inspection's score from item weights and answer outcomes. Pure: no HTTP, no SQL.

``score = 100 × Σ weight of passed / Σ weight of passed and failed`` over the
visible items that have an outcome; each entry of a repeating group counts its
children, each with its own weight. Not-applicable answers and items without a
pass/fail outcome (text, photos, readings with no acceptable range) are left
out of the denominator. The score has one decimal (half up) and is ``None``
when nothing weighs. The inspection passes when the score reaches the version's
``pass_mark`` and, if ``critical_fails_inspection``, no critical item failed;
a failed critical item fails it whatever the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from math import floor
from typing import Any

from msgspec import Struct

from schemas.answer_records import pointer_token
from schemas.answers import Outcome, holds, outcome, visible_items
from schemas.template import Group, LeafItem, Template


class AnswerOutcome(Struct, frozen=True):
    """One visible answered leaf item: where, which item, and whether it passed.

    ``pointer`` is the JSON Pointer of the answer (``/stalls/<entry>/prices``);
    ``item_path`` names the template item without the entry (``stalls/prices``),
    so answers to the same item in different inspections share it.
    """

    pointer: str
    item_path: str
    item: LeafItem
    value: Any
    outcome: Outcome | None
    entry: str | None = None


class Counts(Struct, frozen=True):
    """How many visible answered items passed, failed, did not apply, or carry no outcome."""

    passed: int
    failed: int
    not_applicable: int
    unscored: int


class Score(Struct, frozen=True):
    """The score of one inspection, with the rules of its checklist version."""

    score: float | None
    passed: bool | None
    pass_mark: float
    critical_fails_inspection: bool
    failed_critical: list[str]
    counts: Counts
    earned: float
    possible: float


def answer_outcomes(template: Template, answers: Mapping[str, Any]) -> Iterator[AnswerOutcome]:
    """Every visible answered leaf item with its outcome, group entries included, in template order."""
    for item in visible_items(template, answers):
        value = answers.get(item.id)
        if value is None:
            continue
        at = "/" + pointer_token(item.id)
        if not isinstance(item, Group):
            yield AnswerOutcome(at, item.id, item, value, outcome(item, value))
            continue
        if not isinstance(value, dict):
            continue
        for key, entry in value.items():
            if not isinstance(entry, dict):
                continue
            for child in item.items:
                child_value = entry.get(child.id)
                if child_value is None or not holds(child.show_if, entry):
                    continue
                yield AnswerOutcome(
                    f"{at}/{pointer_token(key)}/{pointer_token(child.id)}",
                    f"{item.id}/{child.id}",
                    child,
                    child_value,
                    outcome(child, child_value),
                    key,
                )


def score_inspection(template: Template, answers: Mapping[str, Any]) -> Score:
    """Score answers against the version they were filled on (see the module docstring)."""
    return score_outcomes(template, answer_outcomes(template, answers))


def score_outcomes(template: Template, outcomes: Iterable[AnswerOutcome]) -> Score:
    """Score the outcomes :func:`answer_outcomes` gave for a version's answers.

    For a caller that needs the outcomes too, so they are computed once.
    """
    earned_weights: list[float] = []
    possible_weights: list[float] = []
    passed = failed = not_applicable = unscored = 0
    failed_critical: list[str] = []
    for answer in outcomes:
        if answer.outcome == "pass":
            passed += 1
            earned_weights.append(answer.item.weight)
            possible_weights.append(answer.item.weight)
        elif answer.outcome == "fail":
            failed += 1
            possible_weights.append(answer.item.weight)
            if answer.item.severity == "critical":
                failed_critical.append(answer.pointer)
        elif answer.outcome == "na":
            not_applicable += 1
        else:
            unscored += 1
    earned, possible = _exact_sum(earned_weights), _exact_sum(possible_weights)
    rules = template.scoring
    score = _one_decimal(100 * earned / possible) if possible else None
    verdict: bool | None
    if rules.critical_fails_inspection and failed_critical:
        verdict = False
    elif score is None:
        verdict = None
    else:
        verdict = score >= rules.pass_mark
    return Score(
        score,
        verdict,
        rules.pass_mark,
        rules.critical_fails_inspection,
        failed_critical,
        Counts(passed, failed, not_applicable, unscored),
        float(earned),
        float(possible),
    )


def _exact_sum(weights: list[float]) -> Fraction:
    """The exact sum of weights: whole ones added as integers (fast), the others as fractions."""
    whole = [w for w in weights if float(w).is_integer()]
    return Fraction(int(sum(whole))) + sum((Fraction(w) for w in weights if not float(w).is_integer()), Fraction(0))


def _one_decimal(value: Fraction) -> float:
    """Round half up to one decimal, exactly (no binary floating-point surprises at .x5)."""
    return floor(value * 10 + Fraction(1, 2)) / 10

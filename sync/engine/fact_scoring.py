"""What an inspection's stored facts need of its score, computed from a checklist version compiled once.

:func:`schemas.scoring.score_inspection` is the definition of the score: every visible answered
item with its outcome (pointer, item, value), then the score, verdict and failed critical items.
The stored facts (:mod:`sync.engine.facts`) need less of it, for every inspection a push changes:
the score in tenths, the verdict, how many critical answers failed, and per failed item how many
answers failed it. :class:`FactScorer` gives exactly those, from the same rules, without the
per-answer records: a version is compiled once into its sections, items and groups, keeping only
the items that can pass or fail (each with its judge, weight as an exact number, clause and
severity), and an inspection's answers are walked once. ``tests/sync/engine/test_fact_scoring.py``
holds it equal to ``score_inspection`` on random answers, weights and conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from math import floor
from typing import Any, NamedTuple

from schemas.answer_records import pointer_token
from schemas.answers import holds
from schemas.scoring import AnswerOutcome
from schemas.template import Condition, Group, Item, LeafItem, MultiChoice, Number, PassFail, SingleChoice, Template

Judge = Callable[[Any], Any]  # an answer → "pass", "fail", "na" or None, as ``schemas.answers.outcome``


class Leaf(NamedTuple):
    """An item that can pass or fail, as scoring reads it."""

    id: str
    path: str  # ``item`` or ``group/child``, as ``AnswerOutcome.item_path``
    show_if: Condition | None
    judge: Judge
    weight: int | Fraction
    critical: bool
    clause: str
    severity: str
    item: LeafItem
    pointer: str  # ``/item``, or ``/child`` after its entry's pointer


class GroupSpec(NamedTuple):
    """A repeating group whose children include items that can pass or fail."""

    id: str
    show_if: Condition | None
    children: tuple[Leaf, ...]
    pointer: str


class SectionSpec(NamedTuple):
    """A section and its items that matter to the score."""

    show_if: Condition | None
    items: tuple[Leaf | GroupSpec, ...]


class Scored(NamedTuple):
    """What the facts store of a score: tenths, verdict (1/0/None), failed critical answers, failed items."""

    score_tenths: int | None
    verdict: int | None
    failed_critical: int
    failed: dict[str, int]  # item path → failed answers, in template order
    labels: dict[str, tuple[str, str]]  # item path → (clause, severity)


def _exact(weight: float) -> int | Fraction:
    """A weight as an exact number: whole ones as ``int`` (fast sums), others as the float's exact fraction."""
    return int(weight) if float(weight).is_integer() else Fraction(weight)


def _judge(item: Item) -> Judge | None:
    """The outcome of an answer to ``item`` (``schemas.answers.outcome``), or ``None`` for items never scored."""
    if isinstance(item, PassFail):
        return lambda value: value
    if isinstance(item, Number) and item.acceptable is not None:
        low, high = item.acceptable.min, item.acceptable.max
        return lambda value: "pass" if (low is None or value >= low) and (high is None or value <= high) else "fail"
    if isinstance(item, SingleChoice) and item.fail_values:
        fails = list(item.fail_values)
        return lambda value: "fail" if value in fails else "pass"
    if isinstance(item, MultiChoice) and item.fail_values:
        fail_set = set(item.fail_values)
        return lambda value: "fail" if set(value) & fail_set else "pass"
    return None


def _leaf(item: Item, path: str) -> Leaf | None:
    judge = _judge(item)
    if judge is None or isinstance(item, Group):
        return None
    critical = item.severity == "critical"
    weight, pointer = _exact(item.weight), "/" + pointer_token(item.id)
    return Leaf(item.id, path, item.show_if, judge, weight, critical, item.clause, item.severity, item, pointer)


def _compile_item(item: Item) -> Leaf | GroupSpec | None:
    if not isinstance(item, Group):
        return _leaf(item, item.id)
    children = tuple(leaf for child in item.items if (leaf := _leaf(child, f"{item.id}/{child.id}")) is not None)
    return GroupSpec(item.id, item.show_if, children, "/" + pointer_token(item.id)) if children else None


class FactScorer:
    """One checklist version compiled for :meth:`score` (see the module docstring)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.sections = tuple(
            SectionSpec(section.show_if, tuple(spec for item in section.items if (spec := _compile_item(item))))
            for section in template.sections
        )
        self.pass_mark = template.scoring.pass_mark
        self.critical_fails = template.scoring.critical_fails_inspection

    def score(self, answers: Mapping[str, Any]) -> Scored:
        """The score in tenths, verdict, failed critical answers and failed items of these answers."""
        tally = _Tally()
        for spec, value in self._answered(answers):
            if isinstance(spec, Leaf):
                tally.add(spec, spec.judge(value))
            elif isinstance(value, dict):
                tally.add_entries(spec, value)
        return tally.result(self.pass_mark, self.critical_fails)

    def judged(self, answers: Mapping[str, Any]) -> list[AnswerOutcome]:
        """The visible answers to items that can pass or fail, with their outcomes, in template order.

        What :func:`schemas.scoring.answer_outcomes` gives for those items (recording findings needs
        no others), without walking the rest.
        """
        found: list[AnswerOutcome] = []
        for spec, value in self._answered(answers):
            if isinstance(spec, Leaf):
                found.append(AnswerOutcome(spec.pointer, spec.path, spec.item, value, spec.judge(value)))
            elif isinstance(value, dict):
                found.extend(_entry_outcomes(spec, value))
        return found

    def _answered(self, answers: Mapping[str, Any]) -> Iterator[tuple[Leaf | GroupSpec, Any]]:
        """Each visible item that matters to the score and is answered, with its answer, in template order."""
        for section in self.sections:
            if section.show_if is not None and not holds(section.show_if, answers):
                continue
            for spec in section.items:
                if spec.show_if is None or holds(spec.show_if, answers):
                    value = answers.get(spec.id)
                    if value is not None:
                        yield spec, value


def _entry_outcomes(group: GroupSpec, entries: dict[str, Any]) -> list[AnswerOutcome]:
    """The judged answers of a group's entries (see :meth:`FactScorer.judged`)."""
    found: list[AnswerOutcome] = []
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        at = f"{group.pointer}/{pointer_token(key)}"
        for child in group.children:
            value = entry.get(child.id)
            if value is not None and (child.show_if is None or holds(child.show_if, entry)):
                found.append(AnswerOutcome(at + child.pointer, child.path, child.item, value, child.judge(value), key))
    return found


class _Tally:
    """Sums of one inspection's outcomes while its answers are walked."""

    def __init__(self) -> None:
        self.earned: int | Fraction = 0
        self.possible: int | Fraction = 0
        self.failed_critical = 0
        self.failed: dict[str, int] = {}
        self.labels: dict[str, tuple[str, str]] = {}

    def add(self, leaf: Leaf, outcome: Any) -> None:
        if outcome == "pass":
            self.earned += leaf.weight
            self.possible += leaf.weight
        elif outcome == "fail":
            self.possible += leaf.weight
            self.failed_critical += leaf.critical
            self.failed[leaf.path] = self.failed.get(leaf.path, 0) + 1
            self.labels[leaf.path] = (leaf.clause, leaf.severity)

    def add_entries(self, group: GroupSpec, entries: dict[str, Any]) -> None:
        for entry in entries.values():
            if not isinstance(entry, dict):
                continue
            for child in group.children:
                value = entry.get(child.id)
                if value is not None and (child.show_if is None or holds(child.show_if, entry)):
                    self.add(child, child.judge(value))

    def result(self, pass_mark: float, critical_fails: bool) -> Scored:
        tenths: int | None = None
        earned, possible = self.earned, self.possible
        if isinstance(earned, int) and isinstance(possible, int):  # whole weights: in integers
            tenths = (2000 * earned + possible) // (2 * possible) if possible else None
        elif possible:  # score = 100 × earned / possible, one decimal rounded half up, exactly
            tenths = floor(Fraction(1000) * earned / possible + Fraction(1, 2))
        verdict: int | None
        if critical_fails and self.failed_critical:
            verdict = 0
        elif tenths is None:
            verdict = None
        else:
            verdict = int(tenths / 10 >= pass_mark)
        return Scored(tenths, verdict, self.failed_critical, self.failed, self.labels)

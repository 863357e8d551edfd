"""Check answers against the exact template version they were filled on.

Every problem is reported at once, each at a JSON Pointer into the answers.
A reading outside its acceptable range is *not* an error: it is a failed item
(:func:`outcome`). Data that does not fit the item (a word where a number
belongs) is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any, Literal

from schemas.answer_records import (
    SHA256,
    AnswerError,
    check_datetime,
    check_gps,
    check_signature,
    error,
    has_decimals,
    is_number,
    pointer_token,
)
from schemas.json_schema import UUID_PATTERN
from schemas.template import (
    Condition,
    Gps,
    Group,
    Item,
    LeafItem,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Range,
    Signature,
    SingleChoice,
    Template,
    Text,
)

Outcome = Literal["pass", "fail", "na"]
_UUID = re.compile(UUID_PATTERN)


def items_by_id(template: Template) -> dict[str, Item]:
    """Top-level items of a template by id."""
    return {item.id: item for section in template.sections for item in section.items}


def check_answers(
    template: Template,
    answers: Mapping[str, Any],
    *,
    complete: bool = False,
    prefix: str = "",
    known_valid: Collection[str] = (),
    items: Mapping[str, Item] | None = None,
) -> list[AnswerError]:
    """Every error in ``answers``; with ``complete``, also what a submission still lacks.

    Complete means: every required visible item answered, photo and entry
    minimums met. Answers to hidden items are kept and not checked for
    completeness. ``known_valid``: answers the caller has already found valid (not checked again);
    ``items``: the template's top-level items by id, when the caller holds them.
    """
    items = items_by_id(template) if items is None else items
    errors: list[AnswerError] = []
    for key, value in answers.items():
        if key in known_valid:
            continue
        item = items.get(key)
        at = f"{prefix}/{pointer_token(key)}"
        if item is None:
            errors.append(AnswerError(at, f"该检查表版本没有此项 (no item {key!r} in this checklist version)"))
            continue
        errors.extend(check_value(item, value, at))
    if complete:
        errors.extend(_missing(template, answers, prefix))
    return errors


def quick_check(item: Item, value: Any) -> bool:
    """A fast yes for the common valid answers; ``False`` means: ask :func:`check_value` why."""
    if isinstance(item, PassFail):
        return value in ("pass", "fail") or (value == "na" and item.allow_na)
    if isinstance(item, Number):
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):
                return False
        elif kind is not int:
            return False
        if kind is float and not has_decimals(value, item.decimals):
            return False
        return item.bounds is None or _in_range(value, item.bounds)
    if isinstance(item, SingleChoice):
        return any(o.value == value for o in item.options)
    if isinstance(item, Text):
        return type(value) is str and len(value) <= item.max_length
    return not check_value(item, value)


def check_value(item: Item, value: Any, at: str = "") -> list[AnswerError]:
    """Errors in one answer value for ``item``; an empty list when it fits."""
    return list(_check_group(item, value, at) if isinstance(item, Group) else _check_leaf(item, value, at))


def _check_leaf(item: LeafItem, value: Any, at: str) -> Iterator[AnswerError]:
    """What is wrong with the answer to one item that is not a group, by its kind."""
    if isinstance(item, PassFail):
        yield from _check_pass_fail(item, value, at)
    elif isinstance(item, Number):
        yield from _check_number(item, value, at)
    elif isinstance(item, SingleChoice):
        values = [o.value for o in item.options]
        if value not in values:
            yield error(at, "不是可选项", f"expected one of {', '.join(values)}")
    elif isinstance(item, MultiChoice):
        yield from _check_multi(item, value, at)
    elif isinstance(item, Text):
        yield from _check_text(item, value, at)
    elif isinstance(item, Photo):
        yield from _check_photos(item, value, at)
    elif isinstance(item, Signature):
        yield from check_signature(value, at)
    elif isinstance(item, Gps):
        yield from check_gps(value, at)
    else:
        yield from check_datetime(item, value, at)


def _check_pass_fail(item: PassFail, value: Any, at: str) -> Iterator[AnswerError]:
    allowed = ("pass", "fail", "na") if item.allow_na else ("pass", "fail")
    if value not in allowed:
        yield error(at, f"应为 {'/'.join(allowed)} 之一", f"expected one of {', '.join(allowed)}")


def _check_number(item: Number, value: Any, at: str) -> Iterator[AnswerError]:
    if not is_number(value):
        yield error(at, "应为数字", f"expected a number in {item.unit}")
        return
    if not has_decimals(value, item.decimals):
        yield error(at, *_decimals_message(value, item.decimals))
    if item.bounds is not None and not _in_range(value, item.bounds):
        span = _span(item.bounds, item.unit)
        yield error(
            at,
            f"读数 {value}{item.unit} 不可能（允许 {span}）",
            f"reading {value} {item.unit} is impossible; plausible {span}",
        )


def _decimals_message(value: float, decimals: int) -> tuple[str, str]:
    if decimals == 0:
        return f"读数 {value} 应为整数", f"reading {value} must be a whole number"
    return f"读数 {value} 最多 {decimals} 位小数", f"reading {value} has more than {decimals} decimal places"


def _check_text(item: Text, value: Any, at: str) -> Iterator[AnswerError]:
    if not isinstance(value, str):
        yield error(at, "应为文字", "expected text")
    elif len(value) > item.max_length:
        yield error(at, f"超过 {item.max_length} 字", f"longer than {item.max_length} characters")


def _in_range(value: float, rng: Range) -> bool:
    lo_ok = rng.min is None or value > rng.min or (value == rng.min and not rng.min_exclusive)
    return lo_ok and (rng.max is None or value < rng.max or (value == rng.max and not rng.max_exclusive))


def _span(rng: Range, unit: str) -> str:
    lo = "" if rng.min is None else f"{'>' if rng.min_exclusive else '≥'}{rng.min}"
    hi = "" if rng.max is None else f"{'<' if rng.max_exclusive else '≤'}{rng.max}"
    if lo and hi and not (rng.min_exclusive or rng.max_exclusive):
        return f"{rng.min}~{rng.max}{unit}"
    return f"{lo}{', ' if lo and hi else ''}{hi}{unit}"


def _check_multi(item: MultiChoice, value: Any, at: str) -> Iterator[AnswerError]:
    if not isinstance(value, list):
        yield error(at, "应为选项列表", "expected a list of options")
        return
    values = {o.value for o in item.options}
    for i, chosen in enumerate(value):
        if not isinstance(chosen, str) or chosen not in values:
            yield error(f"{at}/{i}", "不是可选项", f"expected one of {', '.join(sorted(values))}")
    if len(set(map(str, value))) != len(value):
        yield error(at, "选项重复", "an option is chosen twice")
    if item.max_selected is not None and len(value) > item.max_selected:
        yield error(at, f"最多选 {item.max_selected} 项", f"at most {item.max_selected} options")


def _check_photos(item: Photo, value: Any, at: str) -> Iterator[AnswerError]:
    if not isinstance(value, list):
        yield error(at, "应为照片列表", "expected a list of photo SHA-256 hashes")
        return
    for i, ref in enumerate(value):
        if not isinstance(ref, str) or not SHA256.fullmatch(ref):
            yield error(f"{at}/{i}", "照片引用无效", "expected a lowercase hex SHA-256")
    if len(set(map(str, value))) != len(value):
        yield error(at, "照片重复", "the same photo is listed twice")
    if len(value) > item.max_count:
        yield error(at, f"最多 {item.max_count} 张照片", f"at most {item.max_count} photos")


def _check_group(item: Group, value: Any, at: str) -> Iterator[AnswerError]:
    if not isinstance(value, dict):
        yield error(at, "应为条目集合", "expected entries keyed by UUID")
        return
    if item.max_entries is not None and len(value) > item.max_entries:
        yield error(at, f"最多 {item.max_entries} 条", f"at most {item.max_entries} entries")
    children = {child.id: child for child in item.items}
    for key, entry in value.items():
        entry_at = f"{at}/{pointer_token(key)}"
        if not _UUID.fullmatch(key):
            yield error(entry_at, "条目键应为小写 UUID", "entry key must be a lowercase UUID")
        if not isinstance(entry, dict):
            yield error(entry_at, "应为对象", "expected an object of answers")
            continue
        for child_id, child_value in entry.items():
            child = children.get(child_id)
            child_at = f"{entry_at}/{pointer_token(child_id)}"
            if child is None:
                yield error(child_at, "该条目没有此项", f"no item {child_id!r} in this group")
            else:
                yield from _check_leaf(child, child_value, child_at)


def holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether a ``show_if`` condition holds for ``answers`` (``None`` always holds)."""
    if condition is None:
        return True
    value = answers.get(condition.item)
    if isinstance(value, list):
        return any(v in condition.any_of for v in value)
    return value is not None and value in condition.any_of


def visible_items(template: Template, answers: Mapping[str, Any]) -> Iterator[Item]:
    """Top-level items shown for these answers (section and item conditions)."""
    for section in template.sections:
        if holds(section.show_if, answers):
            yield from (item for item in section.items if holds(item.show_if, answers))


def _missing(template: Template, answers: Mapping[str, Any], prefix: str) -> Iterator[AnswerError]:
    for item in visible_items(template, answers):
        value = answers.get(item.id)
        if value is None:
            if item.required or (isinstance(item, Group) and item.min_entries > 0):
                yield error(f"{prefix}/{pointer_token(item.id)}", "必填项未填写", "required item not answered")
        elif isinstance(item, Photo | MultiChoice | Group):  # an answer given is all the others need
            yield from _too_few(item, value, f"{prefix}/{pointer_token(item.id)}")


def _too_few(item: Photo | MultiChoice | Group, value: Any, at: str) -> Iterator[AnswerError]:
    """Photos, options or entries below the item's minimum; a group's entries lacking a required answer."""
    if isinstance(item, Photo) and isinstance(value, list) and len(value) < item.min_count:
        yield error(at, f"至少 {item.min_count} 张照片", f"at least {item.min_count} photos")
    if isinstance(item, MultiChoice) and isinstance(value, list) and len(value) < item.min_selected:
        yield error(at, f"至少选 {item.min_selected} 项", f"at least {item.min_selected} options")
    if isinstance(item, Group) and isinstance(value, dict):
        if len(value) < item.min_entries:
            yield error(at, f"至少 {item.min_entries} 条", f"at least {item.min_entries} entries")
        for key, entry in value.items():
            if isinstance(entry, dict):
                yield from _missing_in_entry(item, entry, f"{at}/{pointer_token(key)}")


def _missing_in_entry(group: Group, entry: Mapping[str, Any], at: str) -> Iterator[AnswerError]:
    for child in group.items:
        if holds(child.show_if, entry) and child.required and entry.get(child.id) is None:
            yield error(f"{at}/{pointer_token(child.id)}", "必填项未填写", "required item not answered")


def outcome(item: LeafItem, value: Any) -> Outcome | None:
    """Whether a valid answer passes, fails or does not apply; ``None`` if not scored.

    Numbers fail outside ``acceptable``; choices fail on a ``fail_values`` option.
    """
    if value is None:
        return None
    if isinstance(item, PassFail):
        return value  # type: ignore[no-any-return]
    if isinstance(item, Number):
        if item.acceptable is None:
            return None
        return "pass" if _in_range(value, item.acceptable) else "fail"
    if isinstance(item, SingleChoice):
        if not item.fail_values:
            return None
        return "fail" if value in item.fail_values else "pass"
    if isinstance(item, MultiChoice):
        if not item.fail_values:
            return None
        return "fail" if set(value) & set(item.fail_values) else "pass"
    return None


def failed_items(template: Template, answers: Mapping[str, Any]) -> list[str]:
    """JSON Pointers of every visible failed answer, group entries included (in template order).

    Only the answered items are looked at (a pulled draft answers a few of a checklist's items):
    what :func:`visible_items` would show of them, in the template's order.
    """
    failed: list[str] = []
    places = _places(template)
    answered = sorted(place for key, value in answers.items() if value is not None for place in places.get(key, ()))
    for _, section_at, item_at in answered:
        section = template.sections[section_at]
        item = section.items[item_at]
        if not (holds(section.show_if, answers) and holds(item.show_if, answers)):
            continue
        value = answers[item.id]
        at = "/" + pointer_token(item.id)
        if isinstance(item, Group):
            if isinstance(value, dict):
                for key, entry in value.items():
                    if not isinstance(entry, dict):
                        continue
                    for child in item.items:
                        if holds(child.show_if, entry) and outcome(child, entry.get(child.id)) == "fail":
                            failed.append(f"{at}/{pointer_token(key)}/{pointer_token(child.id)}")
        elif outcome(item, value) == "fail":
            failed.append(at)
    return failed


_PLACES: dict[int, tuple[Template, dict[str, list[tuple[int, int, int]]]]] = {}
_PLACES_HELD = 256  # templates whose places are kept (the catalog's versions; tests make many)


def _places(template: Template) -> dict[str, list[tuple[int, int, int]]]:
    """Each top-level item id → (its order in the template, its section's index, its index there), made once."""
    held = _PLACES.get(id(template))
    if held is not None and held[0] is template:
        return held[1]
    places: dict[str, list[tuple[int, int, int]]] = {}
    order = 0
    for section_at, section in enumerate(template.sections):
        for item_at, item in enumerate(section.items):
            places.setdefault(item.id, []).append((order, section_at, item_at))
            order += 1
    if len(_PLACES) >= _PLACES_HELD:
        _PLACES.clear()
    _PLACES[id(template)] = (template, places)
    return places

"""Cross-field checks of a decoded template, each finding located and said in Chinese and English.

Duplicate ids, conditions on later or unknown items or impossible answers,
reversed or empty ranges, fail values that are no option. The catalog's
start-up check and the authoring checks (JSON, spreadsheet) both use these.
"""

from __future__ import annotations

from collections.abc import Iterator

from schemas.template import (
    Condition,
    Group,
    Item,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Range,
    Signature,
    SingleChoice,
    Template,
)
from schemas.template_messages import Located, located


def check_template_located(template: Template) -> Iterator[Located]:
    """Yield every cross-field problem of ``template``."""
    seen: dict[str, Item] = {}
    section_ids: set[str] = set()
    for s, section in enumerate(template.sections):
        where = f"sections/{s}"
        if section.id in section_ids:
            yield located(
                f"{where}/id", None, "id", f"分节编号「{section.id}」重复", f"duplicate section id {section.id!r}"
            )
        section_ids.add(section.id)
        if section.show_if is not None:
            yield from _check_condition(section.show_if, seen, f"{where}/show_if", None)
        for i, item in enumerate(section.items):
            at = f"{where}/items/{i}"
            if item.id in seen:
                yield _duplicate(item.id, at)
            yield from _check_item(item, seen, at)
            if isinstance(item, Group):
                inner: dict[str, Item] = dict(seen)
                for j, child in enumerate(item.items):
                    child_at = f"{at}/items/{j}"
                    if child.id in inner:
                        yield _duplicate(child.id, child_at)
                    yield from _check_item(child, inner, child_at)
                    inner[child.id] = child
            seen[item.id] = item


def _duplicate(item_id: str, at: str) -> Located:
    return located(f"{at}/id", item_id, "id", f"编号「{item_id}」重复", f"duplicate item id {item_id!r}")


def _below(item: Item, at: str, field: str, other: str) -> Located:
    return located(f"{at}/{field}", item.id, field, f"{{f}}小于「{other}」", f"below {other}")


def _check_item(item: Item, earlier: dict[str, Item], at: str) -> Iterator[Located]:
    if item.show_if is not None:
        yield from _check_condition(item.show_if, earlier, f"{at}/show_if", item.id)
    if isinstance(item, Number):
        yield from _check_ranges(item, at)
    if isinstance(item, SingleChoice | MultiChoice):
        yield from _check_options(item, at)
    if isinstance(item, MultiChoice) and item.max_selected is not None and item.max_selected < item.min_selected:
        yield _below(item, at, "max_selected", "min_selected")
    if isinstance(item, Photo) and item.max_count < item.min_count:
        yield _below(item, at, "max_count", "min_count")
    if isinstance(item, Signature):
        for covered in item.covers:
            if covered not in earlier:
                yield located(
                    f"{at}/covers", item.id, "covers",
                    f"签名涵盖的「{covered}」不是前面的检查项", f"{covered!r} is not an earlier item",
                )  # fmt: skip
    if isinstance(item, Group) and item.max_entries is not None and item.max_entries < item.min_entries:
        yield _below(item, at, "max_entries", "min_entries")


def _empty(rng: Range) -> bool:
    if rng.min is None or rng.max is None:
        return False
    return rng.min > rng.max or (rng.min == rng.max and (rng.min_exclusive or rng.max_exclusive))


def _check_ranges(item: Number, at: str) -> Iterator[Located]:
    for name, rng in (("acceptable", item.acceptable), ("bounds", item.bounds)):
        if rng is not None and _empty(rng):
            yield located(
                f"{at}/{name}", item.id, name,
                f"{{f}}的下限 {rng.min:g} 高于上限 {rng.max:g},或二者相等而有一端不含",
                f"min {rng.min} is above max {rng.max}" if rng.min > rng.max  # type: ignore[operator]
                else f"min {rng.min} equals max {rng.max} with an exclusive end",
            )  # fmt: skip
    if item.acceptable is not None and item.bounds is not None and not _within(item.acceptable, item.bounds):
        yield located(f"{at}/acceptable", item.id, "acceptable", "{f}须在可信范围之内", "must lie within bounds")


def _check_options(item: SingleChoice | MultiChoice, at: str) -> Iterator[Located]:
    values = [o.value for o in item.options]
    if len(set(values)) != len(values):
        yield located(f"{at}/options", item.id, "options", "{f}中有重复的值", "duplicate option values")
    for bad in sorted(set(item.fail_values) - set(values)):
        yield located(
            f"{at}/fail_values", item.id, "fail_values", f"「{bad}」不是选项之一", f"{bad!r} is not an option"
        )


def _within(inner: Range, outer: Range) -> bool:
    lo_ok = outer.min is None or inner.min is None or inner.min >= outer.min
    hi_ok = outer.max is None or inner.max is None or inner.max <= outer.max
    return lo_ok and hi_ok


def _check_condition(cond: Condition, earlier: dict[str, Item], at: str, owner: str | None) -> Iterator[Located]:
    target = earlier.get(cond.item)
    if target is None:
        yield located(
            f"{at}/item", owner, "show_if.item",
            f"{{f}}引用的「{cond.item}」不是前面的检查项", f"{cond.item!r} is not an earlier item",
        )  # fmt: skip
        return
    allowed: set[object] | None = None
    if isinstance(target, PassFail):
        allowed = {"pass", "fail", "na"}
    elif isinstance(target, SingleChoice | MultiChoice):
        allowed = {o.value for o in target.options}
    elif isinstance(target, Group | Photo | Signature):
        kind = type(target).__name__.lower()
        yield located(
            f"{at}/item", owner, "show_if.item",
            f"{{f}}引用的「{cond.item}」没有可比较的答案值",
            f"{cond.item!r} is a {kind}; conditions need an answer value",
        )  # fmt: skip
        return
    if allowed is not None:
        for value in cond.any_of:
            if value not in allowed:
                yield located(
                    f"{at}/any_of", owner, "show_if.any_of",
                    f"{{f}}中的「{value}」不是「{cond.item}」的可选答案",
                    f"{value!r} is not a possible answer of {cond.item!r}",
                )  # fmt: skip

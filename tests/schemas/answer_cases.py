"""Generated answers for the checklist schema tests: every kind, valid and invalid, and arbitrary JSON.

``answer_cases`` is deterministic: for every item of a template, answers that fit and answers that
do not (with the verdict ``check_answers`` must give), so a validator can be compared with the
server on each. ``json_values`` is a Hypothesis strategy of arbitrary JSON near what answers hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from schemas.catalog import iter_items
from schemas.template import (
    DateTime,
    Gps,
    Group,
    LeafItem,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Signature,
    SingleChoice,
    Template,
    Text,
)

HASH = "ab" * 32
HASH2 = "cd" * 32
UUID = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
UUID2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
WHEN = "2026-05-01T09:30:00+08:00"


Case = tuple[str, Any, bool]


def signed(**changes: Any) -> dict[str, Any]:
    value = {
        "status": "signed",
        "image_sha256": HASH,
        "signer_name": "王店长",
        "signer_role": "店长",
        "signed_at": WHEN,
        "content_hash": HASH2,
    }
    value.update(changes)
    return value


def refused(**changes: Any) -> dict[str, Any]:
    value = {
        "status": "refused",
        "signer_name": "王店长",
        "signer_role": "店长",
        "reason": "不同意检查结论",
        "refused_at": WHEN,
        "content_hash": HASH2,
    }
    value.update(changes)
    return value


def without(value: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != key}


def hashes(count: int) -> list[str]:
    return [f"{n:064x}" for n in range(1, count + 1)]


def _number_cases(item: Number) -> Iterator[Case]:
    lo = item.bounds.min if item.bounds else None
    hi = item.bounds.max if item.bounds else None
    inside = round(
        (lo + hi) / 2
        if lo is not None and hi is not None
        else (lo + 1 if lo is not None else (hi - 1 if hi is not None else 0)),
        item.decimals,
    )
    places = 10.0**-item.decimals

    def plausible(v: float) -> bool:
        return (lo is None or v >= lo) and (hi is None or v <= hi)

    yield "a reading inside the bounds", inside, True
    yield "an integer reading", round(inside), plausible(round(inside))
    yield "a whole reading written as a float", float(round(inside)), plausible(round(inside))
    finer = round(inside, item.decimals) + places / 2
    yield f"one decimal place more than {item.decimals}", finer, False
    yield f"{item.decimals} decimal places exactly", round(inside + places, item.decimals), plausible(inside + places)
    yield "a sum with a binary rounding tail", 0.1 + 0.2, False
    if lo is not None:
        yield "the lower bound", lo, True
        yield "below the lower bound", lo - 1, False
    if hi is not None:
        yield "the upper bound", hi, True
        yield "above the upper bound", hi + 1, False
    if item.acceptable is not None:
        for edge, step in ((item.acceptable.max, places), (item.acceptable.min, -places)):
            if edge is not None and plausible(edge + step):
                yield "plausible but not acceptable (a failed item)", round(edge + step, item.decimals), True
    yield "number as string", str(inside), False
    yield "a word", "冷", False
    yield "a boolean", True, False
    yield "NaN", float("nan"), False
    yield "infinity", float("inf"), False
    yield "null", None, False
    yield "a list", [inside], False


def _choice_cases(item: SingleChoice | MultiChoice) -> Iterator[Case]:
    values = [o.value for o in item.options]
    if isinstance(item, SingleChoice):
        for value in values:
            yield f"option {value}", value, True
        yield "unknown option", "not_an_option", False
        yield "option in upper case", values[0].upper(), False
        yield "option label instead of value", item.options[0].label.zh, False
        yield "a list of one option", [values[0]], False
        yield "a number", 1, False
        yield "null", None, False
        return
    limit = item.max_selected if item.max_selected is not None else len(values)
    yield "nothing chosen (a draft)", [], True
    yield "one option", values[:1], True
    yield "as many as allowed", values[:limit], True
    if limit < len(values):
        yield "more than max_selected", values[: limit + 1], False
    yield "unknown option", ["not_an_option"], False
    yield "an option twice", [values[0], values[0]], False
    yield "a bare option", values[0], False
    yield "a nested list", [[values[0]]], False
    yield "a number in the list", [1], False
    yield "null", None, False


def _photo_cases(item: Photo) -> Iterator[Case]:
    yield "no photos (a draft)", [], True
    yield "one photo", [HASH], True
    yield "max_count photos", hashes(item.max_count), True
    yield "more than max_count photos", hashes(item.max_count + 1), False
    yield "photo hash not hex", ["not-a-hash"], False
    yield "photo hash in upper case", [HASH.upper()], False
    yield "photo hash too short", [HASH[:-1]], False
    yield "photo hash with trailing newline", [HASH + "\n"], False
    yield "the same photo twice", [HASH, HASH], False
    yield "a bare hash", HASH, False
    yield "null in the list", [None], False


def _signature_cases() -> Iterator[Case]:
    yield "signed", signed(), True
    yield "refused", refused(), True
    yield "refused before a witness", refused(witness_name="李证人", witness_image_sha256=HASH), True
    yield "a 100-character name", signed(signer_name="王" * 100), True
    yield "a 500-character reason", refused(reason="理" * 500), True
    yield "signed without content hash", without(signed(), "content_hash"), False
    yield "signed without image", without(signed(), "image_sha256"), False
    yield "refused without reason", without(refused(), "reason"), False
    yield "unknown status", signed(status="maybe"), False
    yield "no status", without(signed(), "status"), False
    yield "an extra field", signed(note="x"), False
    yield "a witness on a signed signature", signed(witness_name="李证人"), False
    yield "an empty name", signed(signer_name=""), False
    yield "a blank name", signed(signer_role="  \u3000"), False
    yield "a 101-character name", signed(signer_name="王" * 101), False
    yield "a 101-character witness name", refused(witness_name="李" * 101), False
    yield "a 501-character reason", refused(reason="理" * 501), False
    yield "an impossible signing date", signed(signed_at="2026-13-45T10:00:00Z"), False
    yield "a signing time without offset", signed(signed_at="2026-05-01T09:30:00"), False
    yield "image hash not hex", signed(image_sha256="not-a-hash"), False
    yield "a name that is a number", signed(signer_name=7), False
    yield "a bare string", "signed", False
    yield "an empty object", {}, False


def _gps_cases() -> Iterator[Case]:
    yield "lat and lon", {"lat": 31.2304, "lon": 121.4737}, True
    yield "with accuracy and time", {"lat": 31.2, "lon": 121.4, "accuracy_m": 12.5, "captured_at": WHEN}, True
    yield "at the poles and date line", {"lat": -90, "lon": 180}, True
    yield "lat 100", {"lat": 100, "lon": 121.4}, False
    yield "lon -181", {"lat": 31.2, "lon": -181}, False
    yield "missing lon", {"lat": 31.2}, False
    yield "lat as string", {"lat": "31.2", "lon": 121.4}, False
    yield "lat as boolean", {"lat": True, "lon": 121.4}, False
    yield "negative accuracy", {"lat": 31.2, "lon": 121.4, "accuracy_m": -1}, False
    yield "an extra field", {"lat": 31.2, "lon": 121.4, "alt": 4}, False
    yield "a bad capture time", {"lat": 31.2, "lon": 121.4, "captured_at": "yesterday"}, False
    yield "a pair", [31.2, 121.4], False


def _datetime_cases(item: DateTime) -> Iterator[Case]:
    if item.date_only:
        yield "a date", "2026-05-01", True
        yield "a leap day", "2024-02-29", True
        yield "date '2026-13-45'", "2026-13-45", False
        yield "no leap day in 2026", "2026-02-29", False
        yield "an ISO week date", "2026-W18-5", False
        yield "a basic-format date", "20260501", False
        yield "no zero padding", "2026-5-1", False
        yield "full-width digits", "２０２６-05-01", False
        yield "a trailing newline", "2026-05-01\n", False
        yield "a date-time", WHEN, False
        yield "a number", 20260501, False
        return
    yield "with offset", WHEN, True
    yield "in UTC", "2026-05-01T01:30:00Z", True
    yield "with fraction", "2026-05-01T01:30:00.250Z", True
    yield "a leap day", "2024-02-29T12:00:00-05:00", True
    yield "an impossible month", "2026-13-45T10:00:00Z", False
    yield "no leap day in 2026", "2026-02-29T12:00:00Z", False
    yield "space instead of T", "2026-05-01 09:30:00+08:00", False
    yield "no offset", "2026-05-01T09:30:00", False
    yield "no seconds", "2026-05-01T09:30+08:00", False
    yield "offset without colon", "2026-05-01T09:30:00+0800", False
    yield "offset minutes 60", "2026-05-01T09:30:00+08:60", False
    yield "hour 24", "2026-05-01T24:00:00Z", False
    yield "an ISO week date", "2026-W18-5T09:30:00Z", False
    yield "a date only", "2026-05-01", False
    yield "a timestamp", 1777599000, False


def _text_cases(item: Text) -> Iterator[Case]:
    yield "empty text", "", True
    yield "Chinese text", "货架整洁", True
    yield "max_length characters", "字" * item.max_length, True
    yield "text too long", "字" * (item.max_length + 1), False
    yield "a number", 5, False
    yield "a list", ["货架"], False
    yield "null", None, False


def _pass_fail_cases(item: PassFail) -> Iterator[Case]:
    yield "pass", "pass", True
    yield "fail", "fail", True
    yield "na", "na", item.allow_na
    yield "upper case", "PASS", False
    yield "Chinese word", "合格", False
    yield "a boolean", True, False
    yield "a list", ["pass"], False
    yield "null", None, False


def leaf_cases(item: LeafItem) -> list[Case]:
    if isinstance(item, PassFail):
        return list(_pass_fail_cases(item))
    if isinstance(item, Number):
        return list(_number_cases(item))
    if isinstance(item, SingleChoice | MultiChoice):
        return list(_choice_cases(item))
    if isinstance(item, Text):
        return list(_text_cases(item))
    if isinstance(item, Photo):
        return list(_photo_cases(item))
    if isinstance(item, Signature):
        return list(_signature_cases())
    if isinstance(item, Gps):
        return list(_gps_cases())
    return list(_datetime_cases(item))


def first_valid(item: LeafItem) -> Any:
    return next(value for _, value, ok in leaf_cases(item) if ok)


def group_cases(group: Group) -> Iterator[Case]:
    yield "no entries (a draft)", {}, True
    yield "an empty entry", {UUID: {}}, True
    full = {child.id: first_valid(child) for child in group.items}
    yield "a complete entry", {UUID: full}, True
    if group.max_entries is None or group.max_entries >= 2:
        yield "two entries", {UUID: full, UUID2: {}}, True
    if group.max_entries is not None:
        too_many: dict[str, Any] = {f"{n:08x}-0000-4000-8000-000000000000": {} for n in range(group.max_entries + 1)}
        yield "more than max_entries", too_many, False
    for child in group.items:
        for what, value, ok in leaf_cases(child):
            yield f"{child.id}: {what}", {UUID: {child.id: value}}, ok
    yield "group keyed by non-UUID", {"stall-1": {}}, False
    yield "UUID in upper case", {UUID.upper(): {}}, False
    yield "UUID with trailing newline", {UUID + "\n": {}}, False
    yield "an entry that is not an object", {UUID: "x"}, False
    yield "an unknown child", {UUID: {"ghost": "pass"}}, False
    yield "a list of entries", [full], False
    yield "null", None, False


def answer_cases(template: Template) -> Iterator[Case]:
    yield "no answers", {}, True
    everything: dict[str, Any] = {}
    for item in iter_items(template):
        cases = list(group_cases(item)) if isinstance(item, Group) else leaf_cases(item)
        for what, value, ok in cases:
            yield f"{item.id}: {what}", {item.id: value}, ok
        everything[item.id] = next(value for _, value, ok in cases if ok)
    yield "one valid answer to every item", everything, True
    yield "an unknown item", {"ghost": "pass"}, False
    yield "unknown items among good answers", {**everything, "ghost": 1, "ghost_two": 2}, False


def json_values(extra: list[Any]) -> st.SearchStrategy[Any]:
    keys = st.text(max_size=6) | st.sampled_from(
        [UUID, "lat", "lon", "status", "signer_name", *[str(e) for e in extra]]
    )
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=10)
        | st.sampled_from([HASH, UUID, WHEN, "2026-05-01", "pass", "fail", "na", *extra])
    )
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=12
    )


def answer_slots(template: Template) -> list[tuple[str, str | None]]:
    """Every place an answer can go: (top-level item id, group child id or None)."""
    slots: list[tuple[str, str | None]] = []
    for item in iter_items(template):
        slots.append((item.id, None))
        if isinstance(item, Group):
            slots.extend((item.id, child.id) for child in item.items)
    return slots


def option_values(template: Template) -> list[Any]:
    values: list[Any] = []
    for item in iter_items(template):
        children = item.items if isinstance(item, Group) else [item]
        for child in children:
            if isinstance(child, SingleChoice | MultiChoice):
                values.extend(o.value for o in child.options)
    return sorted(set(values))

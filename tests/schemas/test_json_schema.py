"""The published JSON Schema of a checklist's answers: meta-valid, annotated, and in step with check_answers."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.answer_records import has_decimals
from schemas.answers import check_answers, check_value
from schemas.catalog import index_template, iter_items, load_catalog
from schemas.json_schema import DIALECT, item_schemas, schema_url, to_json_schema
from schemas.template import (
    DateTime,
    Gps,
    Group,
    Item,
    LeafItem,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Signature,
    SingleChoice,
    Template,
    Text,
    kind_of,
    merge_policy,
)

TEMPLATES = [pytest.param(t, id=f"{cid}-v{v}") for (cid, v), t in sorted(load_catalog().templates.items())]

HASH = "ab" * 32
HASH2 = "cd" * 32
UUID = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
UUID2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
WHEN = "2026-05-01T09:30:00+08:00"


class Decimals:
    """The vocabulary's one assertion, ``x-decimals``, for jsonschema_rs: rounding leaves the number unchanged."""

    def __init__(self, parent_schema: dict[str, Any], value: int, schema_path: list[Any]) -> None:
        self.places = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float) and not has_decimals(instance, self.places):
            raise ValueError(f"{instance} has more than {self.places} decimal places")


VOCABULARY: dict[str, Any] = {"x-decimals": Decimals}


def annotation_only(template: Template) -> jsonschema_rs.Validator:
    """A validator as the 2020-12 default has it: ``format`` is an annotation, not an assertion."""
    return jsonschema_rs.validator_for(to_json_schema(template), keywords=VOCABULARY)


def asserting_formats(template: Template) -> jsonschema_rs.Validator:
    """A validator that also asserts ``format`` (date, date-time), as a strict form client would."""
    return jsonschema_rs.validator_for(to_json_schema(template), validate_formats=True, keywords=VOCABULARY)


# --- shape of the document -----------------------------------------------------------------------------------


def test_the_real_catalog_is_not_empty() -> None:
    assert TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES)
def test_schema_is_valid_against_the_2020_12_meta_schema(template: Template) -> None:
    schema = to_json_schema(template)

    jsonschema_rs.meta.validate(schema)
    assert jsonschema_rs.meta.is_valid(schema)
    assert msgspec.json.decode(msgspec.json.encode(schema)) == schema


@pytest.mark.parametrize("template", TEMPLATES)
def test_schema_declares_its_dialect_and_id(template: Template) -> None:
    schema = to_json_schema(template)

    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_url(template.checklist_id, template.version)
    assert schema["$id"] == f"/api/checklists/{template.checklist_id}/versions/{template.version}/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert "required" not in schema
    assert "/api/checklists/vocabulary" in schema["$comment"]
    assert schema["x-checklist"]["id"] == template.checklist_id
    assert schema["x-checklist"]["version"] == template.version


def _assert_annotated(schema: dict[str, Any], item: Item) -> None:
    assert schema["x-kind"] == kind_of(item)
    assert schema["x-label"] == {"zh": item.label.zh, "en": item.label.en}
    assert schema["x-clause"] == item.clause
    assert schema["x-severity"] == item.severity
    assert schema["x-weight"] == item.weight
    assert schema["x-merge"] == merge_policy(item)
    assert schema["x-required"] is item.required
    assert schema["title"] == item.label.zh
    if item.show_if is None:
        assert "x-show-if" not in schema
    else:
        assert schema["x-show-if"] == msgspec.to_builtins(item.show_if)


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_annotated_property_per_top_level_item(template: Template) -> None:
    schema = to_json_schema(template)
    properties = item_schemas(schema)

    assert sorted(properties) == sorted(item.id for item in iter_items(template))
    for section in template.sections:
        for item in section.items:
            _assert_annotated(properties[item.id], item)
            assert properties[item.id]["x-section"] == section.id


@pytest.mark.parametrize("template", TEMPLATES)
def test_group_entry_children_are_annotated_too(template: Template) -> None:
    properties = item_schemas(to_json_schema(template))
    groups = [item for item in iter_items(template) if isinstance(item, Group)]

    for group in groups:
        entry = properties[group.id]["additionalProperties"]
        children = item_schemas(entry)
        assert sorted(children) == sorted(child.id for child in group.items)
        assert entry["x-order"] == [child.id for child in group.items]
        assert entry["additionalProperties"] is False
        for child in group.items:
            _assert_annotated(children[child.id], child)
            assert "x-section" not in children[child.id]


@pytest.mark.parametrize("template", TEMPLATES)
def test_x_sections_list_every_item_once_in_order(template: Template) -> None:
    schema = to_json_schema(template)
    sections = schema["x-sections"]
    listed = [item_id for s in sections for item_id in s["items"]]

    assert [s["id"] for s in sections] == [s.id for s in template.sections]
    assert sorted(listed) == sorted(item_schemas(schema))
    assert len(listed) == len(set(listed))
    for entry, section in zip(sections, template.sections, strict=True):
        assert entry["title"] == {"zh": section.title.zh, "en": section.title.en}
        assert entry.get("show_if") == (None if section.show_if is None else msgspec.to_builtins(section.show_if))


@pytest.mark.parametrize("template", TEMPLATES)
def test_number_bounds_are_enforced_and_acceptable_is_only_annotated(template: Template) -> None:
    properties = item_schemas(to_json_schema(template))
    numbers = [(properties[i.id], i) for i in iter_items(template) if isinstance(i, Number)]

    for schema, number in numbers:
        assert schema["type"] == ("integer" if number.decimals == 0 else "number")
        assert schema["x-decimals"] == number.decimals
        assert schema["x-unit"] == number.unit
        assert schema.get("minimum") == (number.bounds.min if number.bounds else None)
        assert schema.get("maximum") == (number.bounds.max if number.bounds else None)
        if number.acceptable is not None:
            expected = {
                k: v for k, v in (("min", number.acceptable.min), ("max", number.acceptable.max)) if v is not None
            }
            assert schema["x-acceptable"] == expected


def test_supermarket_frozen_reading_publishes_its_limit_as_annotation() -> None:
    template = load_catalog().latest("supermarket_service")
    assert template is not None
    properties = item_schemas(to_json_schema(template))
    frozen = [
        p
        for p in properties.values()
        if p["x-kind"] == "number" and p["x-clause"] == "超市服务管理规范 6.2.1" and p["x-unit"] == "℃"
    ]

    assert frozen
    assert frozen[0]["x-acceptable"]["max"] == -18


# --- agreement with check_answers ----------------------------------------------------------------------------
#
# The schema and check_answers must agree on validity. Two deliberate points:
#
# * ``format`` is an annotation in 2020-12 unless a validator opts in, so the annotation-only validator
#   accepts impossible dates such as 2026-13-45 that match the date pattern. Exact agreement is therefore
#   asserted against a format-asserting validator; against the default one, the schema is only never
#   stricter than check_answers (test below).
# * Left out on purpose: RFC 3339 allows a leap second (23:59:60) and year 0000, which the schema's
#   date-time format accepts but Python's datetime cannot represent, so check_answers refuses them.
#   Field devices do not produce either.
#
# Minimums (photo min_count, multi_choice min_selected, group min_entries) are completeness rules checked
# on submission (x- annotations), not validity, so a draft below them is valid on both sides.

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


@pytest.mark.parametrize("template", TEMPLATES)
def test_check_answers_and_the_published_schema_agree_on_validity(template: Template) -> None:
    validator = asserting_formats(template)
    cases = list(answer_cases(template))
    disagreements = []
    for what, answers, expected in cases:
        ours = not check_answers(template, answers)
        theirs = validator.is_valid(answers)
        if not ours == theirs == expected:
            disagreements.append(f"{what}: expected valid={expected}, check_answers={ours}, schema={theirs}")

    assert disagreements == []
    assert {expected for _, _, expected in cases} == {True, False}


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_push_fast_path_agrees_with_check_value(template: Template) -> None:
    """A push's answers to plain items are checked at once (fits_plain), with check_value's verdict on every case."""
    index = index_template(template)
    items = {i.id: i for s in template.sections for i in s.items}
    verdicts = [
        (item_id, what, index.fits_plain({item_id: value}), value is None or not check_value(items[item_id], value))
        for item_id in index.plain
        for what, value, _ in leaf_cases(items[item_id])  # type: ignore[arg-type]
    ]
    assert [v for v in verdicts if v[2] != v[3]] == []
    assert {v[2] for v in verdicts} == {True, False}
    everything = {i: next(v for _, v, ok in leaf_cases(items[i]) if ok) for i in index.plain}  # type: ignore[arg-type]
    assert index.fits_plain(everything)
    assert not index.fits_plain({**everything, "ghost": "pass"})


@pytest.mark.parametrize("template", TEMPLATES)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fits_plain_never_accepts_what_check_value_rejects(template: Template, data: st.DataObject) -> None:
    index = index_template(template)
    items = {i.id: i for s in template.sections for i in s.items}
    item_id = data.draw(st.sampled_from(sorted(index.plain)))
    item = items[item_id]
    edges: list[Any] = []
    if isinstance(item, Number) and item.bounds is not None:
        for bound in (item.bounds.min, item.bounds.max):
            if bound is not None:
                edges += [bound, bound - 0.5, bound + 0.5, math.floor(bound), math.ceil(bound), float(bound) + 1e-9]
    if isinstance(item, Text):
        edges += ["字" * item.max_length, "字" * (item.max_length + 1)]
    value = data.draw(
        json_values(option_values(template) + edges)
        | st.floats()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.sampled_from(edges or [0])
    )
    if index.fits_plain({item_id: value}):
        assert value is None or check_value(items[item_id], value) == [], (item_id, value)


@pytest.mark.parametrize("template", TEMPLATES)
def test_annotation_only_schema_is_never_stricter_than_check_answers(template: Template) -> None:
    validator = annotation_only(template)
    stricter = [
        what
        for what, answers, _ in answer_cases(template)
        if not validator.is_valid(answers) and not check_answers(template, answers)
    ]

    assert stricter == []


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


@pytest.mark.parametrize("template", TEMPLATES)
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_arbitrary_json_answers_get_the_same_verdict_from_both(template: Template, data: st.DataObject) -> None:
    validator = asserting_formats(template)
    item_id, child_id = data.draw(st.sampled_from(answer_slots(template)))
    value = data.draw(json_values(option_values(template)))
    answers = {item_id: value if child_id is None else {UUID: {child_id: value}}}

    errors = check_answers(template, answers)

    assert (not errors) == validator.is_valid(answers), errors

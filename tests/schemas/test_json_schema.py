"""The published JSON Schema of a checklist's answers: meta-valid, annotated, and in step with check_answers."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.answer_records import has_decimals
from schemas.answers import check_answers, check_value, holds
from schemas.catalog import index_template, iter_items, load_catalog
from schemas.json_schema import DIALECT, item_schemas, schema_url, to_json_schema
from schemas.template import (
    Condition,
    Group,
    Item,
    MultiChoice,
    Number,
    PassFail,
    SingleChoice,
    Template,
    Text,
    kind_of,
    merge_policy,
)
from tests.schemas.answer_cases import (
    UUID,
    answer_cases,
    answer_slots,
    json_values,
    leaf_cases,
    option_values,
)
from tests.schemas.standard_tools import RJSF_JS, needs_node, run_node

TEMPLATES = [pytest.param(t, id=f"{cid}-v{v}") for (cid, v), t in sorted(load_catalog().templates.items())]


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
        low = "exclusiveMinimum" if number.bounds and number.bounds.min_exclusive else "minimum"
        high = "exclusiveMaximum" if number.bounds and number.bounds.max_exclusive else "maximum"
        assert schema.get(low) == (number.bounds.min if number.bounds else None)
        assert schema.get(high) == (number.bounds.max if number.bounds else None)
        if number.acceptable is not None:
            rng = number.acceptable
            expected: dict[str, float | bool] = {k: v for k, v in (("min", rng.min), ("max", rng.max)) if v is not None}
            expected |= {k: True for k in ("min_exclusive", "max_exclusive") if getattr(rng, k)}
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
    # 6.2.1 says 低于 -18 ℃: strictly below (version 2)
    assert frozen[0]["x-acceptable"] == {"max": -18, "max_exclusive": True}


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


# --- as standard tools read it: choices, conditions, a form library -------------------------------------


def with_schemas(template: Template) -> Iterator[tuple[Item, dict[str, Any], list[Condition]]]:
    """Every item (group children too), its published schema and the conditions it is shown under."""
    schema = to_json_schema(template)
    top = item_schemas(schema)
    for section in template.sections:
        for item in section.items:
            shown_if = [c for c in (section.show_if, item.show_if) if c is not None]
            yield item, top[item.id], shown_if
            if isinstance(item, Group):
                children = item_schemas(top[item.id]["additionalProperties"])
                for child in item.items:
                    yield child, children[child.id], [] if child.show_if is None else [child.show_if]


# --- choices -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_choices_are_one_of_const_with_the_chinese_label_as_title(template: Template) -> None:
    choices = [(i, s) for i, s, _ in with_schemas(template) if isinstance(i, SingleChoice | MultiChoice)]
    assert choices
    for item, schema in choices:
        one_of = schema["oneOf"] if isinstance(item, SingleChoice) else schema["items"]["oneOf"]
        assert "enum" not in schema and "enum" not in schema.get("items", {})
        assert [o["const"] for o in one_of] == [o.value for o in item.options]
        assert [o["title"] for o in one_of] == [o.label.zh for o in item.options]
        assert [o["x-label"] for o in one_of] == [{"zh": o.label.zh, "en": o.label.en} for o in item.options]
        if isinstance(item, MultiChoice):
            assert schema["type"] == "array" and schema["uniqueItems"] is True


@pytest.mark.parametrize("template", TEMPLATES)
def test_pass_fail_is_one_of_const_with_the_apps_chinese_labels(template: Template) -> None:
    verdicts = [(i, s) for i, s, _ in with_schemas(template) if isinstance(i, PassFail)]
    assert verdicts
    for item, schema in verdicts:
        expected = [("pass", "合格", "Pass"), ("fail", "不合格", "Fail")] + (
            [("na", "不适用", "N/A")] if item.allow_na else []
        )
        assert "enum" not in schema
        assert [(o["const"], o["title"], o["x-label"]["en"]) for o in schema["oneOf"]] == expected


# --- conditions ----------------------------------------------------------------------------------------------


def condition_answers(template: Template, conditions: list[Condition], scope: dict[str, Item]) -> Iterator[Any]:
    """Answers to the items the conditions read: every single value they take, pairs of them, and nothing."""
    values: dict[str, list[Any]] = {}
    for condition in conditions:
        item = scope[condition.item]
        options: list[Any]
        if isinstance(item, SingleChoice | MultiChoice):
            options = [o.value for o in item.options]
        elif isinstance(item, PassFail):
            options = ["pass", "fail", "na"]
        else:
            options = list(condition.any_of)
        picks: list[Any] = (
            [[], *([o] for o in options), *(list(p) for p in itertools.combinations(options, 2))]
            if isinstance(item, MultiChoice)
            else options
        )
        values[condition.item] = [*picks, None]
    ids = sorted(values)
    for combo in itertools.product(*(values[i] for i in ids)):
        yield {i: v for i, v in zip(ids, combo, strict=True) if v is not None}


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_conditional_item_is_shown_by_if_then_exactly_when_the_server_says_it_holds(template: Template) -> None:
    schema = to_json_schema(template)
    conditional = [(i, s, c) for i, s, c in with_schemas(template) if c]
    assert conditional, "the catalog has conditional items"
    top = {item.id: item for item in iter_items(template)}
    checked = 0
    for item, item_schema, conditions in conditional:
        group = next((g for g in top.values() if isinstance(g, Group) and item in g.items), None)
        holder = schema if group is None else item_schemas(schema)[group.id]["additionalProperties"]
        scope: dict[str, Item] = top if group is None else {c.id: c for c in group.items}
        assert item.id not in holder["properties"]
        assert holder["patternProperties"][f"^{item.id}$"] == item_schema
        (rule,) = [r for r in holder["allOf"] if item.id in r["then"]["properties"]]
        assert rule["then"]["properties"][item.id] == item_schema
        shown = jsonschema_rs.validator_for({"$schema": schema["$schema"], **rule["if"]})
        for answers in condition_answers(template, conditions, scope):
            expected = all(holds(c, answers) for c in conditions)
            assert shown.is_valid(answers) is expected, (item.id, answers)
            checked += 1
    assert checked


@needs_node
def test_a_json_schema_form_library_shows_chinese_choice_labels_and_hides_conditional_items() -> None:
    template = load_catalog().latest("complaint_handling")
    assert template is not None
    schema = to_json_schema(template)
    top = list(iter_items(template))
    always = [i for s in template.sections if s.show_if is None for i in s.items if i.show_if is None]
    choices = [i for i in always if isinstance(i, SingleChoice | MultiChoice)]
    assert choices
    conditional = next(i for s in template.sections for i in s.items if i.show_if is not None and s.show_if is None)
    condition = conditional.show_if
    assert condition is not None
    trigger = next(i for i in top if i.id == condition.item)
    shown_by: Any = condition.any_of[0]
    if isinstance(trigger, MultiChoice):
        shown_by = [shown_by]
    other = next(
        (o.value for o in getattr(trigger, "options", []) if o.value not in condition.any_of),
        None,
    )
    forms: dict[str, dict[str, Any]] = {"empty": {}, "shown": {trigger.id: shown_by}}
    if other is not None:
        forms["not shown"] = {trigger.id: [other] if isinstance(trigger, MultiChoice) else other}

    html = run_node(RJSF_JS, {"schema": schema, "forms": forms})

    assert holds(condition, forms["shown"]) and not holds(condition, forms["empty"])
    field = f'id="root_{conditional.id}"'
    assert field not in html["empty"]
    assert field in html["shown"]
    if "not shown" in forms:
        assert field not in html["not shown"]
    assert ">合格<" in html["empty"] and ">不合格<" in html["empty"]
    for item in choices:
        assert f'id="root_{item.id}"' in html["empty"]
        for option in item.options:
            assert f">{option.label.zh}<" in html["empty"], (item.id, option.value)

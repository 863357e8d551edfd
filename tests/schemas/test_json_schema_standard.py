"""The published schemas as standard tools read them: choices' labels, conditions, the vocabulary of x- keywords."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from schemas import json_schema
from schemas.answers import holds
from schemas.catalog import iter_items, load_catalog
from schemas.json_schema import item_schemas, to_json_schema
from schemas.template import Condition, Group, Item, MultiChoice, PassFail, SingleChoice, Template
from schemas.vocabulary import ASSERTIONS, KEYWORDS, META_SCHEMA, META_SCHEMA_ID, keywords_used

TEMPLATES = [pytest.param(t, id=f"{cid}-v{v}") for (cid, v), t in sorted(load_catalog().templates.items())]


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


# --- the vocabulary --------------------------------------------------------------------------------------------

META = jsonschema_rs.validator_for(META_SCHEMA, registry=jsonschema_rs.Registry([(META_SCHEMA_ID, META_SCHEMA)]))


def test_the_vocabulary_is_a_valid_2020_12_meta_schema_with_its_own_vocabulary() -> None:
    jsonschema_rs.meta.validate(META_SCHEMA)
    assert META_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert META_SCHEMA["$dynamicAnchor"] == "meta"
    assert META_SCHEMA["$vocabulary"]["urn:xunjian:vocab:checklist:1"] is False
    assert all(k.startswith("x-") for k in KEYWORDS)
    assert set(ASSERTIONS) <= set(KEYWORDS)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_x_keyword_the_schemas_use_is_declared_and_every_value_fits_its_declaration(template: Template) -> None:
    schema = to_json_schema(template)

    assert keywords_used(schema) - set(KEYWORDS) == set()
    assert [e.message for e in META.iter_errors(schema)] == []


def test_the_vocabulary_declares_no_keyword_the_schemas_never_write() -> None:
    source = Path(json_schema.__file__).read_text(encoding="utf-8")
    assert [k for k in KEYWORDS if f'"{k}"' not in source] == []


@pytest.mark.parametrize(
    ("keyword", "bad"),
    [("x-decimals", "two"), ("x-decimals", 7), ("x-severity", "huge"), ("x-label", {"zh": "温度"}), ("x-unit", 3)],
)
def test_a_wrong_keyword_value_deep_in_a_schema_is_refused_by_the_meta_schema(keyword: str, bad: Any) -> None:
    template = load_catalog().latest("supermarket_service")
    assert template is not None
    schema = to_json_schema(template)
    broken = copy.deepcopy(schema)
    number = next(s for s in item_schemas(broken).values() if s["x-kind"] == "number")
    number[keyword] = bad

    assert META.is_valid(schema)
    assert not META.is_valid(broken)

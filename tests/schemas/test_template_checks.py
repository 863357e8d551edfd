"""Exclusive limits (低于 -18 ℃ is strictly below) and the located cross-field checks."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import msgspec

from schemas.answers import check_value, outcome
from schemas.catalog import index_template, load_catalog
from schemas.json_schema import to_json_schema
from schemas.template import Group, Number, Template
from schemas.template_checks import check_template_located
from tests.templates import minimal_template


def _with_number(**fields: Any) -> Template:
    doc = minimal_template()
    doc["sections"][0]["items"].append(
        {"kind": "number", "id": "frozen", "label": {"zh": "冷冻温度", "en": "Frozen"}, "clause": "6.2.1",
         "unit": "℃", **fields}
    )  # fmt: skip
    return msgspec.convert(doc, Template)


def _frozen(template: Template) -> Number:
    item = template.sections[0].items[1]
    assert isinstance(item, Number)
    return item


def test_a_reading_equal_to_an_exclusive_limit_fails() -> None:
    item = _frozen(_with_number(acceptable={"max": -18, "max_exclusive": True}))
    assert outcome(item, -18.0) == "fail"
    assert outcome(item, -18) == "fail"
    assert outcome(item, -18.1) == "pass"
    inclusive = _frozen(_with_number(acceptable={"max": -18}))
    assert outcome(inclusive, -18.0) == "pass"
    low = _frozen(_with_number(acceptable={"min": 60, "min_exclusive": True}))
    assert (outcome(low, 60), outcome(low, 60.5)) == ("fail", "pass")


def test_a_value_on_an_exclusive_bound_is_refused_by_the_check_and_by_the_fast_type() -> None:
    template = _with_number(bounds={"min": -60, "max": 40, "min_exclusive": True, "max_exclusive": True})
    item = _frozen(template)
    index = index_template(template)
    for value, ok in ((-60, False), (-60.0, False), (-59.9, True), (40, False), (39, True), (0, True)):
        assert (list(check_value(item, value, "/frozen")) == []) is ok, value
        assert index.fits_plain({"frozen": value}) is ok, value
    errors = list(check_value(item, 40, "/frozen"))
    assert ">-60.0, <40.0℃" in errors[0].detail


def test_the_json_schema_says_exclusive_bounds_and_the_acceptable_flags() -> None:
    template = _with_number(
        bounds={"min": -60, "max": 40, "min_exclusive": True}, acceptable={"max": -18, "max_exclusive": True}
    )
    schema = to_json_schema(template)["properties"]["frozen"]
    assert schema["exclusiveMinimum"] == -60 and "minimum" not in schema
    assert schema["maximum"] == 40 and "exclusiveMaximum" not in schema
    assert schema["x-acceptable"] == {"max": -18, "max_exclusive": True}
    validator = jsonschema_rs.validator_for(to_json_schema(template))
    doc = {"stall_hygiene": "pass"}
    assert not validator.is_valid({**doc, "frozen": -60}) and validator.is_valid({**doc, "frozen": -59})


def test_an_empty_range_is_located() -> None:
    template = _with_number(acceptable={"min": 5, "max": 5, "min_exclusive": True})
    found = list(check_template_located(template))
    assert [(f.path, f.item, f.field, f.en) for f in found] == [
        ("sections/0/items/1/acceptable", "frozen", "acceptable", "min 5.0 equals max 5.0 with an exclusive end")
    ]
    assert found[0].zh.startswith("「合格范围」")


def test_the_published_corrections_supermarket_and_market_order_version_2() -> None:
    catalog = load_catalog()
    v1, v2 = (index_template(t).items for t in (catalog.templates[("supermarket_service", n)] for n in (1, 2)))
    frozen_v1, frozen_v2 = v1["frozen_cabinet_temp"], v2["frozen_cabinet_temp"]
    assert isinstance(frozen_v1, Number) and isinstance(frozen_v2, Number)
    assert (outcome(frozen_v1, -18.0), outcome(frozen_v2, -18.0), outcome(frozen_v2, -18.5)) == ("pass", "fail", "pass")
    old, new = (index_template(catalog.templates[("market_order", n)]).items["stalls"] for n in (1, 2))
    assert isinstance(old, Group) and isinstance(new, Group)
    before, after = {i.id: i for i in old.items}, {i.id: i for i in new.items}
    assert (before["stall_no"].clause, after["stall_no"].clause) == ("市场经营管理规定 七", "市场经营管理规定 三")
    assert "食品卫生许可证" in before["food_licence"].label.zh
    assert after["food_licence"].label.zh == "经营食品的持有食品经营许可证"
    assert "food business licence" in after["food_licence"].label.en

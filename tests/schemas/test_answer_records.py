"""``decimals`` is enforced: a reading with more decimal places than its item declares is refused, everywhere."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas.answer_records import has_decimals
from schemas.answers import check_answers, check_value, quick_check
from schemas.catalog import index_template, parse_template
from schemas.template import Number, Template


def number(item_id: str, **fields: Any) -> dict[str, Any]:
    label = {"zh": f"读数{item_id}", "en": item_id}
    return {"kind": "number", "id": item_id, "label": label, "clause": "超市服务管理规范 6.2", "unit": "℃", **fields}


TEMPLATE: Template = parse_template(
    json.dumps(
        {
            "checklist_id": "readings",
            "version": 1,
            "title": {"zh": "读数", "en": "Readings"},
            "description": {"zh": "小数位", "en": "Decimal places"},
            "sources": [{"title": "超市服务管理规范"}],
            "sections": [
                {
                    "id": "main",
                    "title": {"zh": "读数", "en": "Readings"},
                    "items": [
                        number("count", decimals=0, bounds={"min": 0, "max": 1000}),
                        number("temp", decimals=1),
                        number("ph", decimals=2),
                        number("mass", decimals=6),
                    ],
                }
            ],
        }
    ).encode(),
    "readings/1.json",
)
ITEMS = {item.id: item for item in TEMPLATE.sections[0].items}


@pytest.mark.parametrize(
    ("item_id", "value", "ok"),
    [
        ("count", 2, True),
        ("count", 2.0, True),
        ("count", 1.5, False),
        ("count", 0.000001, False),
        ("temp", 36.6, True),
        ("temp", -18.0, True),
        ("temp", 36.65, False),
        ("temp", 0.1 + 0.2, False),
        ("ph", 7.25, True),
        ("ph", 0.1 + 0.2, False),
        ("ph", 7.255, False),
        ("mass", 0.000001, True),
        ("mass", 1.0000001, False),
        ("mass", 1e300, True),
    ],
)
def test_a_reading_is_refused_with_more_decimals_than_declared(item_id: str, value: float, ok: bool) -> None:
    item = ITEMS[item_id]
    assert isinstance(item, Number)
    errors = check_value(item, value, f"/{item_id}")

    assert (errors == []) is ok
    assert quick_check(item, value) is ok
    assert index_template(TEMPLATE).fits_plain({item_id: value}) is ok
    if not ok:
        assert [e.pointer for e in errors] == [f"/{item_id}"]


def test_the_refusal_says_how_many_places_in_chinese_and_english() -> None:
    whole = check_answers(TEMPLATE, {"count": 1.5})
    tenths = check_answers(TEMPLATE, {"temp": 36.65})

    assert [(e.pointer, e.detail) for e in whole] == [
        ("/count", "读数 1.5 应为整数 (reading 1.5 must be a whole number)")
    ]
    assert [(e.pointer, e.detail) for e in tenths] == [
        ("/temp", "读数 36.65 最多 1 位小数 (reading 36.65 has more than 1 decimal places)")
    ]


def test_too_many_decimals_and_out_of_bounds_are_both_reported() -> None:
    errors = check_answers(TEMPLATE, {"count": 1000.5})

    assert len(errors) == 2
    assert "应为整数" in errors[0].detail and "不可能" in errors[1].detail


@pytest.mark.parametrize("places", range(7))
def test_every_value_typed_with_at_most_the_declared_places_passes(places: int) -> None:
    typed = [
        f"{whole}.{frac:0{places}d}" if places else str(whole) for whole in (-61, 0, 7, 123456) for frac in (0, 1, 5, 9)
    ]

    assert all(has_decimals(float(text), places) for text in typed)
    assert not any(has_decimals(float(text + "1") if places else float(text + ".5"), places) for text in typed)

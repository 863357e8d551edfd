"""The template model: decoding, field errors that name the JSON path, merge defaults, canonical encoding."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from schemas.catalog import TemplateError, load_catalog, parse_template
from schemas.template import (
    Group,
    Item,
    MergePolicy,
    PassFail,
    Template,
    decode_template,
    encode_template,
    kind_of,
    merge_policy,
)

SOURCE = "templates/night_market/1.json"
ITEM = "$.sections[0].items[0]"


def minimal_template(items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "checklist_id": "night_market",
        "version": 1,
        "title": {"zh": "夜市巡查", "en": "Night market patrol"},
        "description": {"zh": "夜市秩序", "en": "Night market order"},
        "sources": [{"title": "市场管理办法"}],
        "sections": [
            {
                "id": "main",
                "title": {"zh": "检查", "en": "Checks"},
                "items": items
                if items is not None
                else [
                    {
                        "kind": "pass_fail",
                        "id": "stall_hygiene",
                        "label": {"zh": "摊位卫生", "en": "Stall hygiene"},
                        "clause": "市场管理办法 第十条",
                    }
                ],
            }
        ],
    }


def first_item(template: Template) -> Item:
    return template.sections[0].items[0]


def test_minimal_template_decodes_with_documented_defaults() -> None:
    template = parse_template(msgspec.json.encode(minimal_template()), SOURCE)

    assert template.checklist_id == "night_market"
    assert template.version == 1
    item = first_item(template)
    assert isinstance(item, PassFail)
    assert item.label.zh == "摊位卫生"
    assert (item.severity, item.weight, item.required, item.allow_na) == ("minor", 1.0, True, True)
    assert item.show_if is None
    assert item.merge is None
    assert template.scoring.pass_mark == 80.0
    assert template.scoring.critical_fails_inspection is True


def _set_on_item(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["sections"][0]["items"][0][field] = value

    return mutate


def _drop_label_en(doc: dict[str, Any]) -> None:
    del doc["sections"][0]["items"][0]["label"]["en"]


def _empty_label_zh(doc: dict[str, Any]) -> None:
    doc["sections"][0]["items"][0]["label"]["zh"] = ""


def _version_zero(doc: dict[str, Any]) -> None:
    doc["version"] = 0


def _no_sections(doc: dict[str, Any]) -> None:
    doc["sections"] = []


@pytest.mark.parametrize(
    ("mutate", "path", "wording"),
    [
        pytest.param(_set_on_item("colour", "red"), ITEM, "unknown field `colour`", id="unknown-field"),
        pytest.param(_drop_label_en, ITEM + ".label", "missing required field `en`", id="missing-label-en"),
        pytest.param(_empty_label_zh, ITEM + ".label.zh", "length >= 1", id="empty-label-zh"),
        pytest.param(_set_on_item("id", "Stall-1"), ITEM + ".id", "matching regex", id="bad-id-pattern"),
        pytest.param(_set_on_item("id", "x" * 64), ITEM + ".id", "matching regex", id="id-too-long"),
        pytest.param(_set_on_item("kind", "slider"), ITEM + ".kind", "'slider'", id="unknown-kind"),
        pytest.param(_set_on_item("weight", "heavy"), ITEM + ".weight", "got `str`", id="weight-not-number"),
        pytest.param(_set_on_item("weight", -1), ITEM + ".weight", ">= 0", id="negative-weight"),
        pytest.param(_set_on_item("severity", "urgent"), ITEM + ".severity", "'urgent'", id="bad-severity"),
        pytest.param(_set_on_item("merge", "newest"), ITEM + ".merge", "'newest'", id="bad-merge"),
        pytest.param(_version_zero, "$.version", ">= 1", id="version-zero"),
        pytest.param(_no_sections, "$.sections", "length >= 1", id="no-sections"),
    ],
)
def test_malformed_template_is_refused_naming_source_and_json_path(
    mutate: Callable[[dict[str, Any]], None], path: str, wording: str
) -> None:
    doc = copy.deepcopy(minimal_template())
    mutate(doc)

    with pytest.raises(TemplateError) as raised:
        parse_template(msgspec.json.encode(doc), SOURCE)

    message = str(raised.value)
    assert message.startswith(f"{SOURCE}: ")
    assert message.endswith(f"at `{path}`")
    assert wording in message


def test_text_that_is_not_json_is_refused_naming_the_source() -> None:
    with pytest.raises(TemplateError, match=r"^templates/night_market/1\.json: not valid JSON"):
        parse_template(b'{"checklist_id": ', SOURCE)


def test_template_error_is_a_value_error() -> None:
    assert issubclass(TemplateError, ValueError)


def test_decode_template_raises_msgspec_validation_error_with_path() -> None:
    doc = minimal_template()
    doc["sections"][0]["items"][0]["weight"] = "heavy"

    with pytest.raises(msgspec.ValidationError, match=r"\$\.sections\[0\]\.items\[0\]\.weight"):
        decode_template(msgspec.json.encode(doc))


ITEM_SHAPES: dict[str, dict[str, Any]] = {
    "pass_fail": {},
    "number": {"unit": "℃"},
    "single_choice": {
        "options": [
            {"value": "yes", "label": {"zh": "是", "en": "Yes"}},
            {"value": "no", "label": {"zh": "否", "en": "No"}},
        ]
    },
    "multi_choice": {
        "options": [{"value": "a", "label": {"zh": "甲", "en": "A"}}, {"value": "b", "label": {"zh": "乙", "en": "B"}}]
    },
    "text": {},
    "photo": {},
    "signature": {"signer": {"zh": "店长", "en": "Store manager"}},
    "gps": {},
    "datetime": {},
    "group": {
        "entry_label": {"zh": "摊位", "en": "Stall"},
        "items": [{"kind": "pass_fail", "id": "licence", "label": {"zh": "证照", "en": "Licence"}, "clause": "第三条"}],
    },
}


def item_of_kind(kind: str, **extra: Any) -> Item:
    item: dict[str, Any] = {"kind": kind, "id": "probe", "label": {"zh": "检查项", "en": "Probe"}, "clause": "第一条"}
    item.update(ITEM_SHAPES[kind])
    item.update(extra)
    template = parse_template(msgspec.json.encode(minimal_template([item])), SOURCE)
    return first_item(template)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("photo", "set"),
        ("multi_choice", "set"),
        ("signature", "immutable"),
        ("group", "items"),
        ("gps", "lww"),
        ("pass_fail", "manual"),
        ("number", "manual"),
        ("single_choice", "manual"),
        ("text", "manual"),
        ("datetime", "manual"),
    ],
)
def test_merge_policy_defaults_by_kind(kind: str, expected: MergePolicy) -> None:
    item = item_of_kind(kind)

    assert kind_of(item) == kind
    assert item.merge is None
    assert merge_policy(item) == expected


@pytest.mark.parametrize(
    ("kind", "declared"),
    [
        ("photo", "append"),
        ("pass_fail", "role"),
        ("gps", "manual"),
        ("signature", "lww"),
        ("group", "immutable"),
        ("text", "append"),
    ],
)
def test_declared_merge_policy_wins_over_the_kind_default(kind: str, declared: MergePolicy) -> None:
    assert merge_policy(item_of_kind(kind, merge=declared)) == declared


def test_group_children_decode_as_leaf_items_of_their_own_kind() -> None:
    group = item_of_kind("group")

    assert isinstance(group, Group)
    assert [kind_of(child) for child in group.items] == ["pass_fail"]


def test_a_group_inside_a_group_is_refused() -> None:
    nested = {
        "kind": "group",
        "id": "inner",
        "label": {"zh": "内层", "en": "Inner"},
        "clause": "第一条",
        "entry_label": {"zh": "条", "en": "Entry"},
        "items": [{"kind": "text", "id": "note", "label": {"zh": "备注", "en": "Note"}, "clause": "第一条"}],
    }
    outer = {
        "kind": "group",
        "id": "outer",
        "label": {"zh": "外层", "en": "Outer"},
        "clause": "第一条",
        "entry_label": {"zh": "条", "en": "Entry"},
        "items": [nested],
    }

    with pytest.raises(TemplateError, match=r"\$\.sections\[0\]\.items\[0\]\.items\[0\]\.kind"):
        parse_template(msgspec.json.encode(minimal_template([outer])), SOURCE)


def _rich_items() -> list[dict[str, Any]]:
    items = []
    for kind, shape in ITEM_SHAPES.items():
        item: dict[str, Any] = {
            "kind": kind,
            "id": f"item_{kind}",
            "label": {"zh": "检查项", "en": kind},
            "clause": "第一条",
        }
        item.update(shape)
        if kind == "group":
            item["items"] = [dict(shape["items"][0], id="licence_in_group")]
        items.append(item)
    return items


def _stable_cases() -> list[Any]:
    cases = [
        pytest.param(msgspec.json.encode(minimal_template()), id="minimal"),
        pytest.param(msgspec.json.encode(minimal_template(_rich_items())), id="every-kind"),
    ]
    cases += [
        pytest.param(encode_template(t), id=f"{cid}-v{version}")
        for (cid, version), t in sorted(load_catalog().templates.items())
    ]
    return cases


@pytest.mark.parametrize("data", _stable_cases())
def test_encode_template_is_stable_across_round_trips(data: bytes) -> None:
    first = decode_template(data)
    once = encode_template(first)
    second = decode_template(once)
    twice = encode_template(second)

    assert second == first
    assert twice == once


def test_encoding_does_not_depend_on_key_order_or_spelled_out_defaults() -> None:
    doc = minimal_template()
    reordered = dict(reversed(list(doc.items())))
    explicit = copy.deepcopy(doc)
    explicit["sections"][0]["items"][0].update({"severity": "minor", "weight": 1.0, "required": True})
    explicit["scoring"] = {"pass_mark": 80.0, "critical_fails_inspection": True}

    encodings = {encode_template(decode_template(msgspec.json.encode(d))) for d in (doc, reordered, explicit)}

    assert len(encodings) == 1


def test_encoding_changes_when_content_changes() -> None:
    doc = minimal_template()
    heavier = copy.deepcopy(doc)
    heavier["sections"][0]["items"][0]["weight"] = 2.0

    assert encode_template(decode_template(msgspec.json.encode(doc))) != encode_template(
        decode_template(msgspec.json.encode(heavier))
    )

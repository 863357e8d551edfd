"""Publish a template as a JSON Schema 2020-12 document of its answers.

The schema describes the ``answers`` object of an inspection: one property per
item, keyed by item id. It is valid for drafts (no ``required``); completeness
is an ``x-required`` annotation checked on submission. Everything a form needs
beyond validation travels as ``x-`` keywords, declared by the published
vocabulary (:mod:`schemas.vocabulary`), so standard tools read it:

* choices are ``oneOf`` of ``{const, title}`` (the zh-CN label; both labels in ``x-label``);
* an item shown only under a condition (its own ``show_if`` or its section's) is not in
  ``properties`` but in ``patternProperties`` (``^id$``: valid whenever answered, as
  :func:`schemas.answers.check_answers` keeps answers to hidden items) and in the ``then`` of
  an ``if`` that holds exactly when :func:`schemas.answers.holds` does, so a form library
  shows it only then. :func:`item_schemas` finds every item's schema again;
* a number with 0 decimals is ``"type": "integer"``; more decimals than ``x-decimals``
  are refused by the vocabulary's keyword (``multipleOf`` is unsafe with binary floats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from schemas.template import (
    Condition,
    DateTime,
    Gps,
    Group,
    Item,
    Label,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Range,
    Signature,
    SingleChoice,
    Template,
    Text,
    kind_of,
    merge_policy,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
VOCABULARY_URL = "/api/checklists/vocabulary"
SHA256_PATTERN = "^[0-9a-f]{64}$"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

# A pass/fail answer's values and labels, shown by form libraries as the app shows them.
PASS_FAIL = (("pass", "合格", "Pass"), ("fail", "不合格", "Fail"), ("na", "不适用", "N/A"))
NAME_MAX = 100
REASON_MAX = 500
# Names and the refusal reason must hold more than white space, as answers.py checks.
_NAME = {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": r"\S"}
_WHEN = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}
_HASH = {"type": "string", "pattern": SHA256_PATTERN}

DEFS: dict[str, Any] = {
    "sha256": _HASH,
    "signature_signed": {
        "type": "object",
        "required": ["status", "image_sha256", "signer_name", "signer_role", "signed_at", "content_hash"],
        "properties": {
            "status": {"const": "signed"},
            "image_sha256": {"$ref": "#/$defs/sha256"},
            "signer_name": _NAME,
            "signer_role": _NAME,
            "signed_at": _WHEN,
            "content_hash": {"$ref": "#/$defs/sha256"},
        },
        "additionalProperties": False,
    },
    "signature_refused": {
        "type": "object",
        "required": ["status", "signer_name", "signer_role", "reason", "refused_at", "content_hash"],
        "properties": {
            "status": {"const": "refused"},
            "signer_name": _NAME,
            "signer_role": _NAME,
            "reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX, "pattern": r"\S"},
            "refused_at": _WHEN,
            "content_hash": {"$ref": "#/$defs/sha256"},
            "witness_name": _NAME,
            "witness_image_sha256": {"$ref": "#/$defs/sha256"},
        },
        "additionalProperties": False,
    },
}


def schema_url(checklist_id: str, version: int) -> str:
    """The path a version's schema is published at (also its ``$id``)."""
    return f"/api/checklists/{checklist_id}/versions/{version}/schema"


def to_json_schema(template: Template) -> dict[str, Any]:
    """The JSON Schema 2020-12 of ``template``'s answers, with ``x-`` annotations."""
    members: list[Member] = []
    sections: list[dict[str, Any]] = []
    for section in template.sections:
        for item in section.items:
            shown_if = [c for c in (section.show_if, item.show_if) if c is not None]
            members.append((item, _item_schema(item, section.id), shown_if))
        entry: dict[str, Any] = {
            "id": section.id,
            "title": _label(section.title),
            "items": [item.id for item in section.items],
        }
        if section.show_if is not None:
            entry["show_if"] = msgspec.to_builtins(section.show_if)
        sections.append(entry)
    return {
        "$schema": DIALECT,
        "$id": schema_url(template.checklist_id, template.version),
        "$comment": f"x- keywords: see the vocabulary at {VOCABULARY_URL}",
        "title": template.title.zh,
        "description": template.description.zh,
        "type": "object",
        **_members(members),
        "additionalProperties": False,
        "$defs": DEFS,
        "x-checklist": {
            "id": template.checklist_id,
            "version": template.version,
            "title": _label(template.title),
            "description": _label(template.description),
            "sources": msgspec.to_builtins(template.sources),
            "site_types": list(template.site_types),
        },
        "x-scoring": msgspec.to_builtins(template.scoring),
        "x-evidence": msgspec.to_builtins(template.evidence),
        "x-sections": sections,
    }


def item_schemas(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Every item's schema in an object schema (answers, or a group entry) by id, conditional ones too."""
    found = dict(schema.get("properties", {}))
    for pattern, item in schema.get("patternProperties", {}).items():
        found[pattern[1:-1]] = item
    return found


Member = tuple[Item, dict[str, Any], list[Condition]]


def _members(members: Sequence[Member]) -> dict[str, Any]:
    """``properties`` of the items always shown; the conditional ones as ``patternProperties`` and ``if``/``then``."""
    kinds = {item.id: item for item, _, _ in members}
    properties: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    rules: list[dict[str, Any]] = []
    for item, schema, shown_if in members:
        if not shown_if:
            properties[item.id] = schema
            continue
        patterns[f"^{item.id}$"] = schema
        tests = [_holds(c, kinds) for c in shown_if]
        rules.append(
            {"if": tests[0] if len(tests) == 1 else {"allOf": tests}, "then": {"properties": {item.id: schema}}}
        )
    out: dict[str, Any] = {"properties": properties}
    if patterns:
        out["patternProperties"] = patterns
        out["allOf"] = rules
    return out


def _holds(condition: Condition, items: Mapping[str, Item]) -> dict[str, Any]:
    """A schema the answers match exactly when ``condition`` holds: answered, with one of its values."""
    values = list(condition.any_of)
    match: dict[str, Any] = {"enum": values}
    if isinstance(items.get(condition.item), MultiChoice):
        match = {"type": "array", "contains": match}
    return {"properties": {condition.item: match}, "required": [condition.item]}


def _label(label: Label) -> dict[str, str]:
    return {"zh": label.zh, "en": label.en}


def _item_schema(item: Item, section_id: str | None) -> dict[str, Any]:
    schema = _value_schema(item)
    schema["title"] = item.label.zh
    if item.help is not None:
        schema["description"] = item.help.zh
        schema["x-help"] = _label(item.help)
    schema.update(
        {
            "x-kind": kind_of(item),
            "x-label": _label(item.label),
            "x-clause": item.clause,
            "x-severity": item.severity,
            "x-weight": item.weight,
            "x-required": item.required,
            "x-merge": merge_policy(item),
            "x-evidence-on-fail": list(item.evidence_on_fail),
        }
    )
    if section_id is not None:
        schema["x-section"] = section_id
    if item.show_if is not None:
        schema["x-show-if"] = msgspec.to_builtins(item.show_if)
    return schema


def _range(rng: Range | None) -> dict[str, float | bool]:
    if rng is None:
        return {}
    out: dict[str, float | bool] = {}
    if rng.min is not None:
        out["min"] = rng.min
        if rng.min_exclusive:
            out["min_exclusive"] = True
    if rng.max is not None:
        out["max"] = rng.max
        if rng.max_exclusive:
            out["max_exclusive"] = True
    return out


def _value_schema(item: Item) -> dict[str, Any]:
    """The schema of an item's answer, with the annotations of its kind."""
    if isinstance(item, PassFail):
        verdicts = PASS_FAIL if item.allow_na else PASS_FAIL[:2]
        return {
            "type": "string",
            "oneOf": [{"const": v, "title": zh, "x-label": {"zh": zh, "en": en}} for v, zh, en in verdicts],
        }
    if isinstance(item, Number):
        return _number_schema(item)
    if isinstance(item, SingleChoice | MultiChoice):
        return _choice_schema(item)
    if isinstance(item, Text):
        return {"type": "string", "maxLength": item.max_length, "x-multiline": item.multiline}
    if isinstance(item, Photo):
        return {
            "type": "array",
            "items": {"$ref": "#/$defs/sha256"},
            "uniqueItems": True,
            "maxItems": item.max_count,
            "x-min-count": item.min_count,
        }
    if isinstance(item, Signature):
        return {
            "oneOf": [{"$ref": "#/$defs/signature_signed"}, {"$ref": "#/$defs/signature_refused"}],
            "x-signer": _label(item.signer),
            "x-covers": list(item.covers),
            "x-witness-on-refusal": item.witness_on_refusal,
        }
    if isinstance(item, Gps):
        return _gps_schema(item)
    if isinstance(item, DateTime):
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN} if item.date_only else dict(_WHEN)
    assert isinstance(item, Group)
    return _group_schema(item)


def _number_schema(item: Number) -> dict[str, Any]:
    """A number: its unit and decimals, bounds as ``minimum``/``maximum``, the acceptable range annotated.

    With 0 decimals it is an ``integer`` (2.0 is one too); other decimals only ``x-decimals`` can check.
    """
    kind = "integer" if item.decimals == 0 else "number"
    schema: dict[str, Any] = {"type": kind, "x-unit": item.unit, "x-decimals": item.decimals}
    bounds = _range(item.bounds)
    if "min" in bounds:
        schema["exclusiveMinimum" if bounds.get("min_exclusive") else "minimum"] = bounds["min"]
    if "max" in bounds:
        schema["exclusiveMaximum" if bounds.get("max_exclusive") else "maximum"] = bounds["max"]
    if item.acceptable is not None:
        schema["x-acceptable"] = _range(item.acceptable)
    return schema


def _choice_schema(item: SingleChoice | MultiChoice) -> dict[str, Any]:
    """One option's value, or a set of them: ``oneOf`` the options' ``const`` with its label as ``title``."""
    options = [{"value": o.value, "label": _label(o.label)} for o in item.options]
    one_of = [{"const": o.value, "title": o.label.zh, "x-label": _label(o.label)} for o in item.options]
    annotations = {"x-options": options, "x-fail-values": list(item.fail_values)}
    if isinstance(item, SingleChoice):
        return {"type": "string", "oneOf": one_of, **annotations}
    multi: dict[str, Any] = {
        "type": "array",
        "items": {"type": "string", "oneOf": one_of},
        "uniqueItems": True,
        "x-min-selected": item.min_selected,
        **annotations,
    }
    if item.max_selected is not None:
        multi["maxItems"] = item.max_selected
    return multi


def _gps_schema(item: Gps) -> dict[str, Any]:
    """A position: latitude and longitude, with its accuracy and when it was taken."""
    gps: dict[str, Any] = {
        "type": "object",
        "required": ["lat", "lon"],
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "accuracy_m": {"type": "number", "minimum": 0},
            "captured_at": _WHEN,
        },
        "additionalProperties": False,
    }
    if item.max_accuracy_m is not None:
        gps["x-max-accuracy-m"] = item.max_accuracy_m
    return gps


def _group_schema(item: Group) -> dict[str, Any]:
    """A repeating group: entries keyed by UUID, each an object of the child items' answers (in ``x-order``)."""
    children = [
        (child, _item_schema(child, None), [] if child.show_if is None else [child.show_if]) for child in item.items
    ]
    entry = {
        "type": "object",
        **_members(children),
        "additionalProperties": False,
        "x-order": [child.id for child in item.items],
    }
    group: dict[str, Any] = {
        "type": "object",
        "propertyNames": {"pattern": UUID_PATTERN},
        "additionalProperties": entry,
        "x-entry-label": _label(item.entry_label),
        "x-min-entries": item.min_entries,
    }
    if item.max_entries is not None:
        group["maxProperties"] = item.max_entries
    return group

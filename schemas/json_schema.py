"""Publish a template as a JSON Schema 2020-12 document of its answers.

The schema describes the ``answers`` object of an inspection: one property per
item, keyed by item id. It is valid for drafts (no ``required``); completeness
is an ``x-required`` annotation checked on submission. Everything a form needs
beyond validation travels as ``x-`` annotation keywords.
"""

from __future__ import annotations

from typing import Any

import msgspec

from schemas.template import (
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
SHA256_PATTERN = "^[0-9a-f]{64}$"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

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
    properties: dict[str, Any] = {}
    sections: list[dict[str, Any]] = []
    for section in template.sections:
        for item in section.items:
            properties[item.id] = _item_schema(item, section.id)
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
        "title": template.title.zh,
        "description": template.description.zh,
        "type": "object",
        "properties": properties,
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


def _range(rng: Range | None) -> dict[str, float]:
    if rng is None:
        return {}
    out: dict[str, float] = {}
    if rng.min is not None:
        out["min"] = rng.min
    if rng.max is not None:
        out["max"] = rng.max
    return out


def _value_schema(item: Item) -> dict[str, Any]:
    """The schema of an item's answer, with the annotations of its kind."""
    if isinstance(item, PassFail):
        return {"type": "string", "enum": ["pass", "fail", "na"] if item.allow_na else ["pass", "fail"]}
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
    """A number: its unit and decimals, bounds as ``minimum``/``maximum``, the acceptable range annotated."""
    schema: dict[str, Any] = {"type": "number", "x-unit": item.unit, "x-decimals": item.decimals}
    bounds = _range(item.bounds)
    if "min" in bounds:
        schema["minimum"] = bounds["min"]
    if "max" in bounds:
        schema["maximum"] = bounds["max"]
    if item.acceptable is not None:
        schema["x-acceptable"] = _range(item.acceptable)
    return schema


def _choice_schema(item: SingleChoice | MultiChoice) -> dict[str, Any]:
    """One option's value, or a set of them; the options' labels and the failing values annotated."""
    options = [{"value": o.value, "label": _label(o.label)} for o in item.options]
    values = [o.value for o in item.options]
    annotations = {"x-options": options, "x-fail-values": list(item.fail_values)}
    if isinstance(item, SingleChoice):
        return {"type": "string", "enum": values, **annotations}
    multi: dict[str, Any] = {
        "type": "array",
        "items": {"enum": values},
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
    """A repeating group: entries keyed by UUID, each an object of the child items' answers."""
    entry = {
        "type": "object",
        "properties": {child.id: _item_schema(child, None) for child in item.items},
        "additionalProperties": False,
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

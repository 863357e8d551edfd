"""Canonical JSON and the content hash a signature binds to.

The PWA computes the same hash in JavaScript, so the rules are spelled out:
object keys sorted by code point, no whitespace, strings as JSON with non-ASCII
kept as UTF-8, numbers as JavaScript prints them (``-18`` not ``-18.0``,
``1e-7`` not ``1e-07``), ``true``/``false``/``null``. This is RFC 8785 (JCS)
for the values answers can hold.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from json.encoder import encode_basestring  # the C escaper json.dumps uses
from typing import Any

from schemas.template import Group, MultiChoice, Photo, Signature, Template

_plain_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON text.

    Values whose every number prints alike in Python and JavaScript (integers, and floats that are
    neither whole nor printed with an exponent), in dicts with string keys and lists, are written
    by the C encoder of ``json``; the rest by :func:`_canonical`. The two agree on every value
    (``tests/schemas/test_canonical.py``).
    """
    if _prints_alike(value):
        text: str = _plain_encoder.encode(value)
        return text
    return _canonical(value)


def _prints_alike(value: Any) -> bool:
    """Whether ``json`` writes ``value`` as :func:`_canonical` does (see :func:`canonical_json`)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value) and not value.is_integer() and "e" not in repr(value)
    if kind is dict:
        return all(type(k) is str and _prints_alike(v) for k, v in value.items())
    if kind is list or kind is tuple:
        return all(_prints_alike(v) for v in value)
    return False


def _canonical(value: Any) -> str:
    """``value`` as canonical JSON text, rule by rule (see the module docstring)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ",".join(f"{_string(str(k))}:{_canonical(v)}" for k, v in items) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _string(text: str) -> str:
    """A JSON string with non-ASCII kept as UTF-8: what ``json.dumps(text, ensure_ascii=False)`` gives."""
    quoted: str = encode_basestring(text)
    return quoted


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("NaN and infinity have no JSON form")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text


def signed_content(template: Template, answers: Mapping[str, Any], signature_id: str) -> dict[str, Any]:
    """The answers a signature covers: its ``covers`` list, or every non-signature item.

    Set-valued answers (photos, multiple choices) are sorted so their order never changes the hash.
    """
    covered: dict[str, Any] = {}
    for item_id, sets in _covered_items(template, signature_id):
        value = answers.get(item_id)
        if value is None:
            continue
        if sets is True and isinstance(value, list):
            value = sorted(value)
        elif isinstance(sets, frozenset) and isinstance(value, dict):
            value = {k: _sorted_sets(sets, v) for k, v in value.items()}
        covered[item_id] = value
    return covered


# item id, and what is sorted in its answer: True the answer itself (a set), a frozenset the children of a
# group's entries that are sets, None nothing
_Covered = tuple[tuple[str, "bool | frozenset[str] | None"], ...]
_COVERED: dict[tuple[str, int, str], tuple[Template, _Covered]] = {}


def _covered_items(template: Template, signature_id: str) -> _Covered:
    """The items ``signature_id`` covers in template order, worked out once per checklist version."""
    key = (template.checklist_id, template.version, signature_id)
    held = _COVERED.get(key)
    if held is not None and held[0] is template:
        return held[1]
    signature = _find_signature(template, signature_id)
    items: list[tuple[str, bool | frozenset[str] | None]] = []
    for section in template.sections:
        for item in section.items:
            if item.id == signature_id:
                continue
            if not (item.id in signature.covers if signature.covers else not isinstance(item, Signature)):
                continue
            sets: bool | frozenset[str] | None = None
            if isinstance(item, Photo | MultiChoice):
                sets = True
            elif isinstance(item, Group):
                sets = frozenset(c.id for c in item.items if isinstance(c, Photo | MultiChoice))
            items.append((item.id, sets))
    _COVERED[key] = (template, tuple(items))
    return _COVERED[key][1]


def _sorted_sets(sets: frozenset[str], entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    return {k: sorted(v) if k in sets and isinstance(v, list) else v for k, v in entry.items()}


def _find_signature(template: Template, signature_id: str) -> Signature:
    for section in template.sections:
        for item in section.items:
            if item.id == signature_id and isinstance(item, Signature):
                return item
    raise KeyError(f"no signature item {signature_id!r}")


def content_hash(template: Template, answers: Mapping[str, Any], signature_id: str) -> str:
    """SHA-256 (hex) of the canonical JSON of what ``signature_id`` covers."""
    text = canonical_json(signed_content(template, answers, signature_id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

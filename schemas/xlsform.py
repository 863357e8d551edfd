"""The XLSForm subset a checklist workbook may use: header keys, ``type`` values, ``relevant``, cell values.

Supported types: this project's kinds (``pass_fail``, ``number``…), and XLSForm's
``select_one L``, ``select_multiple L``, ``integer``, ``decimal``, ``text``,
``image``, ``geopoint``, ``dateTime``, ``date``, ``begin group``/``end group``
(a section), ``begin repeat``/``end repeat`` (a repeating group). Metadata
types (``start``, ``end``, ``deviceid``…) are skipped: every inspection
records its times and device. ``relevant`` may be ``${item} = 'value'`` or
``selected(${item}, 'value')``, several joined by ``or`` on the same item.
Anything else is refused by name.
"""

from __future__ import annotations

import math
import re
from typing import Any

from schemas.workbook_layout import BEGIN_GROUP, BEGIN_REPEAT, END_GROUP, END_REPEAT, KINDS, NO, YES

_XLSFORM_TYPES: dict[str, dict[str, Any]] = {
    "integer": {"kind": "number", "decimals": 0},
    "decimal": {"kind": "number"},
    "text": {"kind": "text"},
    "image": {"kind": "photo"},
    "geopoint": {"kind": "gps"},
    "datetime": {"kind": "datetime"},
    "date": {"kind": "datetime", "date_only": True},
}
_SELECTS = {"select_one": "single_choice", "select_multiple": "multi_choice"}
META_TYPES = frozenset(
    {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "email", "audit"}
)
STRUCTURE = (BEGIN_GROUP, END_GROUP, BEGIN_REPEAT, END_REPEAT)
# XLSForm columns whose logic this format has no place for: a value in one is refused by name.
UNSUPPORTED_COLUMNS = ("constraint", "calculation", "choice_filter", "repeat_count", "default", "read_only", "trigger")
_TRUE = {YES, "true", "true()", "1", "y", "是", "TRUE"}
_FALSE = {NO, "false", "false()", "0", "n", "否", "FALSE"}

_REF = r"\$\{([A-Za-z_][\w.-]*)\}"
_VALUE = r"'([^']*)'|\"([^\"]*)\"|(-?\d+(?:\.\d+)?)"
_COMPARE = re.compile(rf"\s*{_REF}\s*==?\s*(?:{_VALUE})\s*")
_SELECTED = re.compile(rf"\s*selected\(\s*{_REF}\s*,\s*(?:{_VALUE})\s*\)\s*")


def header_key(raw: object) -> str:
    """A header cell as this layout's key: ``label::Chinese (zh)`` → ``label::zh-CN``, ``label`` → ``label::zh-CN``."""
    key = re.sub(r"\s+", " ", str(raw).strip())
    base, sep, lang = key.partition("::")
    base = base.strip().lower()
    if base == "form_title":
        return "title::zh-CN" if not sep else header_key(f"title::{lang}")
    if not sep:
        return f"{base}::zh-CN" if base in ("label", "hint") else base
    lang = lang.lower()
    if "zh" in lang or "chinese" in lang or "中文" in lang:
        return f"{base}::zh-CN"
    if "en" in lang:
        return f"{base}::en"
    return f"{base}::{lang}"


def read_type(raw: str) -> tuple[dict[str, Any] | str | None, str | None]:
    """A ``type`` cell: (item fields, or a structure word, or ``None`` to skip the row; a list name).

    Raises ``ValueError`` naming an unsupported type.
    """
    stripped = raw.strip()
    low = re.sub(r"[\s_]+", " ", stripped).lower()
    if low in STRUCTURE:
        return low, None
    if stripped in KINDS:
        return {"kind": stripped}, None
    select = stripped.split()
    if len(select) == 2 and select[0].lower() in _SELECTS:
        return {"kind": _SELECTS[select[0].lower()]}, select[1]
    if low in _XLSFORM_TYPES:
        return dict(_XLSFORM_TYPES[low]), None
    if low in META_TYPES:
        return None, None
    raise ValueError(raw.strip())


def read_relevant(text: str) -> dict[str, Any]:
    """A simple ``relevant`` as a condition ``{item, any_of}``; ``ValueError`` for anything else."""
    item: str | None = None
    values: list[Any] = []
    for part in re.split(r"\s+or\s+", text.strip()):
        match = _COMPARE.fullmatch(part) or _SELECTED.fullmatch(part)
        if match is None:
            raise ValueError(text)
        ref, single, double, number = match.groups()
        if item is not None and ref != item:
            raise ValueError(text)
        item = ref
        if number is not None:
            values.append(float(number) if "." in number else int(number))
        else:
            values.append(single if single is not None else double)
    return {"item": item, "any_of": values}


def cell_value(kind: str, raw: Any) -> Any:
    """A cell read as its column's kind; ``ValueError`` if it cannot be."""
    if isinstance(raw, str):
        raw = raw.strip()
    if kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw)
    if kind == "words":
        return [w for w in re.split(r"[\s,，;；]+", str(raw)) if w]
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(raw)
    return _number(kind, raw)


def _number(kind: str, raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", raw):
        raw = float(raw)
    if not isinstance(raw, int | float) or not math.isfinite(raw):
        raise ValueError(raw)
    if kind == "int":
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(raw)
        return int(raw)
    return int(raw) if isinstance(raw, float) and raw.is_integer() else raw

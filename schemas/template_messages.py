"""Every message about a template being authored, in Chinese and English, located.

One place for the words the JSON check (``POST /api/checklists/validate``), the
spreadsheet import and the desk's editor show: field names, msgspec's decoding
errors said again for a person, and the cross-field checks' findings.
"""

from __future__ import annotations

import re

from msgspec import Struct

# Field (dotted, relative to its item, section or the template) → its name in Chinese and English.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "kind": ("类型", "type"),
    "id": ("编号", "name"),
    "label": ("标签", "label"),
    "label.zh": ("标签(中文)", "label (zh-CN)"),
    "label.en": ("标签(英文)", "label (en)"),
    "help.zh": ("说明(中文)", "hint (zh-CN)"),
    "help.en": ("说明(英文)", "hint (en)"),
    "clause": ("条款", "clause"),
    "severity": ("严重程度", "severity"),
    "weight": ("权重", "weight"),
    "required": ("必填", "required"),
    "show_if": ("显示条件", "relevant"),
    "show_if.item": ("显示条件", "relevant"),
    "show_if.any_of": ("显示条件", "relevant"),
    "unit": ("单位", "unit"),
    "acceptable": ("合格范围", "acceptable range"),
    "acceptable.min": ("下限", "min"),
    "acceptable.max": ("上限", "max"),
    "acceptable.min_exclusive": ("下限不含", "min exclusive"),
    "acceptable.max_exclusive": ("上限不含", "max exclusive"),
    "bounds": ("可信范围", "bounds"),
    "bounds.min": ("可信下限", "bounds min"),
    "bounds.max": ("可信上限", "bounds max"),
    "bounds.min_exclusive": ("可信下限不含", "bounds min exclusive"),
    "bounds.max_exclusive": ("可信上限不含", "bounds max exclusive"),
    "decimals": ("小数位", "decimals"),
    "options": ("选项", "choices"),
    "fail_values": ("不合格选项", "fail choices"),
    "min_selected": ("最少选", "min selected"),
    "max_selected": ("最多选", "max selected"),
    "allow_na": ("可不适用", "allow N/A"),
    "min_count": ("最少照片", "min photos"),
    "max_count": ("最多照片", "max photos"),
    "evidence_on_fail": ("不合格须取证", "evidence on failure"),
    "merge": ("合并策略", "merge policy"),
    "max_length": ("最长字数", "max length"),
    "multiline": ("多行", "multiline"),
    "signer.zh": ("签名人(中文)", "signer (zh-CN)"),
    "signer.en": ("签名人(英文)", "signer (en)"),
    "covers": ("签名涵盖", "covers"),
    "witness_on_refusal": ("拒签需见证", "witness on refusal"),
    "max_accuracy_m": ("定位精度(米)", "max accuracy (m)"),
    "date_only": ("仅日期", "date only"),
    "entry_label.zh": ("条目名称(中文)", "entry label (zh-CN)"),
    "entry_label.en": ("条目名称(英文)", "entry label (en)"),
    "min_entries": ("最少条目", "min entries"),
    "max_entries": ("最多条目", "max entries"),
    "items": ("检查项", "items"),
    "title.zh": ("标题(中文)", "title (zh-CN)"),
    "title.en": ("标题(英文)", "title (en)"),
    "description.zh": ("说明(中文)", "description (zh-CN)"),
    "description.en": ("说明(英文)", "description (en)"),
    "checklist_id": ("表单编号", "form_id"),
    "version": ("版本", "version"),
    "sources": ("依据", "sources"),
    "sections": ("分节", "sections"),
    "scoring.pass_mark": ("合格分", "pass mark"),
    "scoring.critical_fails_inspection": ("严重项不合格即不通过", "critical fails inspection"),
    "site_types": ("场所类型", "site types"),
    "list_name": ("选项表", "list_name"),
    "value": ("值", "name"),
    "fail": ("不合格", "fail"),
    "note": ("备注", "note"),
}

_TYPE_WORDS = {
    "int": ("整数", "a whole number"),
    "float": ("数字", "a number"),
    "str": ("文字", "text"),
    "bool": ("是/否", "yes or no"),
    "array": ("列表", "a list"),
    "object": ("对象", "an object"),
}
_ID_RULE = ("须以小写字母开头,只含小写字母、数字和下划线", "must start with a-z and hold only a-z, 0-9 and _")


class Located(Struct, frozen=True, omit_defaults=True):
    """One problem: where (a path into template JSON; sheet, row and column for a workbook) and what."""

    path: str
    item: str | None
    field: str | None
    zh: str
    en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


def field_name(field: str | None) -> tuple[str, str]:
    """A field's name in Chinese and English (the field itself when it has none)."""
    if not field:
        return ("表单", "template")
    if field in FIELD_NAMES:
        return FIELD_NAMES[field]
    tail = re.sub(r"\.\d+", "", field)
    if tail in FIELD_NAMES:
        return FIELD_NAMES[tail]
    last = tail.rsplit(".", 1)[-1]
    return FIELD_NAMES.get(last, (last, last))


def located(path: str, item: str | None, field: str | None, zh: str, en: str) -> Located:
    """A problem at ``path``; ``zh``/``en`` may hold ``{f}``, replaced by the field's name."""
    name_zh, name_en = field_name(field)
    return Located(path, item, field, zh.replace("{f}", f"「{name_zh}」"), en.replace("{f}", f"'{name_en}'"))


def _type_words(expected: str) -> tuple[str, str]:
    kinds = [k.strip() for k in expected.split("|") if k.strip() != "null"]
    words = [_TYPE_WORDS.get(k, (k, k)) for k in kinds]
    if any(k in ("int", "float") for k in kinds):
        return _TYPE_WORDS["float"] if "float" in kinds else _TYPE_WORDS["int"]
    return ("或".join(w[0] for w in words), " or ".join(w[1] for w in words))


_MISSING = re.compile(r"^Object missing required field `(\w+)`")
_RULES: list[tuple[re.Pattern[str], tuple[str, str]]] = [
    (re.compile(r"^Object missing required field$"), ("缺少{f}", "{f} is missing")),
    (re.compile(r"^Object contains unknown field `(?P<name>\w+)`"), ("未知字段「{raw}」", "unknown field '{raw}'")),
    (re.compile(r"^Expected `(?P<t>str)` of length >= 1"), ("{f}不能为空", "{f} must not be empty")),
    (re.compile(r"^Expected `str` matching regex"), ("{f}" + _ID_RULE[0], "{f} " + _ID_RULE[1])),
    (re.compile(r"^Expected `array` of length >= (?P<v>\d+)"), ("{f}至少需要 {v} 项", "{f} needs at least {v}")),
    (re.compile(r"^Expected `\w+` >= (?P<v>[-\d.]+)"), ("{f}不能小于 {v}", "{f} must be at least {v}")),
    (re.compile(r"^Expected `\w+` <= (?P<v>[-\d.]+)"), ("{f}不能大于 {v}", "{f} must be at most {v}")),
    (re.compile(r"^Expected `\w+` > (?P<v>[-\d.]+)"), ("{f}须大于 {v}", "{f} must be above {v}")),
    (re.compile(r"^Expected `(?P<t>[^`]+)`, got `\w+`"), ("{f}应为{tz}", "{f} must be {te}")),
    (re.compile(r"^Invalid (?:enum )?value (?P<raw>.+)$"), ("{f}的值 {raw} 无效", "{f}: {raw} is not allowed")),
]


def _say(message: str, field: str | None) -> tuple[str, str]:
    for pattern, (zh, en) in _RULES:
        match = pattern.match(message)
        if match is None:
            continue
        groups = match.groupdict()
        if "name" in groups:
            groups["raw"] = groups["name"]
        if "t" in groups:
            groups["tz"], groups["te"] = _type_words(groups["t"])
        return zh.format(f="{f}", **groups), en.format(f="{f}", **groups)
    return ("{f}有误:" + message, "{f}: " + message)


def from_msgspec(message: str, base: str, item: str | None, field_base: str) -> Located:
    """Say a ``msgspec.ValidationError`` raised on the part of the template at ``base``.

    ``field_base`` is the dotted field of that part relative to its item (``""`` for an item).
    """
    text, _, where = message.partition(" - at `$")
    rel = where.rstrip("`")
    parts = [p for p in re.split(r"[.\[\]]+", rel) if p]
    missing = _MISSING.match(text)
    if missing is not None:  # located at the missing field itself, so a workbook can name its column
        parts.append(missing.group(1))
        text = "Object missing required field"
    path = "/".join([base, *parts]) if base else "/".join(parts)
    dotted = ".".join(p for p in [field_base, *parts] if p) or None
    zh, en = _say(text, dotted)
    return located(path, item, dotted, zh, en)


def dollar_path(path: str) -> str:
    """``sections/0/items/1/id`` as ``$.sections[0].items[1].id`` (the catalog's start-up messages)."""
    out = "$"
    for part in path.split("/") if path else []:
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out

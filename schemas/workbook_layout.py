"""The checklist workbook's layout, shared by its writer and its reader.

XLSForm's conventions where they fit: sheets ``survey`` (one row per item, in
form order; ``begin group``/``end group`` around a section, ``begin repeat``/
``end repeat`` around a repeating group), ``choices`` (``list_name``, ``name``,
labels, and a ``fail`` flag) and ``settings`` (``form_id``, ``version``…), plus
``sources``. Row 1 holds the Chinese column titles, row 2 the English key
(XLSForm's own header); a plain XLSForm with its keys in row 1 reads too.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.template_messages import field_name

KINDS = ("pass_fail", "number", "single_choice", "multi_choice", "text", "photo", "signature", "gps", "datetime")
BEGIN_GROUP, END_GROUP, BEGIN_REPEAT, END_REPEAT = "begin group", "end group", "begin repeat", "end repeat"
TYPES = (*KINDS, BEGIN_GROUP, END_GROUP, BEGIN_REPEAT, END_REPEAT)
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Column:
    """One column: its key (row 2), the template field it holds, how its cells read, its fixed values."""

    key: str
    field: str
    kind: str = "text"  # text | number | int | bool | words (space-separated)
    values: tuple[str, ...] = ()
    width: int = 12

    @property
    def title(self) -> str:
        """The Chinese column title (row 1)."""
        return field_name(self.field)[0] if self.field not in _TITLES else _TITLES[self.field]


_TITLES = {
    "kind": "类型",
    "list_name": "选项表",
    "value": "值",
    "fail": "不合格",
    "title": "依据名称",
    "note": "备注",
}
_SEVERITIES = ("critical", "major", "minor")
_MERGES = ("manual", "role", "lww", "set", "items", "append", "immutable")
_BOOL = (YES, NO)


def _bool(key: str, field: str) -> Column:
    return Column(key, field, "bool", _BOOL, 8)


def _num(key: str, field: str, kind: str = "number") -> Column:
    return Column(key, field, kind, (), 9)


SURVEY = (
    Column("type", "kind", "text", TYPES, 15),
    Column("name", "id", width=22),
    Column("label::zh-CN", "label.zh", width=36),
    Column("label::en", "label.en", width=32),
    Column("hint::zh-CN", "help.zh", width=30),
    Column("hint::en", "help.en", width=30),
    Column("clause", "clause", width=24),
    Column("severity", "severity", "text", _SEVERITIES, 10),
    _num("weight", "weight"),
    _bool("required", "required"),
    Column("relevant", "show_if", width=30),
    Column("merge", "merge", "text", _MERGES, 10),
    Column("unit", "unit", width=8),
    _num("acceptable_min", "acceptable.min"),
    _bool("acceptable_min_exclusive", "acceptable.min_exclusive"),
    _num("acceptable_max", "acceptable.max"),
    _bool("acceptable_max_exclusive", "acceptable.max_exclusive"),
    _num("bounds_min", "bounds.min"),
    _bool("bounds_min_exclusive", "bounds.min_exclusive"),
    _num("bounds_max", "bounds.max"),
    _bool("bounds_max_exclusive", "bounds.max_exclusive"),
    _num("decimals", "decimals", "int"),
    Column("choices", "options", width=16),
    _num("min_selected", "min_selected", "int"),
    _num("max_selected", "max_selected", "int"),
    _bool("allow_na", "allow_na"),
    _num("min_count", "min_count", "int"),
    _num("max_count", "max_count", "int"),
    Column("evidence_on_fail", "evidence_on_fail", "words", (), 16),
    _num("max_length", "max_length", "int"),
    _bool("multiline", "multiline"),
    Column("signer::zh-CN", "signer.zh", width=14),
    Column("signer::en", "signer.en", width=14),
    Column("covers", "covers", "words", (), 20),
    _bool("witness_on_refusal", "witness_on_refusal"),
    _num("max_accuracy_m", "max_accuracy_m"),
    _bool("date_only", "date_only"),
    Column("entry_label::zh-CN", "entry_label.zh", width=14),
    Column("entry_label::en", "entry_label.en", width=14),
    _num("min_entries", "min_entries", "int"),
    _num("max_entries", "max_entries", "int"),
)

CHOICES = (
    Column("list_name", "list_name", width=22),
    Column("name", "value", width=22),
    Column("label::zh-CN", "label.zh", width=30),
    Column("label::en", "label.en", width=30),
    _bool("fail", "fail"),
)

SETTINGS = (
    Column("form_id", "checklist_id", width=22),
    _num("version", "version", "int"),
    Column("title::zh-CN", "title.zh", width=30),
    Column("title::en", "title.en", width=30),
    Column("description::zh-CN", "description.zh", width=40),
    Column("description::en", "description.en", width=40),
    _num("pass_mark", "scoring.pass_mark"),
    _bool("critical_fails_inspection", "scoring.critical_fails_inspection"),
    Column("site_types", "site_types", "words", (), 20),
)

SOURCES = (
    Column("title", "title", width=60),
    Column("note", "note", width=80),
)

SHEETS = {"survey": SURVEY, "choices": CHOICES, "settings": SETTINGS, "sources": SOURCES}

"""Read a checklist workbook (ours, or an XLSForm in the supported subset) back to template JSON.

Every error at once, each located by sheet, row and column and said in Chinese
and English ("第 12 行「下限」应为数字" / "Row 12: 'min' must be a number"): the
cells' own errors here, the template's (:mod:`schemas.template_validate`)
placed back on the row and column they came from by :meth:`Reading.place`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from schemas.template_messages import located
from schemas.workbook_layout import BEGIN_GROUP, BEGIN_REPEAT, END_GROUP, SURVEY, Column
from schemas.workbook_sheets import (
    Reading,
    Sheet,
    UnreadableWorkbook,
    read_choices,
    read_settings,
    read_sheets,
    row_fields,
)
from schemas.xlsform import UNSUPPORTED_COLUMNS, read_relevant, read_type

MAX_ENTRIES = 200
MAX_UNZIPPED = 64 * 1024 * 1024
MAX_RATIO = 200


def _guard(data: bytes) -> None:
    """Refuse what is no zip, and zip bombs, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableWorkbook(f"不是 .xlsx 工作簿 / not an .xlsx workbook ({exc})") from None
    total = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNZIPPED or total > MAX_RATIO * max(packed, 1024):
        raise UnreadableWorkbook(
            f"工作簿解压后过大({total} 字节,{len(entries)} 个部件)/ the workbook inflates too far "
            f"({total} bytes in {len(entries)} parts): refused as a possible zip bomb"
        )


def open_workbook(data: bytes) -> dict[str, Sheet]:
    """The workbook's sheets by name (lower case); ``UnreadableWorkbook`` if it will not open."""
    _guard(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = read_sheets(book)  # read-only sheets are parsed here, row by row
        finally:
            book.close()
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken package or sheet
        raise UnreadableWorkbook(f"无法读取工作簿 / the workbook cannot be read ({type(exc).__name__})") from None
    if "survey" not in sheets:
        raise UnreadableWorkbook("工作簿缺少 survey 表 / the workbook has no 'survey' sheet")
    return sheets


@dataclass
class _Form:
    """The survey being assembled: sections, the open section and repeat, their rows."""

    reading: Reading
    choices: dict[str, list[tuple[int, dict[str, Any], bool]]]
    sections: list[dict[str, Any]] = field(default_factory=list)
    section: dict[str, Any] | None = None
    section_row: int = 0
    explicit: bool = False
    repeat: dict[str, Any] | None = None
    repeat_row: int = 0

    def fail(self, row: int, key: str | None, item: str | None, zh: str, en: str) -> None:
        self.reading.error("survey", row, key, located("", item, None, zh, en))

    def open_section(self, row: int, fields: dict[str, Any], implicit: bool = False) -> None:
        self.section = {**fields, "items": []}
        self.section_row, self.explicit = row, not implicit
        self.sections.append(self.section)
        if not implicit:
            self.reading.places[f"sections/{len(self.sections) - 1}"] = ("survey", row)

    def add(self, row: int, item: dict[str, Any]) -> None:
        if self.section is None:
            title = self.reading.doc.get("title") or {"zh": "检查", "en": "Checks"}
            self.open_section(row, {"id": f"part_{len(self.sections) + 1}", "title": title}, implicit=True)
        assert self.section is not None
        s = len(self.sections) - 1
        if self.repeat is not None:
            path = f"sections/{s}/items/{len(self.section['items']) - 1}/items/{len(self.repeat['items'])}"
            self.repeat["items"].append(item)
        else:
            path = f"sections/{s}/items/{len(self.section['items'])}"
            self.section["items"].append(item)
        self.reading.places[path] = ("survey", row)
        for n, (choice_row, _, _) in enumerate(item.pop("_choice_rows", [])):
            self.reading.places[f"{path}/options/{n}"] = ("choices", choice_row)


def _structure(form: _Form, row: int, word: str, item: dict[str, Any]) -> None:
    ident = item.get("id")
    if word == BEGIN_GROUP:
        if form.repeat is not None or form.explicit:
            form.fail(
                row, "type", ident, "不支持嵌套分组(begin group)", "nested groups (begin group) are not supported"
            )
            return
        keep: dict[str, Any] = {k: item[k] for k in ("id", "show_if") if k in item}
        form.open_section(row, {**keep, **({"title": item["label"]} if "label" in item else {})})
    elif word == END_GROUP:
        if form.repeat is not None or not form.explicit:
            form.fail(row, "type", None, "多余的 end group", "an 'end group' with no open group")
            return
        form.section, form.explicit = None, False
    elif word == BEGIN_REPEAT:
        if form.repeat is not None:
            form.fail(row, "type", ident, "不支持嵌套重复组(begin repeat)", "nested repeats are not supported")
            return
        if "entry_label" not in item and "label" in item:  # XLSForm has no entry label: the repeat's own
            item["entry_label"] = item["label"]
        form.add(row, {**item, "kind": "group", "items": []})
        assert form.section is not None
        form.repeat, form.repeat_row = form.section["items"][-1], row
    elif form.repeat is None:
        form.fail(row, "type", None, "多余的 end repeat", "an 'end repeat' with no open repeat")
    else:
        form.repeat = None


def _options(form: _Form, row: int, item: dict[str, Any], list_name: str | None) -> bool:
    """Give a choice item its options from its list; ``False`` (the item left out) when the list is not there."""
    if item.get("kind") not in ("single_choice", "multi_choice"):
        return True
    name = list_name or item.pop("options", None)
    item.pop("options", None)
    if not name:
        form.fail(row, "choices", item.get("id"), "选择题缺少「选项表」", "a choice item needs a 'choices' list name")
        return False
    listed = form.choices.get(str(name))
    if listed is None:
        form.fail(
            row, "choices", item.get("id"),
            f"选项表「{name}」在 choices 表中不存在", f"choice list '{name}' is not on the choices sheet",
        )  # fmt: skip
        return False
    item["options"] = [option for _, option, _ in listed]
    item["fail_values"] = [option.get("value") for _, option, fail in listed if fail]
    item["_choice_rows"] = listed
    return True


def _row_type(form: _Form, row: int, values: tuple[Any, ...]) -> tuple[dict[str, Any] | str | None, str | None]:
    """The row's type (item fields or a structure word; ``None``: skip the row) and choice list name."""
    sheet = form.reading.sheets["survey"]
    type_cell = sheet.get(values, "type")
    for key in UNSUPPORTED_COLUMNS:
        if sheet.get(values, key) is not None:
            form.fail(row, key, None, f"不支持「{key}」列", f"the column '{key}' is not supported")
    if type_cell is None:
        form.fail(row, "type", None, "缺少「类型」", "'type' is missing")
        return None, None
    try:
        return read_type(str(type_cell))
    except ValueError:
        form.fail(row, "type", None, f"不支持的类型「{type_cell}」", f"the type '{type_cell}' is not supported")
        name = sheet.get(values, "name")
        if name is not None:
            form.reading.broken.add(str(name))
        return None, None


def _relevant(form: _Form, row: int, relevant: Any, item: dict[str, Any]) -> None:
    if relevant is None:
        return
    try:
        item["show_if"] = read_relevant(str(relevant))
    except ValueError:
        form.fail(
            row, "relevant", item.get("id"),
            f"「显示条件」只支持 ${{编号}} = '值' 或 selected(${{编号}}, '值'),可用 or 连接;不支持:{relevant}",
            f"'relevant' supports only ${{item}} = 'value' or selected(${{item}}, 'value'), joined by or; "
            f"got: {relevant}",
        )  # fmt: skip


def _survey_row(form: _Form, row: int, values: tuple[Any, ...]) -> None:
    kind, list_name = _row_type(form, row, values)
    if kind is None:
        return
    item = row_fields(form.reading, "survey", row, values, SURVEY, skip=("type", "relevant"))
    _relevant(form, row, form.reading.sheets["survey"].get(values, "relevant"), item)
    if isinstance(kind, str):
        _structure(form, row, kind, item)
        return
    item = {**item, **kind}
    if _options(form, row, item, list_name):
        form.add(row, item)
    elif isinstance(item.get("id"), str):
        form.reading.broken.add(item["id"])


def read_workbook(data: bytes) -> Reading:
    """The workbook as template JSON, every error in its cells and structure, and where each part came from."""
    sheets = open_workbook(data)
    reading = Reading({}, sheets=sheets)
    read_settings(reading)
    form = _Form(reading, read_choices(reading))
    for row, values in sheets["survey"].rows:
        _survey_row(form, row, values)
    if form.repeat is not None:
        form.fail(form.repeat_row, "type", form.repeat.get("id"), "begin repeat 未结束", "'begin repeat' is not ended")
    if form.explicit:
        form.fail(form.section_row, "type", None, "begin group 未结束", "'begin group' is not ended")
    if form.sections:
        reading.doc["sections"] = form.sections
    return reading


__all__ = ["Column", "Reading", "UnreadableWorkbook", "open_workbook", "read_workbook"]

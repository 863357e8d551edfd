"""Write a checklist version as a workbook a person edits in Excel or WPS (layout: :mod:`schemas.workbook_layout`).

Every cell holding text is written as text (a label starting with ``=`` stays a
label, never a formula). The header is frozen, columns are sized, and the
columns with fixed values carry a data validation list.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from schemas.template import Condition, Group, Item, MultiChoice, SingleChoice, Template
from schemas.workbook_layout import (
    BEGIN_GROUP,
    BEGIN_REPEAT,
    CHOICES,
    END_GROUP,
    END_REPEAT,
    NO,
    SETTINGS,
    SOURCES,
    SURVEY,
    YES,
    Column,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_MAX_ROWS = 5000


def _quote(value: object) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"


def relevant_text(cond: Condition | None, multi: bool) -> str | None:
    """A condition in XLSForm's ``relevant`` syntax: ``${item} = 'v'``, or ``selected(${item}, 'v')``."""
    if cond is None:
        return None
    ref = "${" + cond.item + "}"
    parts = [f"selected({ref}, {_quote(v)})" if multi else f"{ref} = {_quote(v)}" for v in cond.any_of]
    return " or ".join(parts)


def _get(doc: dict[str, Any], field: str) -> Any:
    value: Any = doc
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "words":
        return " ".join(str(v) for v in value) or None
    return value


def _item_row(item: Item, kinds: dict[str, str], list_name: str | None, kind: str) -> list[Any]:
    doc = msgspec.to_builtins(item)
    doc["kind"] = kind
    target = kinds.get(item.show_if.item) if item.show_if is not None else None
    doc["show_if"] = relevant_text(item.show_if, target == "multi_choice")
    doc["options"] = list_name
    return [_cell(c, _get(doc, c.field)) for c in SURVEY]


def _survey_rows(template: Template) -> Iterator[list[Any]]:
    kinds: dict[str, str] = {}
    for section in template.sections:
        head = {"kind": BEGIN_GROUP, "id": section.id, "label": msgspec.to_builtins(section.title)}
        head["show_if"] = (
            relevant_text(section.show_if, kinds.get(section.show_if.item) == "multi_choice")
            if section.show_if
            else None
        )
        yield [_cell(c, _get(head, c.field)) for c in SURVEY]
        for item in section.items:
            if isinstance(item, Group):
                yield _item_row(item, kinds, None, BEGIN_REPEAT)
                for child in item.items:
                    yield _item_row(child, kinds, _list_name(child), _kind(child))
                    kinds[child.id] = _kind(child)
                yield [END_REPEAT] + [None] * (len(SURVEY) - 1)
            else:
                yield _item_row(item, kinds, _list_name(item), _kind(item))
            kinds[item.id] = _kind(item)
        yield [END_GROUP] + [None] * (len(SURVEY) - 1)


def _kind(item: Item) -> str:
    tag = type(item).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def _list_name(item: Item) -> str | None:
    return item.id if isinstance(item, SingleChoice | MultiChoice) else None


def _choice_rows(template: Template) -> Iterator[list[Any]]:
    for section in template.sections:
        for top in section.items:
            for item in top.items if isinstance(top, Group) else [top]:
                if isinstance(item, SingleChoice | MultiChoice):
                    for option in item.options:
                        fail = YES if option.value in item.fail_values else None
                        yield [item.id, option.value, option.label.zh, option.label.en, fail]


def _settings_row(template: Template) -> list[Any]:
    doc = msgspec.to_builtins(template)
    return [_cell(c, _get(doc, c.field)) for c in SETTINGS]


def _sheet(sheet: Worksheet, columns: tuple[Column, ...], rows: list[list[Any]]) -> None:
    sheet.append([c.title for c in columns])
    sheet.append([c.key for c in columns])
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for n, column in enumerate(columns, start=1):
        letter = get_column_letter(n)
        sheet.column_dimensions[letter].width = column.width
        for head in (sheet[f"{letter}1"], sheet[f"{letter}2"]):
            head.font = Font(bold=head.row == 1)
            head.fill = _HEAD
        if column.values:
            listed = DataValidation(type="list", formula1='"' + ",".join(column.values) + '"', allow_blank=True)
            listed.error = f"请从列表中选择 / choose from the list: {', '.join(column.values)}"
            listed.showErrorMessage = True
            sheet.add_data_validation(listed)
            listed.add(f"{letter}3:{letter}{_MAX_ROWS}")
    sheet.freeze_panes = "C3" if columns is SURVEY else "A3"


def write_workbook(template: Template) -> bytes:
    """The template as an ``.xlsx`` workbook: sheets survey, choices, settings, sources."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    _sheet(survey, SURVEY, list(_survey_rows(template)))
    _sheet(book.create_sheet("choices"), CHOICES, list(_choice_rows(template)))
    _sheet(book.create_sheet("settings"), SETTINGS, [_settings_row(template)])
    sources = [[s.title, s.note or None] for s in template.sources]
    _sheet(book.create_sheet("sources"), SOURCES, sources)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

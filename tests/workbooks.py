"""Editing checklist workbooks in openpyxl as a person would in Excel: change a cell, insert, delete, move rows."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from schemas.template import Template
from schemas.workbook_write import write_workbook


def open_book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def exported(template: Template) -> Workbook:
    return open_book(write_workbook(template))


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def columns(sheet: Worksheet) -> dict[str, int]:
    """Key (row 2) → column number."""
    return {str(c.value): c.column for c in sheet[2] if c.value is not None}


def row_of(sheet: Worksheet, name: str, key: str = "name") -> int:
    col = columns(sheet)[key]
    for row in sheet.iter_rows(min_row=3):
        if row[col - 1].value == name and row[0].row is not None:
            return row[0].row
    raise KeyError(name)


def set_cell(sheet: Worksheet, name: str, key: str, value: Any) -> int:
    row = row_of(sheet, name)
    sheet.cell(row, columns(sheet)[key]).value = value
    return row


def row_values(sheet: Worksheet, row: int) -> list[Any]:
    return [c.value for c in sheet[row]]


def insert_row(sheet: Worksheet, at: int, values: dict[str, Any]) -> None:
    sheet.insert_rows(at)
    cols = columns(sheet)
    for key, value in values.items():
        sheet.cell(at, cols[key]).value = value


def move_row(sheet: Worksheet, name: str, before: str) -> None:
    """Cut the row of ``name`` and insert it above the row of ``before``."""
    row = row_of(sheet, name)
    values = row_values(sheet, row)
    sheet.delete_rows(row)
    at = row_of(sheet, before)
    sheet.insert_rows(at)
    for n, value in enumerate(values, start=1):
        sheet.cell(at, n).value = value

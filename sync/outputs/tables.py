"""Export rows encoded as tables, a piece at a time: CSV text (UTF-8 with a BOM) or an XLSX workbook.

Both take a header and an iterator of rows and yield bytes as they go, so an export of any
size is never held whole in memory: the CSV flushes every :data:`FLUSH_ROWS` rows; the XLSX is
written by openpyxl's write-only workbook to a temporary file, then read back in
:data:`CHUNK`-byte pieces.

Every text cell passes :func:`neutralise` first (OWASP's CSV-injection guidance): text a
spreadsheet would read as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, also after leading spaces, and the full-width ``＝＋－＠`` that Excel and WPS
take as formulas in Chinese locales — gets a leading ``'``. In the CSV every text field is quoted
and numbers are written bare; in the XLSX numbers stay numeric cells and text is always a string
cell, never a formula. Only text is touched: a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CSV_TYPE = "text/csv"  # the server names the charset (utf-8) itself, as for every text type
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
FLUSH_ROWS = 200
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet could take it for a formula; else as it is."""
    if text[:1] in FORMULA_START or text.lstrip()[:1] in FORMULA_START:
        return "'" + text
    return text


def _csv_value(value: Any) -> Any:
    """A CSV field: ``None`` empty, text neutralised, numbers as they are."""
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads the Chinese), a buffer of rows at a time; ``None`` is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted, numbers bare
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v) for v in row])
        if n % FLUSH_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(title: str, header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """One sheet named ``title``: openpyxl's write-only workbook in a temporary file, read back in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title)
        sheet.append(header)
        try:
            for row in rows:
                sheet.append([_xlsx_value(sheet, v) for v in row])
        except BaseException:
            sheet.close()  # end the sheet's writer now, not when it is collected after its file is gone
            raise
        book.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell: text neutralised (characters XML cannot hold replaced) as a string cell; anything else as it is."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralise(value)))
    cell.data_type = "s"  # a string cell whatever it starts with: never a formula
    return cell

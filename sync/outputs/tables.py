"""Export rows encoded as tables, a piece at a time: CSV text (UTF-8 with a BOM) or an XLSX workbook.

Both take a header and an iterator of rows and yield bytes as they go, so an export of any
size is never held whole in memory: the CSV flushes every :data:`FLUSH_ROWS` rows; the XLSX is
written by openpyxl's write-only workbook to a temporary file, then read back in
:data:`CHUNK`-byte pieces.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook

CSV_TYPE = "text/csv"  # the server names the charset (utf-8) itself, as for every text type
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
FLUSH_ROWS = 200


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads the Chinese), a buffer of rows at a time; ``None`` is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow(["" if v is None else v for v in row])
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
        for row in rows:
            sheet.append(row)
        book.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)

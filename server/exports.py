"""CSV and XLSX exports of inspections and answers, streamed a page of rows at a time."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream
from openpyxl import Workbook

from schemas.catalog import Catalog
from server.auth import Caller
from sync.db.store import Store
from sync.outputs import exports
from sync.review.reports import report_sites

Query = Annotated[str | None, QueryParameter()]
Rows = Callable[[Store, Catalog, list[str], date | None, date | None], Iterator[list[Any]]]
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
FLUSH_ROWS = 200


def _csv(header: list[str], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads the Chinese), a buffer of rows at a time."""
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


def _xlsx(title: str, header: list[str], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """openpyxl's write-only workbook (rows go to disk as they come) in a temporary file, sent in chunks."""
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


def _export(
    kind: str, fmt: str, rows: Rows, header: list[str], store: Store, catalog: Catalog, caller: Caller, **params: Any
) -> Stream:
    sites = report_sites(store, caller.user, params["district_id"])
    first, last = exports.export_range(params["month"], params["first"], params["last"])
    source = rows(store, catalog, sites, first, last)
    disposition = {"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'}
    if fmt == "csv":
        return Stream(_csv(header, source), media_type=CSV_TYPE, headers=disposition)
    return Stream(_xlsx(kind, header, source), media_type=XLSX_TYPE, headers=disposition)


Month = Annotated[str | None, QueryParameter()]
From = Annotated[str | None, QueryParameter(name="from")]
To = Annotated[str | None, QueryParameter(name="to")]


@get("/inspections.csv")
async def inspections_csv(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per inspection (``month`` or ``from``/``to``, ``district_id``), CSV with a BOM."""
    return _export(
        "inspections", "csv", exports.inspection_rows, exports.INSPECTION_COLUMNS, store, catalog, caller,
        month=month, first=first, last=last, district_id=district_id,
    )  # fmt: skip


@get("/inspections.xlsx")
async def inspections_xlsx(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per inspection, as an XLSX workbook."""
    return _export(
        "inspections", "xlsx", exports.inspection_rows, exports.INSPECTION_COLUMNS, store, catalog, caller,
        month=month, first=first, last=last, district_id=district_id,
    )  # fmt: skip


@get("/answers.csv")
async def answers_csv(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per answer: item, label, clause, value, outcome; photos as hashes and blob URLs."""
    return _export(
        "answers", "csv", exports.answer_rows, exports.ANSWER_COLUMNS, store, catalog, caller,
        month=month, first=first, last=last, district_id=district_id,
    )  # fmt: skip


@get("/answers.xlsx")
async def answers_xlsx(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per answer, as an XLSX workbook."""
    return _export(
        "answers", "xlsx", exports.answer_rows, exports.ANSWER_COLUMNS, store, catalog, caller,
        month=month, first=first, last=last, district_id=district_id,
    )  # fmt: skip


router = Router(path="/api/exports", route_handlers=[inspections_csv, inspections_xlsx, answers_csv, answers_xlsx])

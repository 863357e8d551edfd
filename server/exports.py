"""CSV and XLSX exports of inspections and answers, streamed as :mod:`sync.outputs.tables` encodes them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from schemas.catalog import Catalog
from server.auth import Caller
from sync.db.store import Store
from sync.outputs import exports
from sync.outputs.tables import CSV_TYPE, XLSX_TYPE, csv_chunks, xlsx_chunks
from sync.review.reports import report_sites

Query = Annotated[str | None, QueryParameter()]
Rows = Callable[[Store, Catalog, list[str], date | None, date | None], Iterator[list[Any]]]


def _export(
    kind: str, fmt: str, rows: Rows, header: list[str], store: Store, catalog: Catalog, caller: Caller, **params: Any
) -> Stream:
    sites = report_sites(store, caller.user, params["district_id"])
    first, last = exports.export_range(params["month"], params["first"], params["last"])
    source = rows(store, catalog, sites, first, last)
    disposition = {"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'}
    if fmt == "csv":
        return Stream(csv_chunks(header, source), media_type=CSV_TYPE, headers=disposition)
    return Stream(xlsx_chunks(kind, header, source), media_type=XLSX_TYPE, headers=disposition)


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

"""``/api/exports``: inspections and answers as CSV or XLSX downloads, streamed as :mod:`sync.outputs` makes them.

An export is a long job: choosing its sites and every step of the streamed file run in the
long-job pool (:mod:`server.workers`), never on the event loop nor in a request's worker.

Everything that can be checked is checked before the first byte: the parameters (real dates in
range, :mod:`server.params`), and the file's first piece is made before the status line is sent,
so a fault there is a problem response. A fault after the file has started cannot change the
status any more: the error propagates, and the server drops the connection without ending the
chunked body, so the client sees a broken transfer, never a short file that looks complete.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from schemas.catalog import Catalog
from server import params
from server.compression import UNCOMPRESSED
from server.dependencies import Caller
from server.workers import Workers
from sync.db.store import Store
from sync.outputs import exports
from sync.outputs.tables import CSV_TYPE, XLSX_TYPE, csv_chunks, xlsx_chunks
from sync.review.reports import report_sites

Query = Annotated[str | None, QueryParameter()]
Month = Annotated[str | None, QueryParameter()]
From = Annotated[str | None, QueryParameter(name="from")]
To = Annotated[str | None, QueryParameter(name="to")]
Rows = Callable[[Store, Catalog, list[str], date | None, date | None], Iterator[list[Any]]]
TABLES: dict[str, tuple[Rows, list[str]]] = {
    "inspections": (exports.inspection_rows, exports.INSPECTION_COLUMNS),
    "answers": (exports.answer_rows, exports.ANSWER_COLUMNS),
}


async def _export(
    kind: str,
    fmt: str,
    caller: Caller,
    store: Store,
    catalog: Catalog,
    workers: Workers,
    period: tuple[str | None, str | None, str | None],
    district_id: str | None,
) -> Stream:
    """The rows of ``kind`` at the caller's sites in ``period`` (month, from, to), streamed as a CSV or XLSX file."""
    rows, header = TABLES[kind]
    month, first_day, last_day = period
    if month is not None:
        params.month("month", month)
    params.optional_day("from", first_day)
    params.optional_day("to", last_day)
    first, last = exports.export_range(*period)
    sites = await workers.long_job(report_sites, store, caller.user, district_id)
    source = rows(store, catalog, sites, first, last)
    disposition = {"Content-Disposition": f'attachment; filename="{kind}.{fmt}"'}
    chunks = csv_chunks(header, source) if fmt == "csv" else xlsx_chunks(kind, header, source)
    first_piece = await workers.long_job(_first, chunks)  # a fault here is still a problem response
    body = workers.long_steps(itertools.chain([first_piece], chunks))
    return Stream(body, media_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE, headers=disposition)


def _first(chunks: Iterator[bytes]) -> bytes:
    """The first piece of a file (every table writer yields at least one)."""
    return next(chunks)


@get("/inspections.csv")
async def inspections_csv(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per inspection (``month`` or ``from``/``to``, ``district_id``), CSV with a BOM."""
    return await _export("inspections", "csv", caller, store, catalog, workers, (month, first, last), district_id)


@get("/inspections.xlsx", opt=UNCOMPRESSED)
async def inspections_xlsx(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per inspection, as an XLSX workbook."""
    return await _export("inspections", "xlsx", caller, store, catalog, workers, (month, first, last), district_id)


@get("/answers.csv")
async def answers_csv(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per answer: item, label, clause, value, outcome; photos as hashes and blob URLs."""
    return await _export("answers", "csv", caller, store, catalog, workers, (month, first, last), district_id)


@get("/answers.xlsx", opt=UNCOMPRESSED)
async def answers_xlsx(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    workers: NamedDependency[Workers],
    month: Month = None,
    first: From = None,
    last: To = None,
    district_id: Query = None,
) -> Stream:
    """One row per answer, as an XLSX workbook."""
    return await _export("answers", "xlsx", caller, store, catalog, workers, (month, first, last), district_id)


router = Router(path="/api/exports", route_handlers=[inspections_csv, inspections_xlsx, answers_csv, answers_xlsx])

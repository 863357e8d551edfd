"""Stored facts of an inspection: what reports, the queue and coverage read instead of its document.

An inspection's facts are computed from its document and checklist version
(``schemas.scoring``) in the transaction that changes it (``sync.push.Batch.flush``),
once per inspection per batch, and stored in two narrow, indexed tables:

* ``inspection_fact``: one row per inspection, with its site, checklist version,
  inspector and status; the China date (UTC+8) of ``created_at`` as the day
  (``YYYY-MM-DD``), month (``YYYY-MM``) and quarter (``YYYY-Qn``); the score in
  integer tenths (``NULL`` when nothing weighs), the verdict (1 pass, 0 fail,
  ``NULL`` none), how many critical items failed and how many answers failed;
* ``inspection_failure``: per inspection and failed item (``item_path``, group
  entries share it), the item's clause and severity and how many answers failed
  it (each group entry counts). Labels come from the catalog by checklist version.

An inspection whose checklist version is not in the catalog has facts without a
score, verdict or failures. :func:`backfill` fills the facts of inspections stored
before the tables existed (run at server start; cheap when nothing is missing).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Any

from msgspec import Struct

from schemas.catalog import Catalog
from schemas.scoring import answer_outcomes, score_outcomes
from sync.clock import china_date
from sync.db.store import Store
from sync.engine.document import answers_of
from sync.engine.rows import InspectionRow, rows_where

BACKFILLED_KEY = "facts_backfilled"
_BACKFILL_CHUNK = 500  # inspections a transaction: a start-up backfill never holds the write lock long


class Failure(Struct, frozen=True):
    """How many answers of one inspection failed one checklist item."""

    checklist_id: str
    item_path: str
    clause: str
    severity: str
    count: int


class Fact(Struct, frozen=True):
    """The stored facts of one inspection (see the module docstring)."""

    inspection_id: str
    org_id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    china_day: str
    china_month: str
    china_quarter: str
    created_at: str
    score_tenths: int | None
    verdict: int | None
    failed_critical: int
    failed_answers: int


def period_keys(created_at: str) -> tuple[str, str, str]:
    """The China day, month and quarter (``2026-07-01``, ``2026-07``, ``2026-Q3``) of a stored UTC time."""
    day = china_date(created_at)
    return day.isoformat(), f"{day.year}-{day.month:02d}", f"{day.year}-Q{(day.month + 2) // 3}"


def compute(row: InspectionRow, catalog: Catalog) -> tuple[Fact, list[Failure]]:
    """The facts and failed items of an inspection as it stands, from its answers and checklist version."""
    day, month, quarter = period_keys(row.created_at)
    head: dict[str, Any] = {
        "inspection_id": row.id,
        "org_id": row.org_id,
        "site_id": row.site_id,
        "checklist_id": row.checklist_id,
        "version": row.version,
        "inspector_id": row.inspector_id,
        "status": row.status,
        "china_day": day,
        "china_month": month,
        "china_quarter": quarter,
        "created_at": row.created_at,
    }
    template = catalog.get(row.checklist_id, row.version)
    if template is None:
        return Fact(**head, score_tenths=None, verdict=None, failed_critical=0, failed_answers=0), []
    outcomes = list(answer_outcomes(template, answers_of(row.doc)))
    score = score_outcomes(template, outcomes)
    counts: Counter[str] = Counter()
    items: dict[str, tuple[str, str]] = {}
    for answer in outcomes:
        if answer.outcome == "fail":
            counts[answer.item_path] += 1
            items[answer.item_path] = (answer.item.clause, answer.item.severity)
    fact = Fact(
        **head,
        score_tenths=None if score.score is None else round(score.score * 10),
        verdict=None if score.passed is None else int(score.passed),
        failed_critical=len(score.failed_critical),
        failed_answers=sum(counts.values()),
    )
    failures = [Failure(row.checklist_id, path, *items[path], n) for path, n in counts.items()]
    return fact, failures


_COLUMNS = Fact.__struct_fields__
_UPSERT = (
    f"INSERT INTO inspection_fact ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (inspection_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "inspection_id")
)


def store_facts(conn: sqlite3.Connection, catalog: Catalog, rows: Iterable[InspectionRow]) -> None:
    """Compute and write the facts of these rows (already written), replacing what was stored of them."""
    facts: list[tuple[Any, ...]] = []
    failures: list[tuple[Any, ...]] = []
    ids: list[str] = []
    for row in rows:
        fact, failed = compute(row, catalog)
        ids.append(row.id)
        facts.append(tuple(getattr(fact, c) for c in _COLUMNS))
        failures += [(row.id, f.checklist_id, f.item_path, f.clause, f.severity, f.count) for f in failed]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(f"DELETE FROM inspection_failure WHERE inspection_id IN ({','.join('?' * len(chunk))})", chunk)
    conn.executemany(_UPSERT, facts)
    conn.executemany(
        "INSERT INTO inspection_failure (inspection_id, checklist_id, item_path, clause, severity, count)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        failures,
    )


def backfill(store: Store, catalog: Catalog) -> int:
    """Store the facts of every inspection that has none, in one pass by id, a transaction per chunk; returns how many.

    Idempotent: an interrupted backfill starts again where facts are missing.

    Once every inspection has facts a ``server_meta`` marker is set, so a later start reads one row.
    """
    if store.db.execute("SELECT 1 FROM server_meta WHERE key = ?", [BACKFILLED_KEY]).fetchone():
        return 0
    done, after = 0, ""
    while True:
        with store.transaction() as conn:
            rows = rows_where(
                conn,
                "id > ? AND NOT EXISTS (SELECT 1 FROM inspection_fact f WHERE f.inspection_id = inspection.id)"
                " ORDER BY id LIMIT ?",
                [after, _BACKFILL_CHUNK],
            )
            store_facts(conn, catalog, rows)
            done += len(rows)
            if len(rows) == _BACKFILL_CHUNK:
                after = rows[-1].id
                continue
            conn.execute(
                "INSERT INTO server_meta (key, value) VALUES (?, '1')"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [BACKFILLED_KEY],
            )
            return done

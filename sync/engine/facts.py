"""Stored facts of an inspection: what reports, the queue and coverage read instead of its document.

An inspection's facts are computed from its document and checklist version (the rules of
``schemas.scoring``, compiled once per version by :mod:`sync.engine.fact_scoring`) in the
transaction that changes it (``sync.push.Batch.flush``), once per inspection per batch, only when
its answers changed (a move or a deletion writes the new status alone, :func:`store_status`), and
only what differs from the stored rows is written. Two narrow, indexed tables:

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
from collections.abc import Collection, Iterable
from typing import Any

from msgspec import Struct

from schemas.catalog import Catalog
from schemas.template import Template
from sync.clock import china_date
from sync.db.store import Store
from sync.engine.document import answers_of
from sync.engine.fact_scoring import FactScorer
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
    scored = scorer(template).score(answers_of(row.doc))
    fact = Fact(
        **head,
        score_tenths=scored.score_tenths,
        verdict=scored.verdict,
        failed_critical=scored.failed_critical,
        failed_answers=sum(scored.failed.values()),
    )
    failures = [Failure(row.checklist_id, path, *scored.labels[path], n) for path, n in scored.failed.items()]
    return fact, failures


_SCORERS: dict[tuple[str, int], FactScorer] = {}


def scorer(template: Template) -> FactScorer:
    """The compiled scorer of a checklist version, made once per version (again if the catalog's copy changed)."""
    key = (template.checklist_id, template.version)
    found = _SCORERS.get(key)
    if found is None or found.template is not template:
        found = _SCORERS[key] = FactScorer(template)
    return found


_COLUMNS = Fact.__struct_fields__
_UPSERT = (
    f"INSERT INTO inspection_fact ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (inspection_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "inspection_id")
)
_FAILURE_COLUMNS = ("inspection_id", "checklist_id", "item_path", "clause", "severity", "count")
_UPSERT_FAILURE = (
    f"INSERT INTO inspection_failure ({', '.join(_FAILURE_COLUMNS)}) VALUES ({', '.join('?' * len(_FAILURE_COLUMNS))})"
    " ON CONFLICT (inspection_id, item_path) DO UPDATE SET checklist_id = excluded.checklist_id,"
    " clause = excluded.clause, severity = excluded.severity, count = excluded.count"
)


def store_facts(
    conn: sqlite3.Connection, catalog: Catalog, rows: Iterable[InspectionRow], *, new: Collection[str] = ()
) -> None:
    """Compute the facts of these rows (already written) and write what differs from what was stored of them.

    ``new`` names rows created in this transaction (nothing stored of them: nothing is read). For the
    others the stored fact and failed items are read in one go, and only a fact that changed is
    written, and only the failed items added, changed or gone.
    """
    computed = [(row.id, *compute(row, catalog)) for row in rows]
    held_facts, held_failures = _held(conn, [i for i, _, _ in computed if i not in new])
    facts: list[tuple[Any, ...]] = []
    failures: dict[tuple[str, str], tuple[Any, ...]] = {}
    for inspection_id, fact, failed in computed:
        values = tuple(getattr(fact, c) for c in _COLUMNS)
        if held_facts.get(inspection_id) != values:
            facts.append(values)
        for f in failed:
            failures[(inspection_id, f.item_path)] = (
                inspection_id,
                f.checklist_id,
                f.item_path,
                f.clause,
                f.severity,
                f.count,
            )
    conn.executemany(
        "DELETE FROM inspection_failure WHERE inspection_id = ? AND item_path = ?",
        [key for key in held_failures if key not in failures],
    )
    conn.executemany(_UPSERT, facts)
    conn.executemany(_UPSERT_FAILURE, [v for key, v in failures.items() if held_failures.get(key) != v])


def store_status(conn: sqlite3.Connection, catalog: Catalog, rows: Iterable[InspectionRow]) -> None:
    """Write the new status of rows whose answers did not change (a move, a deletion): nothing is scored again.

    A row without stored facts gets them computed whole.
    """
    missing = []
    for row in rows:
        if not conn.execute(
            "UPDATE inspection_fact SET status = ? WHERE inspection_id = ?", [row.status, row.id]
        ).rowcount:
            missing.append(row)
    if missing:
        store_facts(conn, catalog, missing)


def _held(
    conn: sqlite3.Connection, ids: list[str]
) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    """The stored facts (by id) and failed items (by id and item) of these inspections."""
    facts: dict[str, tuple[Any, ...]] = {}
    failures: dict[tuple[str, str], tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for values in conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM inspection_fact WHERE inspection_id IN ({marks})", chunk
        ):
            facts[values[0]] = tuple(values)
        for values in conn.execute(
            f"SELECT {', '.join(_FAILURE_COLUMNS)} FROM inspection_failure WHERE inspection_id IN ({marks})", chunk
        ):
            failures[(values[0], values[2])] = tuple(values)
    return facts, failures


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

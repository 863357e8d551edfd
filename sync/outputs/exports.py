"""Rows for the CSV and XLSX exports, read from the database a page at a time (never all at once).

An export covers the inspections started (``created_at``, as a China date, as in
:mod:`sync.review.reports`) between ``first`` and ``last`` at the sites a supervisor or admin
sees (narrowed by a district), every status but ``deleted``, oldest first. Photos and
signature images appear as their SHA-256 and the blob URL, never as bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import msgspec

from schemas.catalog import Catalog
from schemas.scoring import answer_outcomes, score_inspection
from schemas.template import Photo, Signature
from sync.db.store import Store
from sync.engine.document import answers_of, decode_document
from sync.errors import InvalidInput
from sync.review.reports import month_period, utc_bounds

PAGE = 200
INSPECTION_COLUMNS = [
    "inspection_id",
    "site_id",
    "site",
    "checklist_id",
    "version",
    "inspector",
    "status",
    "created_at",
    "updated_at",
    "score",
    "passed",
    "failed_items",
    "open_conflicts",
    "photos_received",
    "photos_expected",
]
ANSWER_COLUMNS = [
    "inspection_id",
    "pointer",
    "item_path",
    "label_zh",
    "label_en",
    "clause",
    "kind",
    "value",
    "outcome",
    "sha256",
    "blob_url",
]
_PHOTOS = (
    "(SELECT count(DISTINCT r.sha256) FROM evidence_ref r JOIN blob b ON b.org_id = r.org_id"
    " AND b.sha256 = r.sha256 WHERE r.inspection_id = i.id AND r.kind = 'photo'),"
    " (SELECT count(DISTINCT r.sha256) FROM evidence_ref r WHERE r.inspection_id = i.id AND r.kind = 'photo')"
)


def export_range(month: str | None, first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """``month`` (``YYYY-MM``) or ``from``/``to`` (ISO dates, each optional), not both."""
    if month is not None:
        if first is not None or last is not None:
            raise InvalidInput("give month or from/to, not both")
        period = month_period(month)
        return date.fromisoformat(period.first), date.fromisoformat(period.last)
    try:
        days = (date.fromisoformat(first) if first else None, date.fromisoformat(last) if last else None)
    except ValueError:
        raise InvalidInput("from and to are ISO dates (YYYY-MM-DD)") from None
    if days[0] and days[1] and days[1] < days[0]:
        raise InvalidInput("the range ends before it starts")
    return days


def _pages(store: Store, sites: list[str], first: date | None, last: date | None) -> Iterator[tuple[Any, ...]]:
    """The inspections in range, a page per query, keyed on ``(created_at, id)``."""
    if not sites:
        return
    start = utc_bounds(first, first)[0] if first else ""
    end = utc_bounds(last, last)[1] if last else "~"
    marks = ",".join("?" * len(sites))
    after = ("", "")
    while True:
        with store.lock:
            rows = store.db.execute(
                "SELECT i.id, i.site_id, s.name, i.checklist_id, i.version, u.username, i.status, i.created_at,"
                f" i.updated_at, i.open_conflicts, {_PHOTOS}, i.state_json FROM inspection i"
                " JOIN site s ON s.id = i.site_id LEFT JOIN user u ON u.id = i.inspector_id"
                f" WHERE i.site_id IN ({marks}) AND i.status != 'deleted' AND i.created_at >= ? AND i.created_at < ?"
                " AND (i.created_at, i.id) > (?, ?) ORDER BY i.created_at, i.id LIMIT ?",
                [*sites, start, end, *after, PAGE],
            ).fetchall()
        yield from rows
        if len(rows) < PAGE:
            return
        after = (rows[-1][7], rows[-1][0])


def inspection_rows(
    store: Store, catalog: Catalog, sites: list[str], first: date | None, last: date | None
) -> Iterator[list[Any]]:
    """One row per inspection, in :data:`INSPECTION_COLUMNS` order."""
    for r in _pages(store, sites, first, last):
        template = catalog.get(r[3], r[4])
        score = score_inspection(template, answers_of(decode_document(r[12]))) if template else None
        yield [
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            None if score is None else score.score,
            None if score is None else score.passed,
            None if score is None else score.counts.failed,
            r[9],
            r[10],
            r[11],
        ]


def answer_rows(
    store: Store, catalog: Catalog, sites: list[str], first: date | None, last: date | None
) -> Iterator[list[Any]]:
    """One row per visible answer (each group entry's answers apart), in :data:`ANSWER_COLUMNS` order."""
    for r in _pages(store, sites, first, last):
        template = catalog.get(r[3], r[4])
        if template is None:
            continue
        for answer in answer_outcomes(template, answers_of(decode_document(r[12]))):
            hashes = _hashes(answer.item, answer.value)
            yield [
                r[0],
                answer.pointer,
                answer.item_path,
                answer.item.label.zh,
                answer.item.label.en,
                answer.item.clause,
                answer.item.__struct_config__.tag,
                cell(answer.value),
                answer.outcome or "",
                " ".join(hashes),
                " ".join(f"/api/blobs/{h}" for h in hashes),
            ]


def cell(value: Any) -> Any:
    """Scalars as they are; lists and objects as compact JSON."""
    if isinstance(value, (list, dict)):
        return msgspec.json.encode(value).decode()
    return value


def _hashes(item: Any, value: Any) -> list[str]:
    if isinstance(item, Photo) and isinstance(value, list):
        return [str(h) for h in value]
    if isinstance(item, Signature) and isinstance(value, dict):
        return [str(value[k]) for k in ("image_sha256", "witness_image_sha256") if value.get(k)]
    return []

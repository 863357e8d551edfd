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
from sync.db.named import named_rows
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
    " AND b.sha256 = r.sha256 WHERE r.inspection_id = i.id AND r.kind = 'photo') AS photos_received,"
    " (SELECT count(DISTINCT r.sha256) FROM evidence_ref r WHERE r.inspection_id = i.id AND r.kind = 'photo')"
    " AS photos_expected"
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


def _pages(store: Store, sites: list[str], first: date | None, last: date | None) -> Iterator[dict[str, Any]]:
    """The inspections in range by column name, a page per query, keyed on ``(created_at, id)``.

    Each page reads ``inspection_created`` (m090) from where the last stopped, the scope's sites
    checked inside the index: ``(site_id || '')`` keeps the planner off the index by site, through
    which every page would gather and sort the rest of the range at every site in scope.
    """
    if not sites:
        return
    start = utc_bounds(first, first)[0] if first else ""
    end = utc_bounds(last, last)[1] if last else "~"
    marks = ",".join("?" * len(sites))
    after = ("", "")
    while True:
        cursor = store.db.execute(  # this thread's reader: no lock, a push is never kept waiting
            "SELECT i.id AS inspection_id, i.site_id, s.name AS site, i.checklist_id, i.version,"
            " u.username AS inspector, i.status, i.created_at, i.updated_at, i.open_conflicts,"
            f" {_PHOTOS}, i.state_json FROM inspection i"
            " JOIN site s ON s.id = i.site_id LEFT JOIN user u ON u.id = i.inspector_id"
            f" WHERE (i.site_id || '') IN ({marks}) AND i.status != 'deleted'"
            " AND i.created_at >= ? AND i.created_at < ? AND (i.created_at, i.id) > (?, ?)"
            " ORDER BY i.created_at, i.id LIMIT ?",
            [*sites, start, end, *after, PAGE],
        )
        rows = list(named_rows(cursor))
        yield from rows
        if len(rows) < PAGE:
            return
        after = (rows[-1]["created_at"], rows[-1]["inspection_id"])


def inspection_rows(
    store: Store, catalog: Catalog, sites: list[str], first: date | None, last: date | None
) -> Iterator[list[Any]]:
    """One row per inspection, in :data:`INSPECTION_COLUMNS` order (the query names its columns so)."""
    for r in _pages(store, sites, first, last):
        template = catalog.get(r["checklist_id"], r["version"])
        score = score_inspection(template, answers_of(decode_document(r["state_json"]))) if template else None
        r["score"] = None if score is None else score.score
        r["passed"] = None if score is None else score.passed
        r["failed_items"] = None if score is None else score.counts.failed
        yield [r[column] for column in INSPECTION_COLUMNS]


def answer_rows(
    store: Store, catalog: Catalog, sites: list[str], first: date | None, last: date | None
) -> Iterator[list[Any]]:
    """One row per visible answer (each group entry's answers apart), in :data:`ANSWER_COLUMNS` order."""
    for r in _pages(store, sites, first, last):
        template = catalog.get(r["checklist_id"], r["version"])
        if template is None:
            continue
        for answer in answer_outcomes(template, answers_of(decode_document(r["state_json"]))):
            hashes = _hashes(answer.item, answer.value)
            yield [
                r["inspection_id"],
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

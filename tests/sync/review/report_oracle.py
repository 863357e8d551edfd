"""The reports' figures as they were computed before stored facts: every done inspection's document
decoded and scored on read. Kept as the oracle the stored-fact reports are held equal to.

Copied from ``sync/review/reports.py`` (``done_inspections``, ``_Tally``, ``figures``, ``_finding_rows``)
as it stood before issue 13; planned periods and action figures are shared with the reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from statistics import median
from typing import Any

from schemas.catalog import Catalog
from schemas.scoring import answer_outcomes, score_inspection
from sync.clock import china_date
from sync.db.named import named_rows
from sync.db.store import Store
from sync.engine.document import answers_of, decode_document
from sync.org.accounts import User
from sync.review.register import is_overdue
from sync.review.reports import (
    DONE,
    TOP,
    ActionFigures,
    FailingClause,
    FailingItem,
    Figures,
    Period,
    _planned,
    half_up,
    utc_bounds,
)


def done_inspections(store: Store, sites: list[str], first: date, last: date) -> Iterator[dict[str, Any]]:
    """``id, site_id, checklist_id, version, status, state_json`` of done inspections started in the days."""
    if not sites:
        return
    start, end = utc_bounds(first, last)
    marks = ",".join("?" * len(sites))
    after = ""
    while True:
        cursor = store.db.execute(
            "SELECT id, site_id, checklist_id, version, status, state_json FROM inspection"
            f" WHERE site_id IN ({marks}) AND status IN ({','.join('?' * len(DONE))})"
            " AND created_at >= ? AND created_at < ? AND id > ? ORDER BY id LIMIT 200",
            [*sites, *DONE, start, end, after],
        )
        rows = list(named_rows(cursor))
        yield from rows
        if len(rows) < 200:
            return
        after = rows[-1]["id"]


@dataclass
class Tally:
    """A period's done inspections added up one by one: statuses, scores, verdicts, failed answers."""

    ids: list[str] = field(default_factory=list)
    by_status: Counter[str] = field(default_factory=Counter)
    scores: list[Fraction] = field(default_factory=list)
    passed: int = 0
    verdicts: int = 0
    items: Counter[tuple[str, str]] = field(default_factory=Counter)
    clauses: Counter[str] = field(default_factory=Counter)
    labels: dict[tuple[str, str], tuple[dict[str, str], str, str]] = field(default_factory=dict)

    def add(self, inspection: dict[str, Any], catalog: Catalog) -> None:
        """Count one done inspection; its answers only when its checklist version is known here."""
        self.ids.append(inspection["id"])
        self.by_status[inspection["status"]] += 1
        template = catalog.get(inspection["checklist_id"], inspection["version"])
        if template is None:
            return
        answers = answers_of(decode_document(inspection["state_json"]))
        score = score_inspection(template, answers)
        if score.score is not None:
            self.scores.append(Fraction(str(score.score)))
        if score.passed is not None:
            self.verdicts += 1
            self.passed += score.passed
        for answer in answer_outcomes(template, answers):
            if answer.outcome == "fail":
                key = (inspection["checklist_id"], answer.item_path)
                self.items[key] += 1
                self.clauses[answer.item.clause] += 1
                self.labels[key] = (
                    {"zh": answer.item.label.zh, "en": answer.item.label.en},
                    answer.item.clause,
                    answer.item.severity,
                )


def oracle_figures(
    store: Store, catalog: Catalog, user: User, sites: list[str], period: Period, today: date
) -> Figures:
    """The figures of one period from the raw answers, as the reports computed them before stored facts."""
    first, last = date.fromisoformat(period.first), date.fromisoformat(period.last)
    tally = Tally()
    for inspection in done_inspections(store, sites, first, last):
        tally.add(inspection, catalog)
    findings_rows = list(finding_rows(store, tally.ids))
    top_items = sorted(tally.items.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    top_clauses = sorted(tally.clauses.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    scores, verdicts = tally.scores, tally.verdicts
    return Figures(
        period=period,
        inspections=len(tally.ids),
        by_status=dict(sorted(tally.by_status.items())),
        **_planned(store, user, sites, first, last, today),
        scored=len(scores),
        average_score=half_up(sum(scores, Fraction(0)) / len(scores)) if scores else None,
        passed=tally.passed,
        pass_rate=half_up(Fraction(100 * tally.passed, verdicts)) if verdicts else None,
        failed_answers=sum(tally.items.values()),
        top_failing_items=[FailingItem(c, p, *tally.labels[(c, p)], n) for (c, p), n in top_items],
        top_failing_clauses=[FailingClause(c, n) for c, n in top_clauses],
        actions=_actions(findings_rows, today),
        repeat_findings=sum(r["repeat_of"] is not None for r in findings_rows),
    )


def finding_rows(store: Store, ids: list[str]) -> Iterator[dict[str, Any]]:
    """The active findings of these inspections with their actions, by name."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = store.db.execute(
            "SELECT f.status, a.status AS action_status, a.deadline, f.created_at, a.closed_at, f.repeat_of"
            " FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
            f" WHERE f.status = 'active' AND f.inspection_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        yield from list(named_rows(rows))


def _actions(rows: list[dict[str, Any]], today: date) -> ActionFigures:
    """The corrective action figures of these findings, as they stand ``today``."""
    states = [r["action_status"] for r in rows]
    days = [
        (china_date(r["closed_at"]) - china_date(r["created_at"])).days
        for r in rows
        if r["action_status"] == "closed" and r["closed_at"]
    ]
    return ActionFigures(
        findings=len(rows),
        open=sum(state in ("open", "fixed_reported") for state in states),
        overdue=sum(is_overdue(r["status"], r["action_status"], r["deadline"], today) for r in rows),
        verified=states.count("verified"),
        closed=states.count("closed"),
        median_days_to_close=float(median(days)) if days else None,
    )

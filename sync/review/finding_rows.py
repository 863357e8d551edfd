"""The rows a finding is written as: new findings with their open action, history entries.

:mod:`sync.review.findings` decides what a submission records; this module writes it, a
submission's new findings in three statements for the lot (on PostgreSQL, one pipelined wait)
rather than three per finding.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import msgspec

from schemas.scoring import AnswerOutcome
from sync.clock import uuid7

if TYPE_CHECKING:
    from sync.engine.rows import InspectionRow

encoder = msgspec.json.Encoder()
_INSERT_HISTORY = (
    "INSERT INTO finding_event (finding_id, kind, user_id, seq, at, detail_json) VALUES (?, ?, ?, ?, ?, ?)"
)


def add_history(
    conn: sqlite3.Connection,
    finding_id: str,
    kind: str,
    user_id: str | None,
    seq: int | None,
    now: str,
    detail: dict[str, Any],
) -> None:
    """Append one entry to a finding's history (who is ``user_id``, or the op log's writer at ``seq``)."""
    conn.execute(_INSERT_HISTORY, _history_row(finding_id, kind, user_id, seq, now, detail))


def _history_row(
    finding_id: str, kind: str, user_id: str | None, seq: int | None, now: str, detail: dict[str, Any]
) -> list[Any]:
    return [finding_id, kind, user_id, seq, now, encoder.encode(detail).decode()]


_INSERT_FINDING = (
    "INSERT INTO finding (id, org_id, site_id, inspection_id, inspection_seq, checklist_id, version, pointer,"
    " item_path, clause, severity, label_json, value_json, evidence_json, confirmed, status, repeat_of,"
    " created_seq, created_at, updated_seq, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)"
)
_INSERT_ACTION = (
    "INSERT INTO corrective_action (finding_id, status, updated_at, site_id, item_path, inspection_id,"
    " inspection_seq) VALUES (?, 'open', ?, ?, ?, ?, ?)"
)


class NewFindings:
    """The new findings of one submission, each with its open action and first history entry, written together.

    Three statements for the lot rather than three per finding (on PostgreSQL, pipelined: one wait).
    """

    def __init__(self) -> None:
        self.findings: list[list[Any]] = []
        self.actions: list[list[Any]] = []
        self.history: list[list[Any]] = []

    def add(
        self,
        row: InspectionRow,
        answer: AnswerOutcome,
        value: str,
        evidence: str,
        confirmed: int,
        repeat_of: str | None,
        seq: int,
        now: str,
    ) -> None:
        """A new finding on a failed ``answer`` (a repeat of ``repeat_of``), its open action and history entry."""
        item = answer.item
        label = encoder.encode({"zh": item.label.zh, "en": item.label.en}).decode()
        finding_id = uuid7()  # time-ordered: a new finding, its action and history land at their indexes' end
        self.findings.append(
            [
                finding_id,
                row.org_id,
                row.site_id,
                row.id,
                row.created_seq,
                row.checklist_id,
                row.version,
                answer.pointer,
                answer.item_path,
                item.clause,
                item.severity,
                label,
                value,
                evidence,
                confirmed,
                repeat_of,
                seq,
                now,
                seq,
                now,
            ]
        )
        self.actions.append([finding_id, now, row.site_id, answer.item_path, row.id, row.created_seq])
        detail = {"pointer": answer.pointer, "repeat_of": repeat_of}
        self.history.append(_history_row(finding_id, "recorded", None, seq, now, detail))

    def insert(self, conn: sqlite3.Connection) -> None:
        """Write them all, findings before the actions and history entries that refer to them."""
        if self.findings:
            conn.executemany(_INSERT_FINDING, self.findings)
            conn.executemany(_INSERT_ACTION, self.actions)
            conn.executemany(_INSERT_HISTORY, self.history)


def history_rows(
    conn: sqlite3.Connection,
    finding_ids: list[str],
    kind: str,
    seq: int | None,
    now: str,
    detail: dict[str, Any],
) -> None:
    """The same history entry (by the op log's writer at ``seq``) for each of ``finding_ids``, in one statement."""
    conn.executemany(_INSERT_HISTORY, [_history_row(f, kind, None, seq, now, detail) for f in finding_ids])

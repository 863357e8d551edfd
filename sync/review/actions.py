"""Corrective actions (整改): assign, report the fix, verify (跟踪验证), close, reopen.

``open → fixed_reported → verified → closed``; a reported or verified fix that
does not hold goes back to ``open`` (reopen, with a reason). Supervisors and
admins assign a responsible party and a deadline (working days, or a date not
in the past), verify, close and reopen; anyone whose scope holds the site
(the inspector, for the responsible party) reports a fix. A manual verification
needs evidence: a photo, or a note with a later inspection of the site. A later
passing inspection verifies by itself (:mod:`sync.review.findings`).

Each change is an op in the op log (kind ``finding``) that moves the
inspection's ``updated_seq``, so phones get the new state on their next pull.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from sync.clock import now_iso
from sync.db.store import Store
from sync.engine.oplog import log_server_op
from sync.engine.ops import Sha256
from sync.engine.rollups import moving_actions
from sync.errors import DeadlineInPast, EvidenceRequired, InvalidActionTransition, InvalidInput
from sync.feed.events import emit, recheck_overdue_from
from sync.org.accounts import User
from sync.org.sites import require_role
from sync.review.finding_rows import add_history
from sync.review.findings import UNVERIFIED, encoder
from sync.review.register import (
    LISTED_INSPECTIONS,
    FindingDetail,
    FindingView,
    FixRecord,
    VerificationRecord,
    find_in_scope,
    get_finding,
)
from sync.review.workdays import WorkCalendar, today_in_china

Note = Annotated[str, Meta(max_length=2000)]
Photos = Annotated[list[Sha256], Meta(max_length=50)]


@dataclass(frozen=True)
class ActionRules:
    """Deadline rules from the settings: the default number of working days and the calendar."""

    working_days_default: int = 5
    calendar: WorkCalendar = field(default_factory=WorkCalendar)


class Assignment(Struct, forbid_unknown_fields=True):
    """Who fixes it, and by when: ``working_days`` from today, or a ``due_date`` (neither: the default)."""

    responsible: Annotated[str, Meta(min_length=1, max_length=200)]
    working_days: Annotated[int, Meta(ge=1, le=250)] | None = None
    due_date: date | None = None
    note: Note = ""


class FixReport(Struct, forbid_unknown_fields=True):
    """The fix as reported by the responsible party or the inspector."""

    note: Note = ""
    photos: Photos = []


class Verification(Struct, forbid_unknown_fields=True):
    """Evidence that the fix holds: photos, or a note with a later inspection of the site."""

    note: Note = ""
    photos: Photos = []
    inspection_id: Annotated[str, Meta(max_length=64)] | None = None


class Closure(Struct, forbid_unknown_fields=True):
    """Closing a verified action, with a note."""

    note: Note = ""


class Reopening(Struct, forbid_unknown_fields=True):
    """Why the fix does not hold."""

    note: Annotated[str, Meta(min_length=1, max_length=2000)]


def assign_action(
    store: Store,
    user: User,
    finding_id: str,
    body: Assignment,
    rules: ActionRules,
    *,
    today: date | None = None,
    now: str | None = None,
) -> FindingDetail:
    """Set the responsible party and the deadline of an open (or fix-reported) action."""
    require_role(user, "supervisor", "admin")
    today = today_in_china() if today is None else today
    if not body.responsible.strip():
        raise InvalidInput("name the responsible party")
    if body.working_days is not None and body.due_date is not None:
        raise InvalidInput("give working_days or due_date, not both")
    days: int | None = None
    if body.due_date is not None:
        if body.due_date < today:
            raise DeadlineInPast(f"the deadline {body.due_date} is before today ({today})")
        deadline = body.due_date
    else:
        days = body.working_days or rules.working_days_default
        deadline = rules.calendar.add_working_days(today, days)
    now = now_iso() if now is None else now
    with store.transaction() as conn:
        finding = _actionable(store, user, finding_id, today, UNVERIFIED, "assigned")
        detail = {"responsible": body.responsible, "deadline": deadline.isoformat(), "working_days": days}
        sets = {**detail, "assigned_by": user.id, "assigned_at": now}
        _change(conn, user, finding, "assigned", sets, {**detail, "note": body.note}, now)
        recheck_overdue_from(conn, deadline.isoformat())
    return get_finding(store, user, finding_id, today=today)


def report_fix(
    store: Store, user: User, finding_id: str, body: FixReport, *, today: date | None = None, now: str | None = None
) -> FindingDetail:
    """Report that an open action is fixed, with an optional note and photos."""
    today = today_in_china() if today is None else today
    now = now_iso() if now is None else now
    with store.transaction() as conn:
        finding = _actionable(store, user, finding_id, today, ("open",), "reported fixed")
        fix = FixRecord(body.note, list(dict.fromkeys(body.photos)), user.id, now)
        sets = {"status": "fixed_reported", "fix_json": encoder.encode(fix).decode()}
        _change(conn, user, finding, "fix_reported", sets, {"note": fix.note, "photos": fix.photos}, now)
        _keep_photos(conn, user, finding, "fix", fix.photos)
    return get_finding(store, user, finding_id, today=today)


def verify_action(
    store: Store, user: User, finding_id: str, body: Verification, *, today: date | None = None, now: str | None = None
) -> FindingDetail:
    """A supervisor verifies the fix with evidence: photos, or a note with a later inspection."""
    require_role(user, "supervisor", "admin")
    note = body.note.strip()
    if not body.photos and not (note and body.inspection_id):
        raise EvidenceRequired(
            "verify with evidence: at least one photo, or a note together with a later inspection of the site"
        )
    today = today_in_china() if today is None else today
    now = now_iso() if now is None else now
    with store.transaction() as conn:
        finding = _actionable(store, user, finding_id, today, UNVERIFIED, "verified")
        if body.inspection_id is not None:
            _check_later_inspection(conn, finding, body.inspection_id)
        record = VerificationRecord(
            "manual", user.id, now, body.inspection_id, body.note, list(dict.fromkeys(body.photos))
        )
        sets = {"status": "verified", "verification_json": encoder.encode(record).decode()}
        detail = {"method": "manual", "note": body.note, "photos": record.photos, "inspection_id": body.inspection_id}
        _change(conn, user, finding, "verified", sets, detail, now)
        _keep_photos(conn, user, finding, "verification", record.photos)
    return get_finding(store, user, finding_id, today=today)


def close_action(
    store: Store, user: User, finding_id: str, body: Closure, *, today: date | None = None, now: str | None = None
) -> FindingDetail:
    """Close a verified action."""
    require_role(user, "supervisor", "admin")
    today = today_in_china() if today is None else today
    now = now_iso() if now is None else now
    with store.transaction() as conn:
        finding = _actionable(store, user, finding_id, today, ("verified",), "closed")
        sets = {"status": "closed", "closed_by": user.id, "closed_at": now}
        _change(conn, user, finding, "closed", sets, {"note": body.note}, now)
        _announce_closed(conn, user, finding, body.note, now)
    return get_finding(store, user, finding_id, today=today)


def reopen_action(
    store: Store, user: User, finding_id: str, body: Reopening, *, today: date | None = None, now: str | None = None
) -> FindingDetail:
    """Send a reported or verified fix back to ``open``: it does not hold (the reason is required)."""
    require_role(user, "supervisor", "admin")
    if not body.note.strip():
        raise InvalidInput("say why the fix does not hold")
    today = today_in_china() if today is None else today
    now = now_iso() if now is None else now
    with store.transaction() as conn:
        finding = _actionable(store, user, finding_id, today, ("fixed_reported", "verified"), "reopened")
        sets = {
            "status": "open",
            "fix_json": None,
            "verification_json": None,
            "reopen_count": finding.action.reopen_count + 1,
        }
        _change(conn, user, finding, "reopened", sets, {"note": body.note, "from": finding.action.status}, now)
        recheck_overdue_from(conn, finding.action.deadline)
    return get_finding(store, user, finding_id, today=today)


def _actionable(
    store: Store, user: User, finding_id: str, today: date, allowed: tuple[str, ...], verb: str
) -> FindingView:
    """The finding in scope, if its action may be ``verb`` now; raises otherwise."""
    finding = find_in_scope(store, user, finding_id, today)
    if finding.status != "active":
        raise InvalidActionTransition(f"finding {finding_id} was withdrawn: its item no longer fails")
    if finding.inspection_status not in LISTED_INSPECTIONS:
        status = finding.inspection_status or "gone"
        raise InvalidActionTransition(f"the inspection of finding {finding_id} is {status}: nothing to correct")
    if finding.action.status not in allowed:
        raise InvalidActionTransition(
            f"a {finding.action.status} action cannot be {verb}; only one that is {' or '.join(allowed)}"
        )
    return finding


def _check_later_inspection(conn: sqlite3.Connection, finding: FindingView, inspection_id: str) -> None:
    """Refuse a referenced inspection that is not a later, submitted inspection of the finding's site."""
    org_id, finding_seq = conn.execute(
        "SELECT org_id, inspection_seq FROM finding WHERE id = ?", [finding.id]
    ).fetchone()
    found = conn.execute(
        "SELECT site_id, created_seq, status FROM inspection WHERE id = ? AND org_id = ?", [inspection_id, org_id]
    ).fetchone()
    if found is None:
        raise InvalidInput(f"no inspection {inspection_id!r}")
    site_id, created_seq, status = found
    if site_id != finding.site_id:
        raise InvalidInput(f"inspection {inspection_id} is of another site")
    if created_seq <= finding_seq:
        raise InvalidInput(f"inspection {inspection_id} is not later than the one that found the failure")
    if status not in ("submitted", "approved"):
        raise InvalidInput(f"inspection {inspection_id} is {status}; refer to a submitted or approved one")


def _keep_photos(conn: sqlite3.Connection, user: User, finding: FindingView, kind: str, photos: list[str]) -> None:
    """Reference fix and verification photos as evidence of the finding (kept from garbage collection)."""
    conn.executemany(
        "INSERT INTO finding_photo (org_id, sha256, finding_id, site_id, kind, added_by)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(user.org_id, sha, finding.id, finding.site_id, kind, user.id) for sha in photos],
    )


def _change(
    conn: sqlite3.Connection,
    user: User,
    finding: FindingView,
    kind: str,
    sets: dict[str, Any],
    detail: dict[str, Any],
    now: str,
) -> None:
    """Update the action, log the change as an op that moves the inspection, and add it to the history."""
    body = {"kind": "finding", "action": kind, "finding_id": finding.id, **detail}
    result = {"finding_id": finding.id, "status": sets.get("status", finding.action.status)}
    seq = log_server_op(conn, finding.inspection_id, "finding", body, result, user.id, now).seq
    conn.execute(
        "UPDATE inspection SET updated_seq = ?, updated_at = ? WHERE id = ?", [seq, now, finding.inspection_id]
    )
    columns = "".join(f"{column} = ?, " for column in sets)
    with moving_actions(conn, [finding.id]):  # the report rollups follow, in this transaction
        conn.execute(
            f"UPDATE corrective_action SET {columns}updated_at = ? WHERE finding_id = ?",
            [*sets.values(), now, finding.id],
        )
    add_history(conn, finding.id, kind, user.id, seq, now, msgspec.to_builtins(detail))


def _announce_closed(conn: sqlite3.Connection, user: User, finding: FindingView, note: str, now: str) -> None:
    """``action.closed``, inside the closure's transaction."""
    payload = {"by": user.id, "note": note, "pointer": finding.pointer, "severity": finding.severity}
    where = {"inspection_id": finding.inspection_id, "finding_id": finding.id, "now": now}
    emit(conn, user.org_id, "action.closed", finding.site_id, payload=payload, **where)

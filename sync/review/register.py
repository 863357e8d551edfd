"""The findings register: findings with their corrective actions, scope-checked; overdue counts.

An action is **overdue** when its finding is active, it is neither verified nor
closed, and ``today`` is past its deadline. ``today`` is a parameter so rules
are tested on fixed dates; the HTTP layer passes nothing and gets today in China.
Findings of deleted or rejected inspections are left out of lists and counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec
from msgspec import Struct

from sync.db.store import Store
from sync.errors import NotFound, OutOfScope
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.findings import UNVERIFIED, FindingEvidence
from sync.review.workdays import today_in_china

LISTED_INSPECTIONS = ("submitted", "returned", "approved")


class FixRecord(Struct, frozen=True):
    """A reported fix: what was done, with photos, by whom and when."""

    note: str
    photos: list[str]
    by: str
    at: str


class VerificationRecord(Struct, frozen=True, omit_defaults=True):
    """How the fix was verified: by a later passing inspection, or by a supervisor with evidence."""

    method: Literal["inspection", "manual"]
    by: str
    at: str
    inspection_id: str | None = None
    note: str = ""
    photos: list[str] = []


class ActionView(Struct):
    """A finding's corrective action (整改)."""

    status: str
    responsible: str | None
    deadline: str | None
    working_days: int | None
    assigned_by: str | None
    assigned_at: str | None
    fix: FixRecord | None
    verification: VerificationRecord | None
    closed_by: str | None
    closed_at: str | None
    reopen_count: int
    overdue: bool
    days_overdue: int


class FindingView(Struct):
    """One finding: the failed answer, where and on which version, its evidence and its action."""

    id: str
    inspection_id: str
    inspection_status: str | None
    site_id: str
    district_id: str | None
    checklist_id: str
    version: int
    pointer: str
    item_path: str
    label: dict[str, str]
    clause: str
    severity: str
    value: Any
    evidence: FindingEvidence
    confirmed: bool
    status: str
    repeat: bool
    repeat_of: str | None
    created_seq: int
    created_at: str
    updated_at: str
    action: ActionView


class FindingEvent(Struct):
    kind: str
    user_id: str | None
    seq: int | None
    at: str
    detail: dict[str, Any]


class FindingDetail(FindingView):
    """A finding with its history, oldest event first."""

    history: list[FindingEvent]


class FindingFilter(Struct, omit_defaults=True):
    """``status`` is the action's status, or ``withdrawn`` (withdrawn findings are listed only then)."""

    site_id: str | None = None
    district_id: str | None = None
    status: str | None = None
    overdue: bool | None = None
    repeat: bool | None = None
    severity: str | None = None
    checklist_id: str | None = None
    inspection_id: str | None = None


class PlaceCount(Struct, omit_defaults=True):
    """Unverified and overdue actions at one site (with its district) or in one district."""

    id: str
    name: str
    open: int
    overdue: int
    district_id: str | None = None


class OverdueSummary(Struct):
    today: str
    open: int
    overdue: int
    sites: list[PlaceCount]
    districts: list[PlaceCount]


_SELECT = (
    "SELECT f.id, f.inspection_id, i.status, f.site_id, s.district_id, f.checklist_id, f.version, f.pointer,"
    " f.item_path, f.label_json, f.clause, f.severity, f.value_json, f.evidence_json, f.confirmed, f.status,"
    " f.repeat_of, f.created_seq, f.created_at, f.updated_at, a.status, a.responsible, a.deadline, a.working_days,"
    " a.assigned_by, a.assigned_at, a.fix_json, a.verification_json, a.closed_by, a.closed_at, a.reopen_count"
    " FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
    " LEFT JOIN inspection i ON i.id = f.inspection_id LEFT JOIN site s ON s.id = f.site_id"
)
_OVERDUE = (
    "(f.status = 'active' AND a.status IN ('open', 'fixed_reported') AND a.deadline IS NOT NULL AND a.deadline < ?)"
)
_evidence = msgspec.json.Decoder(FindingEvidence)
_fix = msgspec.json.Decoder(FixRecord)
_verification = msgspec.json.Decoder(VerificationRecord)


def is_overdue(finding_status: str, action_status: str, deadline: str | None, today: date) -> bool:
    """Past its deadline, still active and neither verified nor closed."""
    return (
        finding_status == "active"
        and action_status in UNVERIFIED
        and deadline is not None
        and date.fromisoformat(deadline) < today
    )


def _view(r: tuple[Any, ...], today: date) -> FindingView:
    overdue = is_overdue(r[15], r[20], r[22], today)
    action = ActionView(
        r[20],
        r[21],
        r[22],
        r[23],
        r[24],
        r[25],
        _fix.decode(r[26]) if r[26] else None,
        _verification.decode(r[27]) if r[27] else None,
        r[28],
        r[29],
        r[30],
        overdue,
        (today - date.fromisoformat(r[22])).days if overdue else 0,
    )
    return FindingView(
        id=r[0],
        inspection_id=r[1],
        inspection_status=r[2],
        site_id=r[3],
        district_id=r[4],
        checklist_id=r[5],
        version=r[6],
        pointer=r[7],
        item_path=r[8],
        label=msgspec.json.decode(r[9]),
        clause=r[10],
        severity=r[11],
        value=msgspec.json.decode(r[12]),
        evidence=_evidence.decode(r[13]),
        confirmed=bool(r[14]),
        status=r[15],
        repeat=r[16] is not None,
        repeat_of=r[16],
        created_seq=r[17],
        created_at=r[18],
        updated_at=r[19],
        action=action,
    )


def list_findings(
    store: Store, user: User, filters: FindingFilter, *, today: date | None = None, limit: int = 500
) -> list[FindingView]:
    """Findings at sites in the caller's scope, newest first, by the filters."""
    today = today_in_china() if today is None else today
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return []
    where = [f"f.site_id IN ({','.join('?' * len(scope))})", "f.org_id = ?"]
    args: list[Any] = [*scope, user.org_id]
    where.append(f"i.status IN ({','.join('?' * len(LISTED_INSPECTIONS))})")
    args.extend(LISTED_INSPECTIONS)
    if filters.status == "withdrawn":
        where.append("f.status = 'withdrawn'")
    else:
        where.append("f.status = 'active'")
        if filters.status is not None:
            where.append("a.status = ?")
            args.append(filters.status)
    for column, value in (
        ("f.site_id", filters.site_id),
        ("s.district_id", filters.district_id),
        ("f.severity", filters.severity),
        ("f.checklist_id", filters.checklist_id),
        ("f.inspection_id", filters.inspection_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if filters.repeat is not None:
        where.append("f.repeat_of IS NOT NULL" if filters.repeat else "f.repeat_of IS NULL")
    if filters.overdue is not None:
        where.append(_OVERDUE if filters.overdue else f"NOT {_OVERDUE}")
        args.append(today.isoformat())
    rows = store.db.execute(
        f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY f.created_seq DESC, f.pointer LIMIT ?", [*args, limit]
    ).fetchall()
    return [_view(r, today) for r in rows]


def find_in_scope(store: Store, user: User, finding_id: str, today: date) -> FindingView:
    """One finding; :class:`NotFound` outside the organisation, :class:`OutOfScope` outside scope."""
    row = store.db.execute(f"{_SELECT} WHERE f.id = ? AND f.org_id = ?", [finding_id, user.org_id]).fetchone()
    if row is None:
        raise NotFound(f"no finding {finding_id!r}")
    if row[3] not in site_ids_in_scope(store, user):
        raise OutOfScope(f"finding {finding_id!r} is at a site outside your scope")
    return _view(row, today)


def get_finding(store: Store, user: User, finding_id: str, *, today: date | None = None) -> FindingDetail:
    """One finding in the caller's scope, with its history."""
    view = find_in_scope(store, user, finding_id, today_in_china() if today is None else today)
    events = [
        FindingEvent(r[0], r[1], r[2], r[3], msgspec.json.decode(r[4]))
        for r in store.db.execute(
            "SELECT kind, user_id, seq, at, detail_json FROM finding_event WHERE finding_id = ? ORDER BY id",
            [finding_id],
        )
    ]
    return FindingDetail(**msgspec.structs.asdict(view), history=events)


def overdue_summary(store: Store, user: User, *, today: date | None = None) -> OverdueSummary:
    """Unverified and overdue actions per site and per district in the caller's scope."""
    today = today_in_china() if today is None else today
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return OverdueSummary(today.isoformat(), 0, 0, [], [])
    marks = ",".join("?" * len(scope))
    statuses = ",".join("?" * len(LISTED_INSPECTIONS))
    rows = store.db.execute(
        f"SELECT s.id, s.name, d.id, d.name, count(*), sum({_OVERDUE})"
        " FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
        " JOIN inspection i ON i.id = f.inspection_id JOIN site s ON s.id = f.site_id"
        " JOIN district d ON d.id = s.district_id"
        f" WHERE f.site_id IN ({marks}) AND f.org_id = ? AND i.status IN ({statuses})"
        " AND f.status = 'active' AND a.status IN ('open', 'fixed_reported')"
        " GROUP BY s.id ORDER BY s.name",
        [today.isoformat(), *scope, user.org_id, *LISTED_INSPECTIONS],
    ).fetchall()
    sites = [PlaceCount(r[0], r[1], r[4], r[5], r[2]) for r in rows]
    districts: dict[str, PlaceCount] = {}
    for r in rows:
        held = districts.setdefault(r[2], PlaceCount(r[2], r[3], 0, 0))
        held.open += r[4]
        held.overdue += r[5]
    return OverdueSummary(
        today.isoformat(),
        sum(s.open for s in sites),
        sum(s.overdue for s in sites),
        sites,
        sorted(districts.values(), key=lambda d: d.name),
    )

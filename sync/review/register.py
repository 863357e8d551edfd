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

from sync.db.named import named_row, named_rows, rows_as
from sync.db.paging import decode_cursor, encode_cursor
from sync.db.store import Store
from sync.errors import NotFound
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.findings import UNVERIFIED, FindingEvidence
from sync.review.workdays import today_in_china

LISTED_INSPECTIONS = ("submitted", "returned", "approved")
PAGE_LIMIT = 200
MAX_PAGE_LIMIT = 1000


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
    """One entry of a finding's history: what happened, by whom, at which sequence, with details."""

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
    """Unverified and overdue actions in total, per site and per district, on ``today``."""

    today: str
    open: int
    overdue: int
    sites: list[PlaceCount]
    districts: list[PlaceCount]


_SELECT = (
    "SELECT f.id, f.inspection_id, i.status AS inspection_status, f.site_id, s.district_id, f.checklist_id,"
    " f.version, f.pointer, f.item_path, f.label_json AS label, f.clause, f.severity, f.value_json AS value,"
    " f.evidence_json AS evidence, f.confirmed, f.status, f.repeat_of, f.created_seq, f.created_at, f.updated_at,"
    " a.status AS action_status, a.responsible, a.deadline, a.working_days, a.assigned_by, a.assigned_at,"
    " a.fix_json AS fix, a.verification_json AS verification, a.closed_by, a.closed_at, a.reopen_count"
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


def _view(r: dict[str, Any], today: date) -> FindingView:
    """A row of ``_SELECT`` as its view, the action overdue or not on ``today``."""
    overdue = is_overdue(r["status"], r["action_status"], r["deadline"], today)
    action = ActionView(
        status=r["action_status"],
        responsible=r["responsible"],
        deadline=r["deadline"],
        working_days=r["working_days"],
        assigned_by=r["assigned_by"],
        assigned_at=r["assigned_at"],
        fix=_fix.decode(r["fix"]) if r["fix"] else None,
        verification=_verification.decode(r["verification"]) if r["verification"] else None,
        closed_by=r["closed_by"],
        closed_at=r["closed_at"],
        reopen_count=r["reopen_count"],
        overdue=overdue,
        days_overdue=(today - date.fromisoformat(r["deadline"])).days if overdue else 0,
    )
    return FindingView(
        id=r["id"],
        inspection_id=r["inspection_id"],
        inspection_status=r["inspection_status"],
        site_id=r["site_id"],
        district_id=r["district_id"],
        checklist_id=r["checklist_id"],
        version=r["version"],
        pointer=r["pointer"],
        item_path=r["item_path"],
        label=msgspec.json.decode(r["label"]),
        clause=r["clause"],
        severity=r["severity"],
        value=msgspec.json.decode(r["value"]),
        evidence=_evidence.decode(r["evidence"]),
        confirmed=bool(r["confirmed"]),
        status=r["status"],
        repeat=r["repeat_of"] is not None,
        repeat_of=r["repeat_of"],
        created_seq=r["created_seq"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        action=action,
    )


def page_findings(
    store: Store, user: User, filters: FindingFilter, *, cursor: str | None = None, limit: int = PAGE_LIMIT
) -> tuple[list[FindingView], str | None]:
    """One page of :func:`list_findings` after ``cursor``, and the cursor of the next page (``None``: the last)."""
    after = decode_cursor(cursor, (int, str, str)) if cursor is not None else None
    found = list_findings(store, user, filters, limit=limit + 1, after=after)
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode_cursor([last.created_seq, last.pointer, last.id])


def list_findings(
    store: Store,
    user: User,
    filters: FindingFilter,
    *,
    today: date | None = None,
    limit: int = 500,
    after: list[Any] | None = None,
) -> list[FindingView]:
    """Findings at sites in the caller's scope, newest first, by the filters.

    Newest first is ``created_seq`` descending, then ``pointer`` and ``id``: the order of the
    indexes ``finding_org_newest`` and ``finding_site_newest``, walked from ``after`` (the sort
    key of the previous page's last finding), so a deep page reads what the first one does.
    """
    today = today_in_china() if today is None else today
    scope = site_ids_in_scope(store, user)
    driving = _driving_terms(sorted(scope), user, filters)
    if driving is None:
        return []
    where, args = driving
    where.append(f"i.status IN ({','.join('?' * len(LISTED_INSPECTIONS))})")
    args.extend(LISTED_INSPECTIONS)
    _filter_terms(filters, today, where, args)
    if after is not None:
        where.append("(f.created_seq < ? OR (f.created_seq = ? AND (f.pointer > ? OR (f.pointer = ? AND f.id > ?))))")
        args.extend([after[0], after[0], after[1], after[1], after[2]])
    rows = store.db.execute(
        f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY f.created_seq DESC, f.pointer, f.id LIMIT ?", [*args, limit]
    )
    return [_view(r, today) for r in named_rows(rows) if r["site_id"] in scope]


def _driving_terms(scope: list[str], user: User, filters: FindingFilter) -> tuple[list[str], list[Any]] | None:
    """The terms an index reads the findings by: one inspection, one site, or the organisation's sites in scope.

    Only the driving term names an indexed column of ``finding`` with ``=``, so the planner reads
    the few rows of an inspection, or walks a site's or the organisation's findings newest first.
    (The caller keeps only rows in scope.) ``None``: nothing to list.
    """
    if not scope or (filters.site_id is not None and filters.site_id not in scope):
        return None
    if filters.inspection_id is not None:
        return ["f.inspection_id = ?"], [filters.inspection_id]
    if filters.site_id is not None:
        return ["f.site_id = ?"], [filters.site_id]
    return ["f.org_id = ?", f"f.site_id IN ({','.join('?' * len(scope))})"], [user.org_id, *scope]


def _filter_terms(filters: FindingFilter, today: date, where: list[str], args: list[Any]) -> None:
    """Add the other filters' terms to ``where`` and their values to ``args``."""
    if filters.status == "withdrawn":
        where.append("f.status = 'withdrawn'")
    else:
        where.append("f.status = 'active'")
        if filters.status is not None:
            where.append("a.status = ?")
            args.append(filters.status)
    for column, value in (
        ("s.district_id", filters.district_id),
        ("f.severity", filters.severity),
        ("f.checklist_id", filters.checklist_id),
        ("f.site_id", filters.site_id if filters.inspection_id is not None else None),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if filters.repeat is not None:
        where.append("f.repeat_of IS NOT NULL" if filters.repeat else "f.repeat_of IS NULL")
    if filters.overdue is not None:
        where.append(_OVERDUE if filters.overdue else f"NOT {_OVERDUE}")
        args.append(today.isoformat())


def find_in_scope(store: Store, user: User, finding_id: str, today: date) -> FindingView:
    """One finding; :class:`NotFound` outside the organisation or the caller's scope (the same answer)."""
    row = named_row(store.db.execute(f"{_SELECT} WHERE f.id = ? AND f.org_id = ?", [finding_id, user.org_id]))
    if row is None or row["site_id"] not in site_ids_in_scope(store, user):
        raise NotFound(f"no finding {finding_id!r}")
    return _view(row, today)


def get_finding(store: Store, user: User, finding_id: str, *, today: date | None = None) -> FindingDetail:
    """One finding in the caller's scope, with its history."""
    view = find_in_scope(store, user, finding_id, today_in_china() if today is None else today)
    events = rows_as(
        store.db.execute(
            "SELECT kind, user_id, seq, at, detail_json AS detail FROM finding_event WHERE finding_id = ? ORDER BY id",
            [finding_id],
        ),
        FindingEvent,
        json=("detail",),
    )
    return FindingDetail(**msgspec.structs.asdict(view), history=events)


def overdue_summary(store: Store, user: User, *, today: date | None = None) -> OverdueSummary:
    """Unverified and overdue actions per site and per district in the caller's scope.

    Read from indexes only (m061): the unverified actions' partial index, each finding's and each
    inspection's status by id; never the findings' or inspections' rows (documents and all).
    """
    today = today_in_china() if today is None else today
    scope = sorted(site_ids_in_scope(store, user))
    if not scope:
        return OverdueSummary(today.isoformat(), 0, 0, [], [])
    marks = ",".join("?" * len(scope))
    statuses = ",".join("?" * len(LISTED_INSPECTIONS))
    rows = store.db.execute(
        f"SELECT s.id AS site_id, s.name AS site_name, d.id AS district_id, d.name AS district_name,"
        f" count(*) AS open, sum(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END) AS overdue"
        " FROM corrective_action a JOIN finding f ON f.id = a.finding_id"
        " JOIN inspection i ON i.id = a.inspection_id JOIN site s ON s.id = a.site_id"
        " JOIN district d ON d.id = s.district_id"
        f" WHERE a.site_id IN ({marks}) AND a.status IN ('open', 'fixed_reported')"
        f" AND i.status IN ({statuses}) AND f.status = 'active' AND s.org_id = ?"
        " GROUP BY s.id, s.name, d.id, d.name ORDER BY s.name",
        [today.isoformat(), *scope, *LISTED_INSPECTIONS, user.org_id],
    )
    sites: list[PlaceCount] = []
    districts: dict[str, PlaceCount] = {}
    for r in named_rows(rows):
        sites.append(PlaceCount(r["site_id"], r["site_name"], r["open"], r["overdue"], district_id=r["district_id"]))
        held = districts.setdefault(
            r["district_id"], PlaceCount(r["district_id"], r["district_name"], open=0, overdue=0)
        )
        held.open += r["open"]
        held.overdue += r["overdue"]
    return OverdueSummary(
        today.isoformat(),
        sum(s.open for s in sites),
        sum(s.overdue for s in sites),
        sites,
        sorted(districts.values(), key=lambda d: d.name),
    )

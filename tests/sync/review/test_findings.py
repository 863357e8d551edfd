"""Findings recorded on submission: evidence, confirmation, repeats, withdrawal, verification, overdue actions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from sync.clock import iso_from_ms, now_ms
from sync.evidence.gc import find_garbage
from sync.review.actions import (
    ActionRules,
    Assignment,
    Closure,
    FixReport,
    Verification,
    assign_action,
    close_action,
    report_fix,
    verify_action,
)
from sync.review.findings import FindingRules, save_finding_rules
from sync.review.register import FindingFilter, get_finding, list_findings, overdue_summary
from sync.review.workdays import make_calendar
from tests.sync.office import E1, E2, H1, H2, H3, START, Office, tracing
from tests.sync.review.field_work import FieldWork, probe_catalog


def test_every_failed_item_becomes_a_finding_with_its_clause_severity_and_evidence(office: Office) -> None:
    row = office.inspect(
        "n1",
        {
            "licence": "fail",
            "frozen_temp": -12.5,
            "photos": [H1, H2],
            "notes": "冷柜温度偏高",
            "stalls": {
                E1: {"stall_no": "A1", "prices": "fail", "stall_photos": [H3]},
                E2: {"stall_no": "A2", "prices": "pass"},
            },
        },
    )
    found = {f.pointer: f for f in office.findings(row)}
    assert sorted(found) == ["/frozen_temp", "/licence", f"/stalls/{E1}/prices"]
    licence = found["/licence"]
    assert (licence.item_path, licence.clause, licence.severity, licence.value) == (
        "licence",
        "市场管理办法 第十条",
        "critical",
        "fail",
    )
    assert licence.label == {"zh": "证照", "en": "Licence"}
    assert (licence.site_id, licence.district_id, licence.checklist_id, licence.version) == (
        office.sites["n1"],
        office.districts["north"],
        "sync_probe",
        1,
    )
    assert licence.evidence.photos == [H1, H2]  # the form's evidence photo item
    assert found["/frozen_temp"].value == -12.5
    stall = found[f"/stalls/{E1}/prices"]
    assert (stall.item_path, stall.evidence.photos) == ("stalls/prices", [H3])  # the entry's own photos
    for finding in found.values():
        assert (finding.status, finding.action.status, finding.repeat, finding.confirmed) == (
            "active",
            "open",
            False,
            False,
        )
        assert finding.created_seq == 2  # the submission's server sequence
        assert get_finding(office.store, office.users["admin"], finding.id).history[0].kind == "recorded"


def test_a_findings_id_is_a_uuidv7_of_when_it_was_recorded(office: Office) -> None:
    """Time-ordered ids: a new finding, its action and its history go at the end of their indexes by id."""
    before = now_ms()
    row = office.inspect("n1", {"licence": "fail", "frozen_temp": -10})
    after = now_ms()
    ids = [uuid.UUID(f.id) for f in office.findings(row)]
    assert len(ids) == 2
    assert {i.version for i in ids} == {7}
    assert all(before <= int.from_bytes(i.bytes[:6], "big") <= after for i in ids)


def test_recording_again_changes_nothing(office: Office) -> None:
    answers = {"licence": "fail", "frozen_temp": -10}
    row = office.inspect("n1", answers)
    before = office.findings(row)
    office.resubmit(row, answers)
    assert office.findings(row) == before
    history = get_finding(office.store, office.users["admin"], before[0].id).history
    assert [e.kind for e in history] == ["recorded"]


def test_resubmission_updates_withdraws_and_reinstates_findings(office: Office) -> None:
    row = office.inspect("n1", {"licence": "fail", "frozen_temp": -10})
    first = {f.pointer: f.id for f in office.findings(row)}
    office.resubmit(row, {"licence": "pass", "frozen_temp": -5, "stalls": {E1: {"prices": "fail"}}})
    active = {f.pointer: f for f in office.findings(row)}
    assert sorted(active) == ["/frozen_temp", f"/stalls/{E1}/prices"]
    assert active["/frozen_temp"].id == first["/frozen_temp"]
    assert active["/frozen_temp"].value == -5
    withdrawn = office.findings(row, status="withdrawn")
    assert [(f.pointer, f.id, f.status) for f in withdrawn] == [("/licence", first["/licence"], "withdrawn")]
    office.resubmit(row, {"licence": "fail", "frozen_temp": -5})
    assert {f.pointer: f.id for f in office.findings(row)} == first
    history = get_finding(office.store, office.users["admin"], first["/licence"]).history
    assert [e.kind for e in history] == ["recorded", "withdrawn", "reinstated"]


@pytest.mark.parametrize(
    ("window", "days_later", "repeat"),
    [
        (90, 1, True),
        (90, 89.9, True),
        (90, 90, True),  # the window includes its last moment
        (90, 90.01, False),
        (30, 31, False),
        (0, 0, True),
    ],
)
def test_a_repeat_is_the_same_item_at_the_same_site_within_the_window(
    office: Office, window: int, days_later: float, repeat: bool
) -> None:
    save_finding_rules(office.store, FindingRules(repeat_window_days=window))
    earlier = office.inspect("n1", {"licence": "fail"})
    later = office.inspect("n1", {"licence": "fail"}, days=days_later)
    finding = office.one(later, "/licence")
    assert finding.repeat is repeat
    assert finding.repeat_of == (office.one(earlier, "/licence").id if repeat else None)


def test_repeats_link_to_the_latest_earlier_finding_at_that_site_only(office: Office) -> None:
    first = office.inspect("n1", {"licence": "fail", "stalls": {E1: {"prices": "fail"}}})
    second = office.inspect("n1", {"licence": "fail"}, days=10)
    elsewhere = office.inspect("n2", {"licence": "fail", "stalls": {E2: {"prices": "fail"}}}, days=11)
    third = office.inspect("n1", {"licence": "fail", "stalls": {E2: {"prices": "fail"}}}, days=12)
    assert office.one(second, "/licence").repeat_of == office.one(first, "/licence").id
    assert office.one(third, "/licence").repeat_of == office.one(second, "/licence").id
    assert office.one(elsewhere, "/licence").repeat is False
    # the same item in another entry of another inspection is still the same item
    assert office.one(third, f"/stalls/{E2}/prices").repeat_of == office.one(first, f"/stalls/{E1}/prices").id
    assert [f.pointer for f in office.findings(repeat=True)] == ["/licence", f"/stalls/{E2}/prices", "/licence"]


def signed(**extra: str) -> dict[str, str]:
    return {"status": "signed", "image_sha256": H1, "signer_name": "王经理", "signer_role": "店长", **extra}


def refused(**extra: str) -> dict[str, str]:
    return {"status": "refused", "signer_name": "王经理", "signer_role": "店长", "reason": "不同意", **extra}


@pytest.mark.parametrize(
    ("signature", "stale", "confirmed"),
    [
        (signed(), False, True),
        (signed(), True, False),  # the content changed after signing
        (refused(witness_name="李四"), False, True),
        (refused(witness_name="李四"), True, False),
        (refused(), False, False),  # a refusal with no witness does not confirm
        (None, False, False),
    ],
)
def test_the_responsible_persons_signature_confirms_the_findings_it_covers(
    office: Office, signature: dict[str, str] | None, stale: bool, confirmed: bool
) -> None:
    answers: dict[str, Any] = {"licence": "fail", "stalls": {E1: {"prices": "fail"}}}
    if signature is not None:
        answers["manager_sign"] = signature
    row = office.inspect("n1", answers, stale=frozenset({"manager_sign"} if stale else set()))
    licence = office.one(row, "/licence")
    assert licence.confirmed is confirmed
    if signature is not None:
        cover = licence.evidence.signatures[0]
        assert (cover.path, cover.status, cover.signer_name, cover.stale) == (
            "manager_sign",
            signature["status"],
            "王经理",
            stale,
        )
    stall = office.one(row, f"/stalls/{E1}/prices")  # manager_sign covers licence and frozen_temp only
    assert (stall.confirmed, stall.evidence.signatures) == (False, [])


@pytest.mark.parametrize(
    ("later_answers", "verified"),
    [
        ({"licence": "pass"}, {"/licence"}),
        ({"licence": "na"}, set()),
        ({"licence": "fail"}, set()),
        ({"frozen_temp": -20}, {"/frozen_temp"}),
        ({"stalls": {E2: {"prices": "pass"}, E1: {"prices": "pass"}}}, {f"/stalls/{E1}/prices"}),
        ({"stalls": {E2: {"prices": "pass"}, E1: {"prices": "fail"}}}, set()),  # every entry must pass
        ({"notes": "已整改"}, set()),
    ],
)
def test_a_later_inspection_passing_the_item_verifies_the_action(
    office: Office, later_answers: dict[str, Any], verified: set[str]
) -> None:
    earlier = office.inspect("n1", {"licence": "fail", "frozen_temp": -10, "stalls": {E1: {"prices": "fail"}}})
    later = office.inspect("n1", later_answers, days=3)
    for finding in office.findings(earlier):
        expected = "verified" if finding.pointer in verified else "open"
        assert finding.action.status == expected, finding.pointer
        if expected == "verified":
            assert finding.action.verification is not None
            assert (finding.action.verification.method, finding.action.verification.inspection_id) == (
                "inspection",
                later.id,
            )


def test_only_later_inspections_of_the_same_site_verify_and_closed_actions_stay_closed(office: Office) -> None:
    earlier_row = office.inspect("n1", {"stalls": {E1: {"prices": "pass"}}})  # started first, submitted again below
    finding_row = office.inspect("n1", {"licence": "fail", "frozen_temp": -10})
    office.inspect("n2", {"licence": "pass", "frozen_temp": -20})  # another site
    office.resubmit(earlier_row, {"licence": "pass", "frozen_temp": -20})  # started before the finding's inspection
    assert {f.action.status for f in office.findings(finding_row)} == {"open"}
    admin = office.users["admin"]
    frozen = office.one(finding_row, "/frozen_temp")
    verify_action(office.store, admin, frozen.id, Verification(photos=[H2]))
    close_action(office.store, admin, frozen.id, Closure())
    report_fix(office.store, office.users["inspector"], office.one(finding_row, "/licence").id, FixReport("已补办"))
    office.inspect("n1", {"licence": "pass", "frozen_temp": -20}, days=1)
    statuses = {f.pointer: f.action.status for f in office.findings(finding_row)}
    assert statuses == {"/licence": "verified", "/frozen_temp": "closed"}


def test_overdue_actions_are_flagged_listed_and_counted_on_a_fixed_day(office: Office) -> None:
    rules = ActionRules(5, make_calendar(holidays=[date(2026, 3, 4)]))
    monday = date(2026, 3, 2)
    north = office.inspect("n1", {"licence": "fail", "frozen_temp": -10})
    other = office.inspect("n2", {"licence": "fail"})
    south = office.inspect("s1", {"licence": "fail"})
    supervisor, admin = office.users["supervisor"], office.users["admin"]
    licence = office.one(north, "/licence")
    # 3 working days from Monday 2 March with Wednesday 4 March off: Tue, Thu, Fri 6 March
    assigned = assign_action(
        office.store, supervisor, licence.id, Assignment("摊主张三", working_days=3), rules, today=monday
    )
    assert (assigned.action.deadline, assigned.action.working_days, assigned.action.responsible) == (
        "2026-03-06",
        3,
        "摊主张三",
    )
    assert (
        assign_action(
            office.store, supervisor, office.one(north, "/frozen_temp").id, Assignment("冷链主管"), rules, today=monday
        ).action.deadline
        == "2026-03-10"
    )  # the default: 5 working days
    assign_action(
        office.store,
        supervisor,
        office.one(other, "/licence").id,
        Assignment("市场方", due_date=date(2026, 3, 3)),
        rules,
        today=monday,
    )
    assign_action(
        office.store,
        admin,
        office.one(south, "/licence").id,
        Assignment("南区摊主", due_date=monday),
        rules,
        today=monday,
    )

    def overdue_on(day: date) -> list[tuple[str, int]]:
        found = list_findings(office.store, admin, FindingFilter(overdue=True), today=day)
        return sorted((f.action.deadline or "", f.action.days_overdue) for f in found)

    assert overdue_on(monday) == []
    assert overdue_on(date(2026, 3, 4)) == [("2026-03-02", 2), ("2026-03-03", 1)]
    assert overdue_on(date(2026, 3, 7)) == [("2026-03-02", 5), ("2026-03-03", 4), ("2026-03-06", 1)]
    not_overdue = list_findings(office.store, admin, FindingFilter(overdue=False), today=date(2026, 3, 7))
    assert [f.action.deadline for f in not_overdue] == ["2026-03-10"]

    summary = overdue_summary(office.store, admin, today=date(2026, 3, 7))
    assert (summary.open, summary.overdue) == (4, 3)
    assert [(s.name, s.open, s.overdue, s.district_id) for s in summary.sites] == [
        ("n1", 2, 1, office.districts["north"]),
        ("n2", 1, 1, office.districts["north"]),
        ("s1", 1, 1, office.districts["south"]),
    ]
    assert [(d.name, d.open, d.overdue) for d in summary.districts] == [("北区", 3, 2), ("南区", 1, 1)]
    in_north = overdue_summary(office.store, supervisor, today=date(2026, 3, 7))
    assert [d.name for d in in_north.districts] == ["北区"]

    # a verified action is no longer overdue, nor counted
    verify_action(office.store, admin, licence.id, Verification(note="现场复查已整改", photos=[H1]))
    assert overdue_on(date(2026, 3, 7)) == [("2026-03-02", 5), ("2026-03-03", 4)]
    assert overdue_summary(office.store, admin, today=date(2026, 3, 7)).overdue == 2


def test_fix_and_verification_photos_are_kept_from_garbage_collection(office: Office) -> None:
    row = office.inspect("n1", {"licence": "fail"})
    finding = office.one(row, "/licence")
    inspector, admin = office.users["inspector"], office.users["admin"]
    with office.store.transaction() as conn:
        for sha in (H1, H2, H3):
            conn.execute(
                "INSERT INTO blob (org_id, sha256, kind, media_type, size, uploaded_by, created_at, metadata_json)"
                " VALUES (?, ?, 'photo', 'image/jpeg', 1, ?, '2026-01-01T00:00:00.000Z', '{}')",
                [admin.org_id, sha, inspector.id],
            )
    report_fix(office.store, inspector, finding.id, FixReport("已整改", [H1]))
    verify_action(office.store, admin, finding.id, Verification(photos=[H2]))
    garbage = find_garbage(office.store, grace_s=0, now=START.timestamp())
    assert [g.sha256 for g in garbage] == [H3]


def query_plans(office: Office, statements: list[str]) -> dict[str, list[str]]:
    """Each traced read or write (bound values expanded) and SQLite's plan for it."""
    plans = {}
    for statement in statements:
        if statement.split()[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"):
            continue
        plans[statement] = [row[3] for row in office.store.db.execute("EXPLAIN QUERY PLAN " + statement)]
    return plans


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_submitting_reads_findings_and_actions_only_through_indexes_of_recent_or_open_rows(office: Office) -> None:
    """The submit path: held findings, the repeat probe, verification; no scan of a site's history."""
    for day in range(6):  # a history at the site: failures, repeats, verifications
        office.inspect("n1", {"licence": "fail" if day % 2 else "pass", "frozen_temp": -10 + day}, days=day)
    with tracing(office.store) as statements:
        row = office.inspect("n1", {"licence": "fail", "frozen_temp": -20, "stalls": {E1: {"prices": "fail"}}}, days=7)
        office.resubmit(row, {"licence": "fail", "frozen_temp": -20}, days=7)  # withdraws the stall's finding
        office.inspect("n1", {"licence": "pass", "frozen_temp": -20, "stalls": {E1: {"prices": "pass"}}}, days=8)
    plans = query_plans(office, statements)
    verification = next(p for s, p in plans.items() if "AND a.inspection_seq <" in s)
    # the site's unverified actions, through a partial index of those alone
    assert any("USING INDEX corrective_action_open_" in step and "site_id=?" in step for step in verification), (
        verification
    )
    repeats = [p for s, p in plans.items() if "ORDER BY created_seq DESC LIMIT 1" in s]
    assert repeats
    for plan in repeats:
        # in the index alone: no finding's row is read to judge or name the earlier one (m085)
        assert any("USING COVERING INDEX finding_site_item (site_id=? AND item_path=?)" in step for step in plan), plan
    for statement, plan in plans.items():
        for step in plan:
            assert not step.startswith(("SCAN finding", "SCAN corrective_action", "SCAN a", "SCAN f")), (
                statement,
                plan,
            )
    assert office.one(row, "/licence").action.status == "verified"  # the plans' results, as before


def test_a_push_records_its_findings_at_its_own_time_not_the_wall_clock(office: Office) -> None:
    # a push given its time (as the tests, a replay or a recovery give it) records the findings, their actions
    # and the op log at that time: one clock per operation, so a closing is never before the finding it closes
    work = FieldWork(office.store, probe_catalog(), office)
    at = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # long before the wall clock of any run
    inspection_id = work.start(office.sites["n1"], {"licence": "fail", "frozen_temp": -1}, at)
    received = iso_from_ms(int(at.timestamp() * 1000) + 1000)  # FieldWork pushes with the server's clock 1 s later
    times = office.store.db.execute(
        "SELECT n.created_at, n.updated_at, a.updated_at FROM finding n"
        " JOIN corrective_action a ON a.finding_id = n.id WHERE n.inspection_id = ?",
        [inspection_id],
    ).fetchall()
    assert len(times) == 2 and {tuple(t) for t in times} == {(received, received, received)}  # licence, temperature
    logged = office.store.db.execute("SELECT DISTINCT received_at FROM op_log WHERE inspection_id = ?", [inspection_id])
    assert [r[0] for r in logged] == [received]

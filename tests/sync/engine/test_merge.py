"""The merge rules of ``sync/engine/merge.py``, table by table: pure, in memory, no store and no HTTP.

Each row is a short history of one inspection on the server, applied as ``sync/push.py`` applies
ops (``dispatch``, then stale signatures marked, conflicts kept open by path): the phone's first
answers at seq 1, then writes by other devices, each at the next seq. A row states what the last
op gives: its outcome, the value and field version stored, and every conflict on the field (kind,
status, candidates as (value, seq of the op that proposed it), and the seq of the winner's op).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, get_args

import pytest

from schemas.canonical import content_hash
from schemas.catalog import index_template, parse_template
from schemas.template import MergePolicy, merge_policy
from sync.engine.apply import dispatch
from sync.engine.document import ConflictRecord, Document, Writer
from sync.engine.merge import LOCKED, Context, mark_stale_signatures
from sync.engine.ops import AddEntry, Attach, Detach, FieldResult, Op, RemoveEntry, SetAnswers, Sign
from sync.engine.rows import InspectionRow

E1 = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
E2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
H1, H2, H3 = "a1" * 32, "b2" * 32, "c3" * 32
INSPECTION = "00000000-0000-4000-8000-000000000001"
NOW = "2026-03-02T02:00:00.000Z"


def label(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def item(kind: str, item_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": item_id,
        "label": label(item_id, item_id),
        "clause": "第一条",
        "required": False,
        **fields,
    }


OPTIONS = [{"value": v, "label": label(v, v)} for v in ("a", "b", "c")]
ISSUES = [{"value": v, "label": label(v, v)} for v in ("dirty", "dark", "noisy")]
# one item per merge policy (declared, or its kind's default), a plain text to change alongside, a signature
TEMPLATE: dict[str, Any] = {
    "checklist_id": "merge_probe",
    "version": 1,
    "title": label("合并规则", "Merge rules"),
    "description": label("每种合并规则一项", "One item per merge policy"),
    "sources": [{"title": "测试"}],
    "sections": [
        {
            "id": "main",
            "title": label("检查项", "Checks"),
            "items": [
                item("pass_fail", "licence"),  # manual, the default
                item("single_choice", "grade", options=OPTIONS, merge="role"),
                item("number", "temp", unit="℃", bounds={"min": -60, "max": 40}, merge="lww"),
                item("multi_choice", "issues", options=ISSUES),  # set, the default for choices
                item("photo", "photos", min_count=0),  # set, the default for photos
                item("text", "notes", merge="append"),
                item("text", "serial", merge="immutable"),
                item("text", "remarks"),
                item(
                    "group",
                    "stalls",  # items, the default for groups: each child merges by its own policy
                    entry_label=label("摊位", "Stall"),
                    items=[item("text", "stall_no"), item("pass_fail", "prices")],
                ),
                item("signature", "manager_sign", signer=label("负责人", "Manager"), covers=["licence", "temp"]),
            ],
        }
    ],
}
INDEX = index_template(parse_template(json.dumps(TEMPLATE).encode(), "merge_probe/1.json"))

Conflict = tuple[str, str, list[tuple[Any, int]], int]  # kind, status, candidates (value, seq), winner's seq


@dataclass(frozen=True)
class Who:
    user_id: str
    role: str
    client_id: str


PHONE = Who("user-inspector1", "inspector", "client-phone")  # the first answers
TABLET = Who("user-inspector2", "inspector", "client-tablet")  # a colleague's concurrent write
LAPTOP = Who("user-inspector1", "inspector", "client-laptop")  # the op under test, unless a row says
DESK = Who("user-supervisor1", "supervisor", "client-desk")
NEWCOMER = Who("user-inspector3", "inspector", "client-newcomer")  # a larger user id than the tablet's


def op_id(seq: int) -> str:
    return f"00000000-0000-7000-8000-{seq:012d}"


def seq_of(op: str) -> int:
    return int(op.rsplit("-", 1)[1])


@dataclass(frozen=True)
class Step:
    """One op by ``who``: ``set`` (``path`` and ``value``, or ``value`` a map of answers), ``attach``,
    ``detach``, ``sign``, ``add_entry`` or ``remove_entry`` (``path`` the group, ``value`` the entry)."""

    who: Who
    kind: str
    path: str
    value: Any
    base: int = 0
    hlc: int = 0  # 0: 100 x its seq


def answers(who: Who, values: dict[str, Any]) -> Step:
    return Step(who, "set", "", values)


def answer(who: Who, path: str, value: Any, base: int = 0, hlc: int = 0) -> Step:
    return Step(who, "set", path, value, base, hlc)


class Server:
    """One inspection as the server holds it, in memory, and who made the op at each seq (the op log)."""

    def __init__(self) -> None:
        self.row = InspectionRow(
            id=INSPECTION,
            org_id="org",
            site_id="site",
            checklist_id="merge_probe",
            version=1,
            inspector_id=PHONE.user_id,
            status="draft",
            created_at=NOW,
            updated_at=NOW,
            created_seq=1,
            updated_seq=1,
            open_conflicts=0,
            doc=Document(),
        )
        self.seq = 0
        self.writers: dict[int, Writer] = {}
        self.open: dict[str, ConflictRecord] = {}  # the open conflicts by path, as the store hands them over
        self.records: dict[str, ConflictRecord] = {}  # every conflict opened, by id

    def run(self, step: Step) -> FieldResult:
        """Apply one op; its result for ``step.path`` (a first answer to a plain item is set on the
        fast path and not listed: applied at this seq)."""
        self.seq += 1
        seq, who = self.seq, step.who
        op = self.op(step, op_id(seq), step.hlc or 100 * seq)
        self.writers[seq] = Writer(who.user_id, who.client_id, op.op_id, op.hlc, who.role)
        ctx = Context(
            INDEX, who.user_id, who.role, who.client_id, op.op_id, seq, op.hlc, NOW, self.open, self.writers.__getitem__
        )
        results = dispatch(self.row, op, ctx)
        if ctx.changed and self.row.status not in LOCKED and INDEX.signatures:
            mark_stale_signatures(self.row.doc, ctx)
        self.records.update((c.id, c) for c in ctx.new_conflicts)
        self.open = {path: c for path, c in self.open.items() if c.status == "open"}
        path = f"{step.path}/{step.value}" if step.kind.endswith("_entry") else step.path
        return next((r for r in results if r.path == path), FieldResult(path, "applied", seq))

    @staticmethod
    def op(step: Step, made: str, hlc: int) -> Op:
        common: dict[str, Any] = {"op_id": made, "client_seq": seq_of(made), "inspection_id": INSPECTION, "hlc": hlc}
        if step.kind == "set" and not step.path:
            return SetAnswers(**common, answers=step.value)
        if step.kind == "set":
            base = {step.path: step.base} if step.base else {}
            return SetAnswers(**common, answers={step.path: step.value}, base=base)
        if step.kind == "attach":
            return Attach(**common, path=step.path, sha256=step.value)
        if step.kind == "detach":
            return Detach(**common, path=step.path, sha256=step.value, base_fv=step.base)
        if step.kind == "sign":
            return Sign(**common, path=step.path, value=step.value, base_fv=step.base)
        if step.kind == "add_entry":
            return AddEntry(**common, group=step.path, entry_id=step.value)
        assert step.kind == "remove_entry"
        return RemoveEntry(**common, group=step.path, entry_id=step.value, base_fv=step.base)

    def stored(self, path: str) -> tuple[Any, int] | None:
        """The value and field version at ``path`` (an entry: its version), or ``None``."""
        state = self.row.doc.fields.get(path)
        if state is not None:
            return state.v, state.fv
        entry = self.row.doc.entries.get(path)
        return ("entry", entry.fv) if entry is not None else None

    def conflicts(self, path: str) -> list[Conflict]:
        return [
            (c.kind, c.status, [(k.value, seq_of(k.id)) for k in c.candidates], seq_of(c.winner))
            for c in self.records.values()
            if c.path == path
        ]


# ---- every merge policy x same value, unchanged base, stale base, another field -------------------------------

SIBLING = {"stalls": (f"stalls/{E1}/stall_no", "A1", "A2")}  # the field changed alongside, its two values
REMARKS = ("remarks", "门口", "门口和仓库")


@dataclass(frozen=True)
class Case:
    """The phone answers ``start`` at seq 1 (``None``: not answered) and the sibling field; at seq 2 a
    tablet writes ``theirs`` on the field (on the sibling, if ``on_sibling``), based on seq 1; at seq 3
    the op under test writes ``mine`` on ``base``. Expected: its outcome, the value and fv stored, the
    conflicts on the field."""

    policy: MergePolicy
    path: str
    start: Any
    theirs: Any
    mine: Any
    base: int
    outcome: str
    value: Any
    fv: int
    conflicts: tuple[Conflict, ...] = ()
    on_sibling: bool = False
    by: Who = LAPTOP
    hlc: int = 300
    theirs_by: Who = TABLET
    theirs_hlc: int = 200


def hard(*candidates: tuple[Any, int], winner: int) -> Conflict:
    return ("hard", "open", list(candidates), winner)


def soft(*candidates: tuple[Any, int], winner: int) -> Conflict:
    return ("soft", "resolved", list(candidates), winner)


STALL = f"stalls/{E1}/prices"
FAIL_VS_NA = (hard(("fail", 2), ("na", 3), winner=2),)  # the tablet's value (seq 2) stays the provisional winner
C_OVER_B = (soft(("c", 3), ("b", 2), winner=3),)  # resolved at once: winner first, then the loser
B_OVER_C = (soft(("b", 2), ("c", 3), winner=2),)
SN_VS_SN3 = (hard(("SN-1", 1), ("SN-3", 3), winner=1),)
SN_VS_SN2_SN3 = (hard(("SN-1", 1), ("SN-2", 2), ("SN-3", 3), winner=1),)
POLICY_CASES = [
    # manual (the default): the server's value stays the provisional winner of an open conflict
    pytest.param(Case("manual", "licence", "pass", "fail", "fail", 1, "applied", "fail", 2), id="manual-same-value"),
    pytest.param(Case("manual", "licence", "pass", "fail", "na", 2, "applied", "na", 3), id="manual-unchanged-base"),
    pytest.param(
        Case("manual", "licence", "pass", "fail", "na", 1, "conflict", "fail", 2, FAIL_VS_NA),
        id="manual-stale-base",
    ),
    pytest.param(
        Case("manual", "licence", "pass", None, "na", 1, "applied", "na", 3, on_sibling=True), id="manual-other-field"
    ),
    # role: the higher role wins whatever the clocks; a resolved conflict records it
    pytest.param(Case("role", "grade", "a", "b", "b", 1, "applied", "b", 2), id="role-same-value"),
    pytest.param(Case("role", "grade", "a", "b", "c", 2, "applied", "c", 3), id="role-unchanged-base"),
    pytest.param(
        Case("role", "grade", "a", "b", "c", 1, "merged", "c", 3, C_OVER_B, by=DESK, hlc=150),
        id="role-stale-base-a-supervisor-outranks-an-inspector",
    ),
    pytest.param(
        Case("role", "grade", "a", "b", "c", 1, "merged", "b", 2, B_OVER_C, theirs_by=DESK),
        id="role-stale-base-an-inspector-does-not-override-a-supervisor",
    ),
    pytest.param(Case("role", "grade", "a", None, "c", 1, "applied", "c", 3, on_sibling=True), id="role-other-field"),
    # lww: the larger (clock, user id) wins, no conflict
    pytest.param(Case("lww", "temp", -18, -20, -20, 1, "applied", -20, 2), id="lww-same-value"),
    pytest.param(Case("lww", "temp", -18, -20, -22, 2, "applied", -22, 3), id="lww-unchanged-base"),
    pytest.param(Case("lww", "temp", -18, -20, -22, 1, "merged", -22, 3), id="lww-stale-base-the-later-clock-wins"),
    pytest.param(
        Case("lww", "temp", -18, -20, -22, 1, "merged", -20, 2, hlc=150), id="lww-stale-base-an-earlier-clock-loses"
    ),
    pytest.param(
        Case("lww", "temp", -18, -20, -22, 1, "merged", -20, 2, hlc=200),
        id="lww-stale-base-the-same-clock-keeps-the-larger-user-id",
    ),
    pytest.param(
        Case("lww", "temp", -18, -20, -22, 1, "merged", -22, 3, by=NEWCOMER, hlc=200),
        id="lww-stale-base-the-same-clock-goes-to-the-larger-user-id",
    ),
    pytest.param(Case("lww", "temp", -18, None, -22, 1, "applied", -22, 3, on_sibling=True), id="lww-other-field"),
    # set: add-wins; an element goes only if the remover had seen it added
    pytest.param(
        Case("set", "issues", ["dirty"], ["dirty", "dark"], ["dirty", "dark"], 1, "applied", ["dirty", "dark"], 2),
        id="set-same-value",
    ),
    pytest.param(
        Case("set", "issues", ["dirty"], ["dirty", "dark"], ["noisy"], 2, "applied", ["noisy"], 3),
        id="set-unchanged-base",
    ),
    pytest.param(
        Case("set", "issues", ["dirty"], ["dirty", "dark"], ["noisy"], 1, "merged", ["dark", "noisy"], 3),
        id="set-stale-base-keeps-the-unseen-add",
    ),
    pytest.param(
        Case("set", "issues", ["dirty"], None, ["noisy"], 1, "applied", ["noisy"], 3, on_sibling=True),
        id="set-other-field",
    ),
    # items (groups): each child of an entry merges alone, by its own policy (manual here)
    pytest.param(Case("items", STALL, "pass", "fail", "fail", 1, "applied", "fail", 2), id="items-same-value"),
    pytest.param(Case("items", STALL, "pass", "fail", "na", 2, "applied", "na", 3), id="items-unchanged-base"),
    pytest.param(
        Case("items", STALL, "pass", "fail", "na", 1, "conflict", "fail", 2, FAIL_VS_NA),
        id="items-stale-base",
    ),
    pytest.param(
        Case("items", STALL, "pass", None, "na", 1, "applied", "na", 3, on_sibling=True), id="items-other-child"
    ),
    # append: both texts kept, in clock order, no conflict
    pytest.param(Case("append", "notes", "一", "二", "二", 1, "applied", "二", 2), id="append-same-value"),
    pytest.param(Case("append", "notes", "一", "二", "三", 2, "applied", "三", 3), id="append-unchanged-base"),
    pytest.param(Case("append", "notes", "一", "二", "三", 1, "merged", "二\n三", 3), id="append-stale-base"),
    pytest.param(
        Case("append", "notes", "一", "二", "三", 1, "merged", "三\n二", 3, hlc=150),
        id="append-stale-base-the-earlier-clock-goes-first",
    ),
    pytest.param(
        Case("append", "notes", "一", None, "三", 1, "applied", "三", 3, on_sibling=True), id="append-other-field"
    ),
    # immutable: a value once given is never overwritten; every differing write joins one open conflict
    pytest.param(
        Case("immutable", "serial", "SN-1", "SN-1", "SN-1", 1, "applied", "SN-1", 1), id="immutable-same-value"
    ),
    pytest.param(
        Case("immutable", "serial", "SN-1", None, "SN-3", 1, "conflict", "SN-1", 1, SN_VS_SN3, on_sibling=True),
        id="immutable-unchanged-base",
    ),
    pytest.param(
        Case("immutable", "serial", "SN-1", "SN-2", "SN-3", 1, "conflict", "SN-1", 1, SN_VS_SN2_SN3),
        id="immutable-stale-base",
    ),
    pytest.param(
        Case("immutable", "serial", None, None, "SN-3", 0, "applied", "SN-3", 3, on_sibling=True),
        id="immutable-other-field-first-value",
    ),
]


def test_the_policy_table_covers_every_merge_policy() -> None:
    covered = {param.values[0].policy for param in POLICY_CASES if isinstance(param.values[0], Case)}
    assert covered == set(get_args(MergePolicy))


@pytest.mark.parametrize("case", POLICY_CASES)
def test_merge_policy(case: Case) -> None:
    assert merge_policy(INDEX.items[case.path.split("/")[0]]) == case.policy
    sibling, sibling_start, sibling_theirs = SIBLING.get(case.path.split("/")[0], REMARKS)
    server = Server()
    first = {sibling: sibling_start} if case.start is None else {case.path: case.start, sibling: sibling_start}
    server.run(answers(PHONE, first))
    if case.on_sibling:
        server.run(answer(case.theirs_by, sibling, sibling_theirs, base=1, hlc=case.theirs_hlc))
    else:
        server.run(answer(case.theirs_by, case.path, case.theirs, base=1, hlc=case.theirs_hlc))

    result = server.run(answer(case.by, case.path, case.mine, base=case.base, hlc=case.hlc))

    assert (result.outcome, result.fv) == (case.outcome, case.fv)
    assert server.stored(case.path) == (case.value, case.fv)
    assert server.conflicts(case.path) == list(case.conflicts)
    assert (result.conflict_id is not None) == bool(case.conflicts)
    if case.on_sibling:
        assert server.stored(sibling) == (sibling_theirs, 2)  # both changes stand
        assert server.conflicts(sibling) == []


# ---- photo sets: add-wins, a photo goes only when its remover had seen every add of it ---------------------------

PHOTO_CASES = [
    pytest.param(
        [Step(PHONE, "attach", "photos", H1), Step(TABLET, "attach", "photos", H2)],
        ("applied", [H1, H2], 2),
        id="adds-from-two-devices-are-both-kept",
    ),
    pytest.param(
        [Step(PHONE, "attach", "photos", H1), Step(TABLET, "detach", "photos", H1, base=1)],
        ("applied", [], 2),
        id="a-remove-that-saw-the-add-drops-the-photo",
    ),
    pytest.param(
        [Step(PHONE, "attach", "photos", H1), Step(TABLET, "detach", "photos", H1, base=0)],
        ("applied", [H1], 1),
        id="a-remove-that-did-not-see-the-add-leaves-it",
    ),
    pytest.param(
        [Step(PHONE, "attach", "photos", H1), Step(PHONE, "detach", "photos", H1, base=0)],
        ("applied", [], 2),
        id="a-device-has-seen-its-own-adds",
    ),
    pytest.param(
        [
            Step(PHONE, "attach", "photos", H1),
            Step(LAPTOP, "attach", "photos", H1),
            Step(TABLET, "detach", "photos", H1, base=1),
        ],
        ("merged", [H1], 3),
        id="remove-vs-a-concurrent-add-the-add-wins",
    ),
    pytest.param(
        [
            Step(PHONE, "attach", "photos", H1),
            Step(TABLET, "detach", "photos", H1, base=1),
            Step(LAPTOP, "attach", "photos", H1),
        ],
        ("applied", [H1], 3),
        id="an-add-after-a-remove-brings-it-back",
    ),
    pytest.param(
        [
            answer(PHONE, "photos", [H1]),
            Step(TABLET, "attach", "photos", H2),
            answer(LAPTOP, "photos", [H3], base=1),
        ],
        ("merged", [H2, H3], 3),
        id="a-whole-list-on-a-stale-base-merges-as-a-set",
    ),
]


@pytest.mark.parametrize(("steps", "expected"), PHOTO_CASES)
def test_photo_set(steps: list[Step], expected: tuple[str, list[str], int]) -> None:
    server = Server()
    results = [server.run(step) for step in steps]
    outcome, value, fv = expected
    assert (results[-1].outcome, results[-1].fv) == (outcome, fv)
    assert server.stored("photos") == (value, fv)
    assert server.records == {}


# ---- signatures: bound to the hash of the content they cover ----------------------------------------------------

SIGNED = {"licence": "pass", "temp": -20}


def signature(image: str, signer: str, content: dict[str, Any]) -> dict[str, str]:
    return {
        "status": "signed",
        "image_sha256": image,
        "signer_name": signer,
        "signer_role": "店长",
        "signed_at": "2026-03-02T10:00:00+08:00",
        "content_hash": content_hash(INDEX.template, content, "manager_sign"),
    }


SIG_A = signature(H1, "王经理", SIGNED)
SIG_B = signature(H2, "王经理", {**SIGNED, "licence": "fail"})  # over the changed content
SIG_OTHER = signature(H3, "李经理", SIGNED)  # another valid signature of the same content


def sign(who: Who, value: dict[str, str], base: int = 0) -> Step:
    return Step(who, "sign", "manager_sign", value, base)


SIGNATURE_CASES = [
    pytest.param([sign(TABLET, SIG_A)], ("applied", SIG_A, 2, False, []), id="signing-the-current-content"),
    pytest.param(
        [sign(TABLET, SIG_A), sign(LAPTOP, SIG_A)],
        ("applied", SIG_A, 2, False, []),
        id="the-same-signature-again-changes-nothing",
    ),
    pytest.param(
        [sign(TABLET, SIG_A), answer(LAPTOP, "licence", "fail", base=1)],
        ("applied", SIG_A, 2, True, [("signature_stale", "open", [(SIG_A, 2)], 2)]),
        id="a-change-to-signed-content-marks-the-signature-stale",
    ),
    pytest.param(
        [sign(TABLET, SIG_A), answer(LAPTOP, "notes", "门口有积水")],
        ("applied", SIG_A, 2, False, []),
        id="a-change-to-content-it-does-not-cover-keeps-it",
    ),
    pytest.param(
        [sign(TABLET, SIG_A), answer(LAPTOP, "licence", "fail", base=1), sign(TABLET, SIG_B, base=2)],
        ("applied", SIG_B, 4, False, [("signature_stale", "resolved", [(SIG_A, 2)], 4)]),
        id="re-signing-the-new-content-resolves-the-stale-conflict",
    ),
    pytest.param(
        [answer(LAPTOP, "licence", "fail", base=1), sign(TABLET, SIG_A, base=1)],
        ("conflict", SIG_A, 3, True, [("signature_stale", "open", [(SIG_A, 3)], 3)]),
        id="a-signature-of-content-changed-before-it-arrived-is-stale-at-once",
    ),
    pytest.param(
        [sign(TABLET, SIG_A), sign(LAPTOP, SIG_OTHER)],
        ("conflict", SIG_A, 2, False, [("hard", "open", [(SIG_A, 2), (SIG_OTHER, 3)], 2)]),
        id="another-signature-never-replaces-a-valid-one",
    ),
]


@pytest.mark.parametrize(("steps", "expected"), SIGNATURE_CASES)
def test_signature(steps: list[Step], expected: tuple[str, dict[str, str], int, bool, list[Conflict]]) -> None:
    server = Server()
    server.run(answers(PHONE, SIGNED))
    results = [server.run(step) for step in steps]
    outcome, value, fv, stale, conflicts = expected
    assert results[-1].outcome == outcome
    assert server.stored("manager_sign") == (value, fv)
    assert server.row.doc.fields["manager_sign"].stale is stale
    assert server.conflicts("manager_sign") == conflicts


# ---- locked states: an approved, rejected or deleted inspection (or a removed entry) keeps every edit aside ----

LOCKED_CASES = [
    pytest.param(
        "approved",
        [answers(PHONE, {"licence": "pass"})],
        answer(LAPTOP, "licence", "fail", base=1),
        (("pass", 1), [("locked", "open", [("pass", 1), ("fail", 2)], 1)]),
        id="approved-an-answer",
    ),
    pytest.param(
        "rejected",
        [answers(PHONE, {"licence": "pass"})],
        answer(LAPTOP, "licence", "fail", base=1),
        (("pass", 1), [("locked", "open", [("pass", 1), ("fail", 2)], 1)]),
        id="rejected-an-answer",
    ),
    pytest.param(
        "deleted",
        [answers(PHONE, {"licence": "pass"})],
        answer(LAPTOP, "licence", "fail", base=1),
        (("pass", 1), [("edit_vs_delete", "open", [("pass", 1), ("fail", 2)], 1)]),
        id="deleted-an-answer",
    ),
    pytest.param(
        "approved",
        [answers(PHONE, {"licence": "pass"})],
        answer(LAPTOP, "temp", -20),
        (None, [("locked", "open", [(-20, 2)], 2)]),
        id="approved-a-first-answer",
    ),
    pytest.param(
        "approved",
        [Step(PHONE, "attach", "photos", H1)],
        Step(LAPTOP, "attach", "photos", H2),
        (([H1], 1), [("locked", "open", [([H1], 1), ({"attach": H2}, 2)], 1)]),
        id="approved-a-photo-added",
    ),
    pytest.param(
        "deleted",
        [Step(PHONE, "attach", "photos", H1)],
        Step(LAPTOP, "detach", "photos", H1, base=1),
        (([H1], 1), [("edit_vs_delete", "open", [([H1], 1), ({"detach": H1}, 2)], 1)]),
        id="deleted-a-photo-removed",
    ),
    pytest.param(
        "approved",
        [answers(PHONE, SIGNED)],
        sign(LAPTOP, SIG_A),
        (None, [("locked", "open", [(SIG_A, 2)], 2)]),
        id="approved-a-signature",
    ),
    pytest.param(
        "approved",
        [answers(PHONE, {"licence": "pass"})],
        Step(LAPTOP, "add_entry", "stalls", E2),
        (None, [("locked", "open", [({"entry": "add_entry"}, 2)], 2)]),
        id="approved-an-entry-added",
    ),
    pytest.param(
        "draft",
        [answer(PHONE, STALL, "pass"), Step(TABLET, "remove_entry", "stalls", E1, base=1)],
        answer(LAPTOP, STALL, "fail", base=1),
        (("pass", 1), [("edit_vs_delete", "open", [("pass", 1), ("fail", 3)], 1)]),
        id="draft-an-answer-in-a-removed-entry",
    ),
]


@pytest.mark.parametrize(("status", "setup", "edit", "expected"), LOCKED_CASES)
def test_locked(
    status: str, setup: list[Step], edit: Step, expected: tuple[tuple[Any, int] | None, list[Conflict]]
) -> None:
    server = Server()
    for step in setup:
        server.run(step)
    server.row.status = status  # as stored after the review, the deletion
    before = server.stored(f"{edit.path}/{edit.value}" if edit.kind == "add_entry" else edit.path)
    result = server.run(edit)
    kept, conflicts = expected
    assert result.outcome == "conflict"
    assert result.conflict_id is not None
    path = result.path
    assert server.stored(path) == before == kept  # never overwritten
    assert server.conflicts(path) == conflicts
    assert server.row.status == status

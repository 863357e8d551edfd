"""Findings: every failed item of a submitted inspection, with its evidence, repeats and verification.

:func:`record_findings` runs inside the push transaction when an inspection
becomes ``submitted``. It is idempotent: a re-submission after a return updates
the findings of items still failing, records new ones, and withdraws those
whose item no longer fails. Each new finding gets its corrective action
(``open``; see :mod:`sync.review.actions`) and is a **repeat** when the same item
failed at the same site within the repeat window (a link to the latest such
finding). The same submission **verifies** the open actions of earlier
findings at the site whose item it answers as passing (every answer to the
item passes: in a repeating group, every entry).

A finding is **confirmed** when a visible signature item covering it is signed,
or refused with a witness named, and is not stale.

Evidence photos follow the app's rule: a failed item inside a group entry takes
the photos of that entry; any other failed item takes those of the form's
evidence photo item (its first top-level photo item).
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import Struct

from schemas.answers import holds
from schemas.catalog import TemplateIndex
from schemas.scoring import AnswerOutcome
from schemas.template import Group, Photo, Signature, Template
from sync.clock import from_iso, iso
from sync.db.named import named_rows, rows_as
from sync.db.store import Store
from sync.engine.document import Document, answers_of
from sync.engine.facts import scorer
from sync.engine.rollups import moving_actions
from sync.feed.events import recheck_overdue_from
from sync.review.finding_rows import NewFindings, add_history, history_rows

if TYPE_CHECKING:
    from sync.engine.rows import InspectionRow

RULES_KEY = "finding_rules"
UNVERIFIED = ("open", "fixed_reported")


class FindingRules(Struct, frozen=True):
    """Rules findings are recorded by, saved by the server at start-up from its settings."""

    repeat_window_days: int = 90


class SignatureCover(Struct, frozen=True, omit_defaults=True):
    """A signature item whose content covers the finding, as given on site."""

    path: str
    status: str
    signer_name: str
    signer_role: str = ""
    witness_name: str = ""
    stale: bool = False


class FindingEvidence(Struct, frozen=True):
    """A finding's evidence photos and the signatures covering it."""

    photos: list[str] = []
    signatures: list[SignatureCover] = []


class FindingBrief(Struct, frozen=True, omit_defaults=True):
    """A finding as an inspection's view lists it (phones get it on pull)."""

    id: str
    pointer: str
    severity: str
    status: str
    action_status: str
    confirmed: bool
    responsible: str | None = None
    deadline: str | None = None
    repeat_of: str | None = None


encoder = msgspec.json.Encoder()
_rules_decoder = msgspec.json.Decoder(FindingRules)


def save_finding_rules(store: Store, rules: FindingRules) -> None:
    """Store the rules :func:`record_findings` reads (the server calls this at start-up)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO server_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [RULES_KEY, encoder.encode(rules).decode()],
        )


def finding_rules(conn: sqlite3.Connection) -> FindingRules:
    """The stored rules, or the defaults."""
    row = conn.execute("SELECT value FROM server_meta WHERE key = ?", [RULES_KEY]).fetchone()
    return _rules_decoder.decode(row[0]) if row else FindingRules()


def record_findings(
    conn: sqlite3.Connection, row: InspectionRow, index: TemplateIndex, seq: int, now: str
) -> list[tuple[str, str]]:
    """Record, update or withdraw the findings of ``row``, just submitted at server sequence ``seq``.

    Then verify earlier open actions at the site that this inspection answers as passing; returns
    those as ``(finding_id, inspection_id)`` so the caller logs each change and moves the earlier
    inspection (its phone then pulls the verified action).
    """
    template = index.template
    answers = answers_of(row.doc)
    outcomes = scorer(template).judged(answers)  # the answers that pass or fail: the others make no finding
    failed = {a.pointer: a for a in outcomes if a.outcome == "fail"}
    covers = _signature_covers(template, row.doc, answers, {a.item_path.split("/", 1)[0] for a in failed.values()})
    form_photos = _form_photos(template, answers)
    held = _held_findings(conn, row.id)
    window = finding_rules(conn).repeat_window_days
    new = NewFindings()
    for pointer, answer in failed.items():
        photos = _entry_photos(template, answers, answer) if answer.entry is not None else form_photos
        signatures = covers.get(answer.item_path.split("/", 1)[0], [])
        evidence = FindingEvidence(evidence_of(photos, row.doc.photo_items, answer.pointer[1:]), signatures)
        value, evidence_json = encoder.encode(answer.value).decode(), encoder.encode(evidence).decode()
        confirmed = int(any(_confirms(s) for s in signatures))
        if pointer in held:
            _refresh(conn, held[pointer], value, evidence_json, confirmed, seq, now)
        else:
            repeat_of = _earlier_finding(conn, row, answer.item_path, now, window)  # other inspections' only
            new.add(row, answer, value, evidence_json, confirmed, repeat_of, seq, now)
    new.insert(conn)
    for pointer, old in held.items():
        if pointer not in failed and old["status"] == "active":
            conn.execute(
                "UPDATE finding SET status = 'withdrawn', updated_seq = ?, updated_at = ? WHERE id = ?",
                [seq, now, old["id"]],
            )
            add_history(conn, old["id"], "withdrawn", None, seq, now, {"reason": "the item no longer fails"})
    return _verify_by_inspection(conn, row, outcomes, seq, now)


def _held_findings(conn: sqlite3.Connection, inspection_id: str) -> dict[str, dict[str, Any]]:
    """The inspection's recorded findings by pointer: id, status and the stored value, evidence, confirmation."""
    rows = conn.execute(
        "SELECT id, pointer, status, value_json, evidence_json, confirmed FROM finding WHERE inspection_id = ?",
        [inspection_id],
    )
    return {r["pointer"]: r for r in named_rows(rows)}


def _refresh(
    conn: sqlite3.Connection, old: dict[str, Any], value: str, evidence: str, confirmed: int, seq: int, now: str
) -> None:
    """Bring a recorded finding up to date with its still failing answer (reinstated if withdrawn)."""
    unchanged = (old["value_json"], old["evidence_json"], old["confirmed"]) == (value, evidence, confirmed)
    if old["status"] == "active" and unchanged:
        return
    conn.execute(
        "UPDATE finding SET status = 'active', value_json = ?, evidence_json = ?, confirmed = ?,"
        " updated_seq = ?, updated_at = ? WHERE id = ?",
        [value, evidence, confirmed, seq, now, old["id"]],
    )
    kind = "reinstated" if old["status"] == "withdrawn" else "updated"
    add_history(conn, old["id"], kind, None, seq, now, {})
    if kind == "reinstated":
        deadline = conn.execute("SELECT deadline FROM corrective_action WHERE finding_id = ?", [old["id"]]).fetchone()
        recheck_overdue_from(conn, deadline[0] if deadline else None)


def _earlier_finding(
    conn: sqlite3.Connection, row: InspectionRow, item_path: str, now: str, window_days: int
) -> str | None:
    """The latest finding on the same item at the same site, from another inspection, if within the window.

    One probe of ``finding_site_item`` from its newest end, in the index alone (m085): findings are
    recorded in sequence order at the server's time, so when the latest one is older than the window,
    so is every earlier one.
    """
    since = iso(from_iso(now) - timedelta(days=window_days))
    found = conn.execute(
        "SELECT id FROM (SELECT id, created_at FROM finding WHERE site_id = ? AND item_path = ?"
        " AND inspection_id != ? AND status = 'active' ORDER BY created_seq DESC LIMIT 1) latest"
        " WHERE created_at >= ?",
        [row.site_id, item_path, row.id, since],
    ).fetchone()
    return found[0] if found else None


def _verify_by_inspection(
    conn: sqlite3.Connection, row: InspectionRow, outcomes: list[AnswerOutcome], seq: int, now: str
) -> list[tuple[str, str]]:
    """Verify open actions of earlier inspections' findings on the items this one answers as passing."""
    # the site's unverified actions (few: each is verified by the next inspection its item passes in)
    unverified = conn.execute(
        "SELECT a.finding_id, a.inspection_id, a.item_path FROM corrective_action a"
        " JOIN finding f ON f.id = a.finding_id WHERE a.site_id = ? AND a.status IN ('open', 'fixed_reported')"
        " AND a.inspection_id != ? AND a.inspection_seq < ? AND f.status = 'active'"
        " ORDER BY a.inspection_seq, a.finding_id",
        [row.site_id, row.id, row.created_seq],
    ).fetchall()
    if not unverified:
        return []
    paths = {item_path for _, _, item_path in unverified}
    seen: dict[str, set[str]] = {path: set() for path in paths}  # what this inspection's answers to each were
    for answer in outcomes:
        if answer.item_path in paths and answer.outcome is not None:
            seen[answer.item_path].add(answer.outcome)
    passing = {path for path, outcomes_seen in seen.items() if "pass" in outcomes_seen and "fail" not in outcomes_seen}
    due = [(finding_id, inspection_id) for finding_id, inspection_id, item_path in unverified if item_path in passing]
    if not due:
        return due
    verification = {"method": "inspection", "inspection_id": row.id, "by": row.inspector_id, "at": now}
    with moving_actions(conn, [finding_id for finding_id, _ in due]):  # the action rollups follow, all at once
        conn.executemany(
            "UPDATE corrective_action SET status = 'verified', verification_json = ?, updated_at = ?"
            " WHERE finding_id = ?",
            [(encoder.encode(verification).decode(), now, finding_id) for finding_id, _ in due],
        )
    history_rows(conn, [finding_id for finding_id, _ in due], "verified", seq, now, {"inspection_id": row.id})
    return due


def _signature_covers(
    template: Template, doc: Document, answers: dict[str, Any], failed: set[str]
) -> dict[str, list[SignatureCover]]:
    """Failed top-level item id → the visible, given signatures whose content covers it.

    A failed item is visible and is not a signature, so a signature without a ``covers`` list
    covers it; only the signature items' own visibility is looked at.
    """
    covers: dict[str, list[SignatureCover]] = {}
    if not failed:
        return covers
    for section in template.sections:
        shown: bool | None = None  # the section's condition, looked at once it holds a signature
        for item in section.items:
            if not isinstance(item, Signature):
                continue
            if shown is None:
                shown = holds(section.show_if, answers)
            state = doc.fields.get(item.id)
            if not shown or not holds(item.show_if, answers) or state is None or not isinstance(state.v, dict):
                continue
            value = state.v
            cover = SignatureCover(
                item.id,
                str(value.get("status", "")),
                str(value.get("signer_name", "")),
                str(value.get("signer_role", "")),
                str(value.get("witness_name", "")),
                state.stale,
            )
            for item_id in failed:
                if not item.covers or item_id in item.covers:
                    covers.setdefault(item_id, []).append(cover)
    return covers


def _confirms(cover: SignatureCover) -> bool:
    """Signed, or refused with a witness named; and not stale."""
    if cover.stale:
        return False
    return cover.status == "signed" or (cover.status == "refused" and bool(cover.witness_name.strip()))


def evidence_of(photos: list[str], links: dict[str, str], path: str) -> list[str]:
    """The photos that are evidence of the answer at ``path``: those attached for it, else the unlinked ones.

    A photo attached as evidence of another answer is never evidence of this one.
    """
    linked = [sha for sha in photos if links.get(sha) == path]
    return linked or [sha for sha in photos if sha not in links]


def _form_photos(template: Template, answers: dict[str, Any]) -> list[str]:
    """The photos of the form's evidence photo item: its first top-level photo item."""
    for section in template.sections:
        for item in section.items:
            if isinstance(item, Photo):
                value = answers.get(item.id)
                return [sha for sha in value if isinstance(sha, str)] if isinstance(value, list) else []
    return []


def _entry_photos(template: Template, answers: dict[str, Any], answer: AnswerOutcome) -> list[str]:
    """The photos of the group entry a failed child item belongs to."""
    group_id = answer.item_path.split("/", 1)[0]
    group = next((i for s in template.sections for i in s.items if i.id == group_id), None)
    entry = answers.get(group_id, {}).get(answer.entry, {})
    if not isinstance(group, Group) or not isinstance(entry, dict):
        return []
    photos: list[str] = []
    for child in group.items:
        value = entry.get(child.id)
        if isinstance(child, Photo) and isinstance(value, list):
            photos.extend(sha for sha in value if isinstance(sha, str) and sha not in photos)
    return photos


def findings_of(conn: sqlite3.Connection, inspection_id: str) -> list[FindingBrief]:
    """The findings of one inspection, in the order they were recorded."""
    rows = conn.execute(
        "SELECT f.id, f.pointer, f.severity, f.status, a.status AS action_status, f.confirmed, a.responsible,"
        " a.deadline, f.repeat_of FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
        " WHERE f.inspection_id = ? ORDER BY f.created_seq, f.pointer",
        [inspection_id],
    )
    return rows_as(rows, FindingBrief)

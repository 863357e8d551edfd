"""Applying a push: idempotent, gap-free per client, one durable transaction per batch.

A replayed op returns its stored outcome and changes nothing. A gap in
``client_seq`` is answered ``gap`` so the device resends from ``last_seq + 1``.
One bad op is rejected (with a problem) without blocking the ones after it;
the rejection still advances the client's sequence and is kept in the op log.
"""

from __future__ import annotations

import sqlite3
import time
import uuid

from schemas.answers import check_value
from schemas.catalog import Catalog
from schemas.template import Group, Photo, Signature
from sync.accounts import User, now_iso
from sync.document import Document, answers_of, resolve_item
from sync.errors import Forbidden, Rejected
from sync.inspections import InspectionRow, insert_row, load_row, open_conflicts, save_conflicts, save_row
from sync.merge import (
    LOCKED,
    Context,
    add_entry,
    ensure_entry,
    is_set_item,
    keep_locked,
    mark_stale_signatures,
    merge_attach,
    merge_detach,
    merge_set,
    merge_signature,
    merge_value,
    remove_entry,
)
from sync.ops import (
    AddEntry,
    Attach,
    Create,
    Delete,
    Detach,
    FieldResult,
    Op,
    OpResult,
    Outcome,
    PushBatch,
    PushResult,
    Rejection,
    RemoveEntry,
    SetAnswers,
    Sign,
    Transition,
    encoder,
    hlc_millis,
    make_hlc,
    result_decoder,
)
from sync.sites import site_ids_in_scope
from sync.store import Store
from sync.workflow import DELETABLE, apply_transition, check_complete

MAX_SKEW_MS = 5 * 60 * 1000
_RANK = {"applied": 0, "merged": 1, "conflict": 2}


def apply_push(
    store: Store, catalog: Catalog, user: User, device_id: str, batch: PushBatch, *, now_ms: int | None = None
) -> PushResult:
    """Apply a batch of ops in ``client_seq`` order and commit once, durably, before returning."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    results: list[OpResult] = []
    with store.transaction() as conn:
        last = _register_client(conn, batch.client_id, user, device_id)
        scope = site_ids_in_scope(store, user)
        for op in sorted(batch.ops, key=lambda o: o.client_seq):
            stored = conn.execute("SELECT result_json FROM op_log WHERE op_id = ?", [op.op_id]).fetchone()
            if stored is not None:
                results.append(result_decoder.decode(stored[0]))
            elif op.client_seq <= last:
                detail = f"client_seq {op.client_seq} was already used by another op; sequences are never reused"
                results.append(_refused(op, "protocol-error", detail))
            elif op.client_seq > last + 1:
                results.append(_refused(op, "sequence-gap", f"expected client_seq {last + 1}; resend from there"))
            else:
                results.append(_apply_logged(conn, catalog, user, scope, batch.client_id, op, now_ms))
                last = op.client_seq
        conn.execute("UPDATE client SET last_seq = ? WHERE client_id = ?", [last, batch.client_id])
    return PushResult(results, last, make_hlc(now_ms))


def apply_server_op(store: Store, catalog: Catalog, user: User, op: Op, *, now_ms: int | None = None) -> OpResult:
    """Apply an op made on the server for a supervisor or admin (review actions), logged like any other."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    with store.transaction() as conn:
        return _apply_logged(conn, catalog, user, site_ids_in_scope(store, user), None, op, now_ms)


def new_op_id() -> str:
    return str(uuid.uuid4())


def _register_client(conn: sqlite3.Connection, client_id: str, user: User, device_id: str) -> int:
    row = conn.execute("SELECT user_id, last_seq FROM client WHERE client_id = ?", [client_id]).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO client (client_id, user_id, device_id, last_seq, created_at) VALUES (?, ?, ?, 0, ?)",
            [client_id, user.id, device_id, now_iso()],
        )
        return 0
    if row[0] != user.id:
        raise Forbidden("this client_id belongs to another user; generate a new one after a change of user")
    conn.execute("UPDATE client SET device_id = ? WHERE client_id = ?", [device_id, client_id])
    last: int = row[1]
    return last


def _refused(op: Op, type_: str, detail: str) -> OpResult:
    outcome: Outcome = "gap" if type_ == "sequence-gap" else "rejected"
    return OpResult(op.op_id, op.client_seq, outcome, problem=Rejection(type_, detail))


def _apply_logged(
    conn: sqlite3.Connection,
    catalog: Catalog,
    user: User,
    scope: set[str],
    client_id: str | None,
    op: Op,
    now_ms: int,
) -> OpResult:
    flags: list[str] = []
    hlc = op.hlc
    if hlc_millis(hlc) > now_ms + MAX_SKEW_MS:
        flags.append("clock_skew")
        hlc = make_hlc(now_ms)
    received = now_iso()
    cursor = conn.execute(
        "INSERT INTO op_log (op_id, client_id, client_seq, inspection_id, kind, op_json, hlc, user_id,"
        " received_at, outcome, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '{}')",
        [
            op.op_id,
            client_id,
            op.client_seq if client_id else None,
            op.inspection_id,
            type(op).__struct_config__.tag,
            encoder.encode(op),
            hlc,
            user.id,
            received,
        ],
    )
    seq = cursor.lastrowid
    assert seq is not None
    conn.execute("SAVEPOINT op")
    try:
        fields, conflict_ids = _apply(conn, catalog, user, scope, client_id or "", op, seq, hlc, received)
        conn.execute("RELEASE SAVEPOINT op")
        outcome: Outcome = max((f.outcome for f in fields), key=lambda o: _RANK[o], default="applied")
        result = OpResult(op.op_id, op.client_seq, outcome, seq, fields, conflict_ids, flags=flags)
    except Rejected as exc:
        conn.execute("ROLLBACK TO SAVEPOINT op")
        conn.execute("RELEASE SAVEPOINT op")
        problem = Rejection(exc.type, exc.detail, exc.errors)
        result = OpResult(op.op_id, op.client_seq, "rejected", seq, problem=problem, flags=flags)
    conn.execute(
        "UPDATE op_log SET outcome = ?, result_json = ? WHERE seq = ?", [result.outcome, encoder.encode(result), seq]
    )
    return result


def _apply(
    conn: sqlite3.Connection,
    catalog: Catalog,
    user: User,
    scope: set[str],
    client_id: str,
    op: Op,
    seq: int,
    hlc: int,
    now: str,
) -> tuple[list[FieldResult], list[str]]:
    if isinstance(op, Create):
        return _create(conn, catalog, user, scope, op, seq, now), []
    row = load_row(conn, op.inspection_id)
    if row is None or row.org_id != user.org_id:
        raise Rejected("not-found", f"no inspection {op.inspection_id}; send its create op first")
    if row.site_id not in scope:
        raise Rejected("out-of-scope", "this inspection's site is outside your assigned sites")
    template = catalog.get(row.checklist_id, row.version)
    if template is None:
        raise Rejected("not-found", f"checklist {row.checklist_id} version {row.version} is not published here")
    ctx = Context(template, user.id, user.role, client_id, op.op_id, seq, hlc, now, open_conflicts(conn, row.id))
    fields = _dispatch(row, op, ctx)
    if ctx.changed and row.status not in LOCKED:
        mark_stale_signatures(row.doc, ctx)
    if ctx.changed:
        row.updated_seq = seq
        row.updated_at = now
        touched = [c for c in ctx.conflicts.values() if c.id in ctx.touched_conflicts]
        new_ids = {c.id for c in ctx.new_conflicts}
        save_conflicts(conn, row, ctx.new_conflicts, [c for c in touched if c.id not in new_ids])
        save_row(conn, row)
        if isinstance(op, Attach | Detach | Sign) or _touches_photos(op, ctx):
            _sync_evidence_refs(conn, row, ctx)
    conflict_ids = sorted({f.conflict_id for f in fields if f.conflict_id} | {c.id for c in ctx.new_conflicts})
    return fields, conflict_ids


def _create(
    conn: sqlite3.Connection, catalog: Catalog, user: User, scope: set[str], op: Create, seq: int, now: str
) -> list[FieldResult]:
    if catalog.get(op.checklist_id, op.version) is None:
        raise Rejected("not-found", f"checklist {op.checklist_id} has no published version {op.version}")
    if op.site_id not in scope:
        raise Rejected("out-of-scope", f"site {op.site_id} is not one of your assigned sites")
    held = load_row(conn, op.inspection_id)
    if held is not None:
        if (held.checklist_id, held.version, held.site_id, held.org_id) == (
            op.checklist_id,
            op.version,
            op.site_id,
            user.org_id,
        ):
            return [FieldResult("", "applied", held.created_seq)]
        raise Rejected("already-exists", f"inspection {op.inspection_id} already exists with other details")
    row = InspectionRow(
        op.inspection_id,
        user.org_id,
        op.site_id,
        op.checklist_id,
        op.version,
        user.id,
        "draft",
        now,
        now,
        seq,
        seq,
        0,
        Document(),
    )
    insert_row(conn, row)
    return [FieldResult("", "applied", seq)]


def _dispatch(row: InspectionRow, op: Op, ctx: Context) -> list[FieldResult]:
    if isinstance(op, SetAnswers):
        return _set_answers(row, op, ctx)
    if isinstance(op, AddEntry | RemoveEntry):
        return _entry_op(row, op, ctx)
    if isinstance(op, Attach | Detach):
        return _photo_op(row, op, ctx)
    if isinstance(op, Sign):
        return _sign(row, op, ctx)
    if isinstance(op, Transition):
        return _transition(row, op, ctx)
    assert isinstance(op, Delete)
    return _delete(row, ctx)


def _set_answers(row: InspectionRow, op: SetAnswers, ctx: Context) -> list[FieldResult]:
    _validate_changes(op, ctx)
    doc, locked = row.doc, row.status in LOCKED
    results = []
    for change in op.changes:
        removed = None if locked else ensure_entry(doc, change.path, ctx)
        if locked or removed:
            status = row.status if locked else "deleted"
            results.append(keep_locked(doc, status, change.path, change.value, change.base_fv, ctx))
        elif is_set_item(ctx, change.path) and isinstance(change.value, list):
            results.append(merge_set(doc, change.path, change.value, change.base_fv, ctx))
        else:
            results.append(merge_value(doc, change.path, change.value, change.base_fv, ctx))
    return results


def _entry_op(row: InspectionRow, op: AddEntry | RemoveEntry, ctx: Context) -> list[FieldResult]:
    if not isinstance(ctx.items.get(op.group), Group):
        raise Rejected("invalid-answers", f"{op.group!r} is not a repeating group", [_ptr(op.group, "no group")])
    key = f"{op.group}/{op.entry_id}"
    if row.status in LOCKED:
        return [keep_locked(row.doc, row.status, key, {"entry": op.__struct_config__.tag}, 0, ctx)]
    if isinstance(op, AddEntry):
        return [add_entry(row.doc, key, ctx)]
    return [remove_entry(row.doc, key, op.base_fv, ctx)]


def _photo_op(row: InspectionRow, op: Attach | Detach, ctx: Context) -> list[FieldResult]:
    if not isinstance(resolve_item(ctx.items, op.path), Photo):
        raise Rejected("invalid-answers", f"{op.path!r} is not a photo item", [_ptr(op.path, "not a photo item")])
    locked = row.status in LOCKED
    removed = None if locked else ensure_entry(row.doc, op.path, ctx)
    if locked or removed:
        value = {op.__struct_config__.tag: op.sha256}
        return [keep_locked(row.doc, row.status if locked else "deleted", op.path, value, 0, ctx)]
    if isinstance(op, Attach):
        return [merge_attach(row.doc, op.path, op.sha256, ctx)]
    return [merge_detach(row.doc, op.path, op.sha256, op.base_fv, ctx)]


def _sign(row: InspectionRow, op: Sign, ctx: Context) -> list[FieldResult]:
    item = ctx.items.get(op.path)
    if not isinstance(item, Signature):
        raise Rejected("invalid-answers", f"{op.path!r} is not a signature item", [_ptr(op.path, "no signature")])
    errors = [_err(e.pointer, e.detail) for e in check_value(item, op.value, "/" + op.path)]
    if errors:
        raise Rejected("invalid-answers", "the signature is incomplete", errors)
    if row.status in LOCKED:
        return [keep_locked(row.doc, row.status, op.path, op.value, op.base_fv, ctx)]
    return [merge_signature(row.doc, op.path, op.value, op.base_fv, ctx)]


def _transition(row: InspectionRow, op: Transition, ctx: Context) -> list[FieldResult]:
    if op.to == "submitted" and row.status != "submitted":
        check_complete(ctx, answers_of(row.doc))
    new_status = apply_transition(row.status, op, ctx, row.open_conflicts, row.doc.comments)
    if op.to == "rejected":
        row.doc.reason = op.reason
    if new_status != row.status:
        row.status = new_status
        ctx.changed = True
    return [FieldResult("status", "applied", ctx.seq if ctx.changed else row.updated_seq)]


def _delete(row: InspectionRow, ctx: Context) -> list[FieldResult]:
    if row.status == "deleted":
        return [FieldResult("status", "applied", row.updated_seq)]
    if row.status not in DELETABLE:
        raise Rejected("invalid-transition", f"a {row.status} inspection cannot be deleted")
    if ctx.role != "admin" and row.inspector_id != ctx.user_id:
        raise Rejected("forbidden", "only the inspector who started it (or an admin) deletes an inspection")
    row.status = "deleted"
    ctx.changed = True
    return [FieldResult("status", "applied", ctx.seq)]


def _validate_changes(op: SetAnswers, ctx: Context) -> None:
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for change in op.changes:
        pointer = "/" + change.path
        item = resolve_item(ctx.items, change.path)
        if change.path in seen:
            errors.append(_err(pointer, "the same path twice in one op"))
        seen.add(change.path)
        if item is None:
            errors.append(_err(pointer, f"no item at {change.path!r} in this checklist version"))
        elif isinstance(item, Group):
            errors.append(_err(pointer, "add or remove entries with add_entry and remove_entry"))
        elif isinstance(item, Signature):
            errors.append(_err(pointer, "signatures are given with the sign op"))
        elif change.value is not None:
            errors.extend(_err(e.pointer, e.detail) for e in check_value(item, change.value, pointer))
    if errors:
        raise Rejected("invalid-answers", f"{len(errors)} answer(s) do not fit this checklist version", errors)


def _err(pointer: str, detail: str) -> dict[str, str]:
    return {"pointer": pointer, "detail": detail}


def _ptr(path: str, detail: str) -> dict[str, str]:
    return _err("/" + path, detail)


def _touches_photos(op: Op, ctx: Context) -> bool:
    if not isinstance(op, SetAnswers):
        return False
    return any(isinstance(resolve_item(ctx.items, c.path), Photo) for c in op.changes)


def _sync_evidence_refs(conn: sqlite3.Connection, row: InspectionRow, ctx: Context) -> None:
    """Keep ``evidence_ref`` equal to the photos and signature images the document references."""
    wanted: set[tuple[str, str, str]] = set()
    for path, state in row.doc.fields.items():
        item = resolve_item(ctx.items, path)
        if isinstance(item, Photo) and isinstance(state.v, list):
            wanted |= {(sha, path, "photo") for sha in state.v if isinstance(sha, str)}
        elif isinstance(item, Signature) and isinstance(state.v, dict):
            for key in ("image_sha256", "witness_image_sha256"):
                sha = state.v.get(key)
                if isinstance(sha, str):
                    wanted.add((sha, path, "signature"))
    held = {
        (r[0], r[1], r[2])
        for r in conn.execute("SELECT sha256, path, kind FROM evidence_ref WHERE inspection_id = ?", [row.id])
    }
    for sha, path, _kind in held - wanted:
        conn.execute(
            "DELETE FROM evidence_ref WHERE org_id = ? AND sha256 = ? AND inspection_id = ? AND path = ?",
            [row.org_id, sha, row.id, path],
        )
    conn.executemany(
        "INSERT OR IGNORE INTO evidence_ref (org_id, sha256, inspection_id, site_id, path, kind)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(row.org_id, sha, row.id, row.site_id, path, kind) for sha, path, kind in wanted - held],
    )

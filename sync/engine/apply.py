"""Applying one op to an inspection: validation first, then the merge rules, per op kind.

Every rejection is raised before the document is touched, so a rejected op
changes nothing but the op log.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from schemas.answers import check_value, quick_check
from schemas.catalog import Catalog
from schemas.template import Group, Item, MultiChoice, Photo, Signature
from sync.engine.carry import keep_uncarried, set_aside_late, set_aside_photo, upgrade
from sync.engine.document import Document, FieldState, NoteState, answers_of, resolve_item
from sync.engine.merge import (
    LOCKED,
    Context,
    add_entry,
    ensure_entry,
    keep_locked,
    merge_attach,
    merge_detach,
    merge_set,
    merge_signature,
    merge_value,
    remove_entry,
)
from sync.engine.ops import (
    AddEntry,
    Attach,
    Create,
    Delete,
    Detach,
    FieldResult,
    Note,
    Op,
    RemoveEntry,
    SetAnswers,
    Sign,
    Transition,
    Upgrade,
)
from sync.engine.rows import InspectionRow
from sync.engine.workflow import DELETABLE, apply_transition, check_complete
from sync.errors import Rejected
from sync.org.accounts import User


def create_row(
    held: InspectionRow | None,
    catalog: Catalog,
    user: User,
    scope: set[str],
    op: Create,
    seq: int,
    started: str,
    now: str,
) -> InspectionRow | None:
    """The new inspection's row (started at ``started``, received ``now``), ``None`` for a replayed create."""
    if catalog.get(op.checklist_id, op.version) is None:
        raise Rejected("not-found", f"checklist {op.checklist_id} has no published version {op.version}")
    if op.site_id not in scope:
        raise Rejected("out-of-scope", f"site {op.site_id} is not one of your assigned sites")
    if held is not None:
        if (held.checklist_id, held.version, held.site_id, held.org_id) == (
            op.checklist_id,
            op.version,
            op.site_id,
            user.org_id,
        ):
            return None
        raise Rejected("already-exists", f"inspection {op.inspection_id} already exists with other details")
    return InspectionRow(
        id=op.inspection_id,
        site_id=op.site_id,
        checklist_id=op.checklist_id,
        version=op.version,
        inspector_id=user.id,
        status="draft",
        created_at=started,
        updated_at=now,
        org_id=user.org_id,
        created_seq=seq,
        updated_seq=seq,
        open_conflicts=0,
        doc=Document(),
    )


def dispatch(row: InspectionRow, op: Op, ctx: Context) -> list[FieldResult]:
    """Apply a non-create op to ``row`` in memory; returns one result per field touched."""
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
    if isinstance(op, Note):
        return _note(row, op, ctx)
    if isinstance(op, Upgrade):
        return upgrade(row, op, ctx)
    assert isinstance(op, Delete)
    return _delete(row, ctx)


def touches_evidence(op: Op, ctx: Context) -> bool:
    """Whether the op may change which photos or signature images the inspection references."""
    return isinstance(op, Attach | Detach | Sign) or ctx.evidence


def _set_answers(row: InspectionRow, op: SetAnswers, ctx: Context) -> list[FieldResult]:
    """Validate every answer, then merge it; plain first answers take a fast path and are not listed in the results.

    On a moved inspection, answers that fit only the version it was on are set aside (:mod:`sync.engine.carry`).
    """
    doc, locked = row.doc, row.status in LOCKED
    to_apply = set_aside_late(row, op, ctx)
    if to_apply is None:
        return keep_uncarried(row, ctx)
    op = to_apply
    fresh, rest = _validate_answers(op, ctx, doc.fields, fast=not locked)
    if fresh:
        seq = ctx.seq
        doc.fields.update({path: FieldState(value, seq) for path, value in fresh.items()})
        ctx.changed = True
    results = []
    answers, base = op.answers, op.base
    for path, item in rest:
        value, base_fv = answers[path], base.get(path, 0)
        removed = None if locked else ensure_entry(doc, path, ctx)
        if locked or removed:
            status = row.status if locked else "deleted"
            results.append(keep_locked(doc, status, path, value, base_fv, ctx))
        elif isinstance(item, MultiChoice | Photo) and isinstance(value, list):
            results.append(merge_set(doc, path, item, value, base_fv, ctx))
        else:
            results.append(merge_value(doc, path, item, value, base_fv, ctx))
    return results + keep_uncarried(row, ctx)


def _validate_answers(
    op: SetAnswers, ctx: Context, fields: dict[str, FieldState], *, fast: bool
) -> tuple[dict[str, Any], list[tuple[str, Item]]]:
    """Check every answer against the version; all of them fit, or the op is rejected whole.

    Returns the first answers to plain top-level items (``fast``: set them without a merge)
    and the paths that need one, with their items. The common op (valid answers to plain
    items) is checked at once; in any other the plain answers are checked at once and the rest
    answer by answer (all of them, when a plain one is wrong), which says what is wrong.
    """
    answers, index_items = op.answers, ctx.index.items
    if op.changes:  # only a list form naming a path twice is left as sent (see SetAnswers)
        counts = Counter(c.path for c in op.changes)
        twice = [_err("/" + path, "the same path twice in one op") for path, n in counts.items() if n > 1]
        raise Rejected("invalid-answers", "the same path twice in one op", twice)
    plain = ctx.index.plain
    if ctx.index.fits_plain(answers):
        return _plain_answers(answers, index_items, fields, fast=fast)
    # the answers to plain items checked at once; the others (or all, when one of those is wrong) one by one
    valid = plain if ctx.index.fits_plain({p: v for p, v in answers.items() if p in plain}) else frozenset()
    errors: list[dict[str, str]] = []
    fresh: dict[str, Any] = {}
    rest: list[tuple[str, Item]] = []
    for path, value in answers.items():
        if path in valid:
            if fast and path not in fields:
                fresh[path] = value
            else:
                rest.append((path, index_items[path]))
            continue
        item = _checked(path, value, ctx, errors)
        if item is None:
            continue
        if fast and path in plain and path not in fields:
            fresh[path] = value
            continue
        rest.append((path, item))
    if errors:
        raise Rejected("invalid-answers", f"{len(errors)} answer(s) do not fit this checklist version", errors)
    return fresh, rest


def _checked(path: str, value: Any, ctx: Context, errors: list[dict[str, str]]) -> Item | None:
    """The item an answer is to, once checked; what is wrong with it goes to ``errors`` (and ``None`` back)."""
    item = ctx.index.items.get(path) if "/" not in path else resolve_item(ctx.index.items, path)
    if item is None:
        errors.append(_err("/" + path, f"no item at {path!r} in this checklist version"))
        return None
    wrong_op = _wrong_op(item, path)
    if wrong_op is not None:
        errors.append(wrong_op)
    elif isinstance(item, Photo):
        ctx.evidence = True
    if value is not None and not quick_check(item, value):
        errors.extend(_err(e.pointer, e.detail) for e in check_value(item, value, "/" + path))
        return None
    return item if wrong_op is None else None


def _plain_answers(
    answers: dict[str, Any], index_items: dict[str, Item], fields: dict[str, FieldState], *, fast: bool
) -> tuple[dict[str, Any], list[tuple[str, Item]]]:
    """Answers that all fit plain items: those to fields not set yet go without a merge when ``fast``."""
    if not fast:
        return {}, [(path, index_items[path]) for path in answers]
    if not fields:
        return answers, []
    return (
        {p: v for p, v in answers.items() if p not in fields},
        [(p, index_items[p]) for p in answers if p in fields],
    )


def _wrong_op(item: Item, path: str) -> dict[str, str] | None:
    """The error of setting a group or a signature as an answer: each has its own ops."""
    if isinstance(item, Group):
        return _err("/" + path, "add or remove entries with add_entry and remove_entry")
    if isinstance(item, Signature):
        return _err("/" + path, "signatures are given with the sign op")
    return None


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
    if isinstance(op, Attach) and set_aside_photo(row, op, ctx):  # taken on the version the draft moved from
        ctx.evidence = True
        return keep_uncarried(row, ctx)
    item = resolve_item(ctx.items, op.path)
    if not isinstance(item, Photo):
        raise Rejected("invalid-answers", f"{op.path!r} is not a photo item", [_ptr(op.path, "not a photo item")])
    documents = op.item if isinstance(op, Attach) else None
    if documents is not None:
        _check_evidence_of(documents, ctx)
    locked = row.status in LOCKED
    removed = None if locked else ensure_entry(row.doc, op.path, ctx)
    if locked or removed:
        value = {op.__struct_config__.tag: op.sha256}
        return [keep_locked(row.doc, row.status if locked else "deleted", op.path, value, 0, ctx)]
    if isinstance(op, Attach):
        result = merge_attach(row.doc, op.path, item, op.sha256, ctx)
        if documents is not None and row.doc.photo_items.get(op.sha256) != documents:
            row.doc.photo_items[op.sha256] = documents
            ctx.changed = True
        if op.captured is not None and op.sha256 not in row.doc.photo_captures:  # as first taken: never rewritten
            row.doc.photo_captures[op.sha256] = op.captured
            ctx.changed = True
        return [result]
    return [merge_detach(row.doc, op.path, item, op.sha256, op.base_fv, ctx)]


def _check_evidence_of(documents: str, ctx: Context) -> None:
    """The answer a photo is evidence of: an answer item of this version (not a photo, signature or group)."""
    target = resolve_item(ctx.items, documents)
    if target is None or isinstance(target, Photo | Signature | Group):
        detail = f"{documents!r} is not an answer this photo can be evidence of"
        raise Rejected("invalid-answers", detail, [_err("/item", detail)])


def _sign(row: InspectionRow, op: Sign, ctx: Context) -> list[FieldResult]:
    item = ctx.items.get(op.path)
    if not isinstance(item, Signature):
        raise Rejected("invalid-answers", f"{op.path!r} is not a signature item", [_ptr(op.path, "no signature")])
    errors = [_err(e.pointer, e.detail) for e in check_value(item, op.value, "/" + op.path)]
    if item.witness_on_refusal and op.value.get("status") == "refused" and not op.value.get("witness_name"):
        errors.append(_err(f"/{op.path}/witness_name", "拒签须有见证人 (a refusal to sign needs a witness here)"))
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


def _note(row: InspectionRow, op: Note, ctx: Context) -> list[FieldResult]:
    """Write (or, with empty text and no memo, remove) the inspector's note on an item of this version; not once locked.

    A note whose voice memo changes changes the evidence the inspection references.
    """
    if resolve_item(ctx.items, op.path) is None:
        detail = f"no item at {op.path!r} in this checklist version"
        raise Rejected("invalid-answers", detail, [_ptr(op.path, detail)])
    if row.status in LOCKED:
        raise Rejected("invalid-transition", f"a {row.status} inspection takes no more notes")
    notes = row.doc.notes
    text = op.text.strip()
    held = notes.get(op.path)
    if not text and op.voice is None and held is None:
        return [FieldResult(f"note:{op.path}", "applied", row.updated_seq)]
    if text or op.voice is not None:
        notes[op.path] = NoteState(text, ctx.user_id, ctx.seq, op.voice)
    else:
        del notes[op.path]
    if (held.voice if held else None) != op.voice:
        ctx.evidence = True
    ctx.changed = True
    return [FieldResult(f"note:{op.path}", "applied", ctx.seq)]


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


def _err(pointer: str, detail: str) -> dict[str, str]:
    return {"pointer": pointer, "detail": detail}


def _ptr(path: str, detail: str) -> dict[str, str]:
    return _err("/" + path, detail)

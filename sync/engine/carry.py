"""Carrying a draft to a newer version of its checklist: the ``upgrade`` op and edits that arrive after it.

The rule (the phone applies the same one, ``pwa/src/model/carry.js``, on the shared cases of
``tests/fixtures/carry.json``): an answer is carried when the new version has an item at its
path, of the same kind, and the value is valid there (:func:`schemas.answers.check_value`).
Any other answer is *uncarried*: taken out of the answers and kept, with its value, the
reason and the version it was answered on, in the document's ``uncarried`` list and in the
op's result (so in the op log, the inspection's audit). Nothing is dropped.

Field versions of carried answers stay as they were, so an edit from another device that
had not seen them still merges (or conflicts) as before the move. An edit made on an
earlier version that arrives after the move is applied where it fits the new version; an
answer that fits only the version it was made on is set aside as uncarried the same way.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from schemas.answers import check_value
from schemas.catalog import TemplateIndex
from schemas.template import Group, Item, Photo, Signature, kind_of
from sync.engine.document import resolve_item
from sync.engine.merge import Context
from sync.engine.ops import Attach, CarryReason, FieldResult, SetAnswers, Uncarried, Upgrade
from sync.engine.rows import InspectionRow
from sync.errors import Rejected

MOVABLE = {"draft", "returned"}


def misfit(old: Item | None, new: Item | None, value: Any, path: str) -> tuple[CarryReason, str] | None:
    """Why an answer to ``path`` cannot go to the new version's item (reason, detail), or ``None`` if it fits."""
    if new is None:
        return "gone", "新版本没有此项 (no such item in the new version)"
    if old is not None and kind_of(old) != kind_of(new):
        was, now = kind_of(old), kind_of(new)
        return "kind", f"题型由 {was} 改为 {now} (the kind changed from {was} to {now})"
    if value is None or isinstance(new, Group):
        return None
    errors = check_value(new, value, "/" + path)
    return ("invalid", "; ".join(e.detail for e in errors)) if errors else None


def upgrade(row: InspectionRow, op: Upgrade, ctx: Context) -> list[FieldResult]:
    """Move a draft or returned inspection to ``op.version``: carry what fits, list the rest in ``ctx.uncarried``."""
    if row.status not in MOVABLE:
        raise Rejected("invalid-transition", f"a {row.status} inspection keeps its checklist version")
    if ctx.role != "admin" and row.inspector_id != ctx.user_id:
        raise Rejected("forbidden", "only the inspector who started it (or an admin) moves an inspection")
    if op.version <= row.version:  # the same move again, or one overtaken by a move further on
        return [FieldResult("version", "applied", row.updated_seq)]
    new = ctx.catalog.index(row.checklist_id, op.version) if ctx.catalog is not None else None
    if new is None:
        raise Rejected("not-found", f"checklist {row.checklist_id} has no published version {op.version}")
    if row.open_conflicts:
        raise Rejected("open-conflicts", f"resolve the {row.open_conflicts} open conflict(s) before moving versions")
    doc, old = row.doc, ctx.index
    for path, state in list(doc.fields.items()):
        old_item, new_item = resolve_item(old.items, path), resolve_item(new.items, path)
        why = misfit(old_item, new_item, state.v, path)
        if why is None:
            continue
        del doc.fields[path]
        if state.v is not None:  # a cleared answer has nothing to keep
            kind = kind_of(old_item) if old_item is not None else ""
            ctx.uncarried.append(Uncarried(path, state.v, kind, why[0], row.version, ctx.seq, why[1]))
    for key in [k for k in doc.entries if not isinstance(new.items.get(k.split("/")[0]), Group)]:
        del doc.entries[key]  # the group is gone: its answers are listed above
    doc.earlier_versions.append(row.version)
    doc.uncarried.extend(ctx.uncarried)
    row.version, ctx.index = op.version, new
    ctx.changed = ctx.evidence = True
    return [FieldResult("version", "applied", ctx.seq)]


def set_aside_late(row: InspectionRow, op: SetAnswers, ctx: Context) -> SetAnswers | None:
    """An edit to a moved inspection: its answers that fit only an earlier version go to ``ctx.uncarried``.

    Returns the op with the answers left to apply (``None`` when none is), and changes
    nothing in the document (:func:`keep_uncarried` does once the rest is known to fit).
    """
    if not row.doc.earlier_versions or ctx.catalog is None:
        return op
    late = {}
    for path, value in op.answers.items():
        if not _fits(ctx.index, path, value):
            found = _earlier_fit(row, ctx, path, value)
            if found is not None:
                late[path] = found
    if not late:
        return op
    for path, (version, old_item) in late.items():
        value = op.answers[path]
        why = misfit(old_item, resolve_item(ctx.items, path), value, path)
        assert why is not None
        ctx.uncarried.append(Uncarried(path, value, kind_of(old_item), why[0], version, ctx.seq, why[1]))
    rest = {p: v for p, v in op.answers.items() if p not in late}
    if not rest:
        return None
    return replace(op, answers=rest, base={p: fv for p, fv in op.base.items() if p in rest})


def set_aside_photo(row: InspectionRow, op: Attach, ctx: Context) -> bool:
    """A photo attached on an earlier version to an item the moved inspection no longer has as a photo item.

    Kept as uncarried (its photo stays referenced) when the path was a photo item on an earlier version.
    """
    if not row.doc.earlier_versions or ctx.catalog is None or isinstance(resolve_item(ctx.items, op.path), Photo):
        return False
    for version in reversed(row.doc.earlier_versions):
        index = ctx.catalog.index(row.checklist_id, version)
        old = resolve_item(index.items, op.path) if index is not None else None
        if isinstance(old, Photo):
            why = misfit(old, resolve_item(ctx.items, op.path), [op.sha256], op.path)
            assert why is not None
            ctx.uncarried.append(Uncarried(op.path, [op.sha256], "photo", why[0], version, ctx.seq, why[1]))
            return True
    return False


def keep_uncarried(row: InspectionRow, ctx: Context) -> list[FieldResult]:
    """Keep the answers :func:`set_aside_late` set aside in the document; one result per answer."""
    if not ctx.uncarried:
        return []
    row.doc.uncarried.extend(ctx.uncarried)
    ctx.changed = True
    return [FieldResult(u.path, "merged", ctx.seq) for u in ctx.uncarried]


def _fits(index: TemplateIndex, path: str, value: Any) -> bool:
    item = resolve_item(index.items, path)
    if item is None or isinstance(item, Group | Signature):
        return False
    return value is None or not check_value(item, value)


def _earlier_fit(row: InspectionRow, ctx: Context, path: str, value: Any) -> tuple[int, Item] | None:
    """The latest earlier version (and its item) this answer fits, if any."""
    assert ctx.catalog is not None
    for version in reversed(row.doc.earlier_versions):
        index = ctx.catalog.index(row.checklist_id, version)
        if index is not None and _fits(index, path, value):
            item = resolve_item(index.items, path)
            assert item is not None
            return version, item
    return None

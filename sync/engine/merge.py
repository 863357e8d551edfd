"""Merge rules, per field, by the item's merge policy. Pure: no SQL, no HTTP.

The rules (see ``../shared/research/sync.md`` §5.4):

- same value, or the writer had seen the current version (``base_fv >= fv``):
  fast-forward;
- different fields changed concurrently: both apply (each field is merged alone);
- the same field changed concurrently to different values:
  ``manual`` (default) keeps the server's current value as the provisional
  winner and opens a conflict holding every candidate; ``lww`` takes the larger
  ``(hlc, user id)`` and records no conflict (the loser stays in the op log);
  ``role`` lets the higher role win and records a resolved, informational
  conflict; ``append`` keeps both texts in clock order; ``immutable`` never
  overwrites a value and opens a conflict on any differing write;
- sets (photos, multiple choice) merge as add-wins sets: an element is removed
  only if the remover had seen it added;
- a change to content a signature covers marks the signature stale and opens a
  ``signature_stale`` conflict;
- edits to approved, rejected or deleted inspections are kept as conflict
  candidates, never applied.

Clocks only order and break ties; conflicts are decided by field versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemas.canonical import content_hash
from schemas.catalog import Catalog, TemplateIndex
from schemas.template import Item, MultiChoice, Template, merge_policy
from sync.engine.document import Candidate, ConflictRecord, Document, EntryState, FieldState, Writer, answers_of
from sync.engine.ops import FieldResult, Uncarried

ROLE_RANK = {"inspector": 1, "supervisor": 2, "admin": 3}
LOCKED = {"approved": "locked", "rejected": "locked", "deleted": "edit_vs_delete"}
Tags = dict[str, list[tuple[int, str]]]


@dataclass
class Context:
    """Who writes, with which op, at which server sequence and clock.

    ``writer`` tells who made the op at a given server sequence (from the op log).
    """

    index: TemplateIndex
    user_id: str
    role: str
    client_id: str
    op_id: str
    seq: int
    hlc: int
    now: str
    conflicts: dict[str, ConflictRecord]
    writer: Callable[[int], Writer]
    new_conflicts: list[ConflictRecord] = field(default_factory=list)
    touched_conflicts: set[str] = field(default_factory=set)
    changed: bool = False
    evidence: bool = False
    catalog: Catalog | None = None  # for ops that reach other versions of the checklist (upgrade)
    uncarried: list[Uncarried] = field(default_factory=list)
    # signatures this op stored and found matching the answers as they now are (checked once, not again)
    matched_signatures: set[str] = field(default_factory=set)

    @property
    def template(self) -> Template:
        """The checklist version the op writes to."""
        return self.index.template

    @property
    def items(self) -> dict[str, Item]:
        """The version's items by path."""
        return self.index.items

    def candidate(self, value: Any, base_fv: int) -> Candidate:
        """This op's value as a conflict candidate, based on ``base_fv``."""
        return Candidate(self.op_id, value, self.user_id, self.client_id, self.hlc, base_fv, self.seq, self.now)

    def saw(self, fv: int, dev: str, base_fv: int) -> bool:
        """Whether the writer had seen a write at ``fv`` by client ``dev``: its own earlier ops count."""
        return base_fv >= fv or (bool(dev) and dev == self.client_id)

    def saw_field(self, state: FieldState, base_fv: int) -> bool:
        """Whether the writer had seen the field's current write: its version, or its own client wrote it."""
        return base_fv >= state.fv or (bool(self.client_id) and self.writer(state.fv).client_id == self.client_id)

    def write(self, doc: Document, path: str, value: Any, tags: Tags | None = None) -> FieldState:
        """Set a field to ``value`` at this op's sequence, and mark the document changed."""
        state = FieldState(value, self.seq, tags)
        doc.fields[path] = state
        self.changed = True
        return state

    def current(self, state: FieldState) -> Candidate:
        """The server's current value of a field as a conflict candidate."""
        w = self.writer(state.fv)
        return Candidate(w.op_id, state.v, w.user_id, w.client_id, w.hlc, 0, state.fv, self.now)

    def open_conflict(self, path: str, kind: str, candidates: list[Candidate], status: str = "open") -> str:
        """Add candidates to the open conflict on ``path`` of ``kind``, or open a new one."""
        held = self.conflicts.get(path)
        if held is not None and held.status == "open" and held.kind == kind:
            known = {c.id for c in held.candidates}
            held.candidates.extend(c for c in candidates if c.id not in known)
            self.touched_conflicts.add(held.id)
            self.changed = True
            return held.id
        record = ConflictRecord(
            f"{self.op_id}:{path}",
            path,
            kind,
            status,
            self.seq,
            self.now,
            candidates,
            winner=candidates[0].id if candidates else "",
        )
        if status == "open":
            self.conflicts[path] = record
        self.new_conflicts.append(record)
        self.changed = True
        return record.id


def merge_value(doc: Document, path: str, item: Item, value: Any, base_fv: int, ctx: Context) -> FieldResult:
    """Merge one answer (not a set) into ``doc`` by the item's policy."""
    cur = doc.fields.get(path)
    if cur is None:
        ctx.write(doc, path, value)
        return FieldResult(path, "applied", ctx.seq)
    if cur.v == value:
        return FieldResult(path, "applied", cur.fv)
    policy = merge_policy(item)
    held = ctx.conflicts.get(path)
    if policy == "immutable" and cur.v is not None:
        cid = ctx.open_conflict(path, "hard", [ctx.current(cur), ctx.candidate(value, base_fv)])
        return FieldResult(path, "conflict", cur.fv, cid)
    if ctx.saw_field(cur, base_fv):
        ctx.write(doc, path, value)
        if held is not None and held.status == "open":
            cid = ctx.open_conflict(path, held.kind, [ctx.candidate(value, base_fv)])
            return FieldResult(path, "applied", ctx.seq, cid)
        return FieldResult(path, "applied", ctx.seq)
    if policy == "lww":
        writer = ctx.writer(cur.fv)
        if (ctx.hlc, ctx.user_id) > (writer.hlc, writer.user_id):
            ctx.write(doc, path, value)
        return FieldResult(path, "merged", doc.fields[path].fv)
    if policy == "append" and isinstance(cur.v, str) and isinstance(value, str):
        first, second = (cur.v, value) if ctx.writer(cur.fv).hlc <= ctx.hlc else (value, cur.v)
        ctx.write(doc, path, f"{first}\n{second}")
        return FieldResult(path, "merged", ctx.seq)
    if policy == "role":
        return _merge_by_role(doc, path, cur, value, base_fv, ctx)
    cid = ctx.open_conflict(path, "hard", [ctx.current(cur), ctx.candidate(value, base_fv)])
    return FieldResult(path, "conflict", cur.fv, cid)


def _merge_by_role(doc: Document, path: str, cur: FieldState, value: Any, base_fv: int, ctx: Context) -> FieldResult:
    """The higher role wins a concurrent write (then the later clock); the loser is kept in a resolved conflict."""
    writer = ctx.writer(cur.fv)
    incoming_wins = (ROLE_RANK.get(ctx.role, 0), ctx.hlc) > (ROLE_RANK.get(writer.role, 0), writer.hlc)
    winner, loser = ctx.candidate(value, base_fv), ctx.current(cur)
    if incoming_wins:
        ctx.write(doc, path, value)
    else:
        winner, loser = loser, winner
    cid = ctx.open_conflict(path, "soft", [winner, loser], status="resolved")
    return FieldResult(path, "merged", doc.fields[path].fv, cid)


def merge_set(doc: Document, path: str, item: Item, target: list[Any], base_fv: int, ctx: Context) -> FieldResult:
    """Merge a whole multiple-choice (or photo) answer as an add-wins set against what the writer had seen."""
    tags = _tags(doc, path)
    for element in target:
        if element not in tags:
            tags[element] = [(ctx.seq, ctx.client_id)]
    wanted = set(target)
    for element in list(tags):
        if element not in wanted:
            _remove_seen(tags, element, base_fv, ctx)
    return _store_set(doc, path, item, tags, base_fv, ctx)


def _tags(doc: Document, path: str) -> Tags:
    cur = doc.fields.get(path)
    return {k: list(v) for k, v in (cur.tags or {}).items()} if cur is not None else {}


def _remove_seen(tags: Tags, element: str, base_fv: int, ctx: Context) -> None:
    """Drop the adds of ``element`` the remover had seen; it stays if an unseen add is left."""
    unseen = [tag for tag in tags[element] if not ctx.saw(tag[0], tag[1], base_fv)]
    if unseen:
        tags[element] = unseen
    else:
        del tags[element]


def merge_attach(doc: Document, path: str, item: Item, sha256: str, ctx: Context) -> FieldResult:
    """Add a photo to a photo item's set (an add always wins)."""
    cur = doc.fields.get(path)
    tags = _tags(doc, path)
    tags.setdefault(sha256, []).append((ctx.seq, ctx.client_id))
    return _store_set(doc, path, item, tags, cur.fv if cur is not None else 0, ctx)


def merge_detach(doc: Document, path: str, item: Item, sha256: str, base_fv: int, ctx: Context) -> FieldResult:
    """Remove a photo from a photo item's set, as far as the writer had seen its adds."""
    tags = _tags(doc, path)
    if sha256 in tags:
        _remove_seen(tags, sha256, base_fv, ctx)
    return _store_set(doc, path, item, tags, base_fv, ctx)


def _store_set(doc: Document, path: str, item: Item, tags: Tags, base_fv: int, ctx: Context) -> FieldResult:
    cur = doc.fields.get(path)
    if isinstance(item, MultiChoice):
        order = {o.value: i for i, o in enumerate(item.options)}
        value = sorted(tags, key=lambda e: (order.get(e, len(order)), e))
    else:
        value = sorted(tags, key=lambda e: (min(tags[e]), e))
    if cur is not None and cur.tags == tags and cur.v == value:
        return FieldResult(path, "applied", cur.fv)
    seen_all = cur is None or ctx.saw_field(cur, base_fv)
    ctx.write(doc, path, value, tags)
    return FieldResult(path, "applied" if seen_all else "merged", ctx.seq)


def add_entry(doc: Document, key: str, ctx: Context) -> FieldResult:
    """Add a repeating-group entry (idempotent); re-adding a removed one is an edit-vs-delete conflict."""
    entry = doc.entries.get(key)
    if entry is None:
        doc.entries[key] = EntryState(ctx.seq, ctx.user_id, ctx.client_id)
        ctx.changed = True
        return FieldResult(key, "applied", ctx.seq)
    if entry.removed:
        cid = ctx.open_conflict(key, "edit_vs_delete", [ctx.candidate({"entry": "restore"}, 0)])
        return FieldResult(key, "conflict", entry.removed, cid)
    return FieldResult(key, "applied", entry.fv)


def remove_entry(doc: Document, key: str, base_fv: int, ctx: Context) -> FieldResult:
    """Tombstone an entry, unless someone edited it after the remover's base: then a conflict."""
    entry = doc.entries.get(key)
    if entry is None or entry.removed:
        if entry is None:
            doc.entries[key] = EntryState(ctx.seq, ctx.user_id, ctx.client_id, removed=ctx.seq)
            ctx.changed = True
        return FieldResult(key, "applied", ctx.seq if entry is None else entry.removed)
    prefix = key + "/"
    unseen = [p for p, s in doc.fields.items() if p.startswith(prefix) and not ctx.saw_field(s, base_fv)]
    if not ctx.saw(entry.fv, entry.dev, base_fv) or unseen:
        cid = ctx.open_conflict(key, "edit_vs_delete", [ctx.candidate({"entry": "remove"}, base_fv)])
        return FieldResult(key, "conflict", entry.fv, cid)
    entry.removed = ctx.seq
    ctx.changed = True
    return FieldResult(key, "applied", ctx.seq)


def ensure_entry(doc: Document, path: str, ctx: Context) -> str | None:
    """For a path inside a group entry: create the entry if needed; the entry key if it was removed."""
    parts = path.split("/")
    if len(parts) != 3:
        return None
    key = f"{parts[0]}/{parts[1]}"
    entry = doc.entries.get(key)
    if entry is None:
        doc.entries[key] = EntryState(ctx.seq, ctx.user_id, ctx.client_id)
        ctx.changed = True
        return None
    return key if entry.removed else None


def merge_signature(doc: Document, path: str, value: dict[str, Any], base_fv: int, ctx: Context) -> FieldResult:
    """Store a signature; one that does not match the server's content is stale at once."""
    cur = doc.fields.get(path)
    if cur is not None and cur.v == value:
        return FieldResult(path, "applied", cur.fv)
    if cur is not None and cur.v is not None and not cur.stale:
        cid = ctx.open_conflict(path, "hard", [ctx.current(cur), ctx.candidate(value, base_fv)])
        return FieldResult(path, "conflict", cur.fv, cid)
    held = ctx.conflicts.get(path)
    state = ctx.write(doc, path, value)
    if held is not None and held.kind == "signature_stale" and held.status == "open":
        held.status = "resolved"
        held.winner = ctx.op_id
        ctx.touched_conflicts.add(held.id)
    expected = content_hash(ctx.template, answers_of(doc), path)
    if value.get("content_hash") != expected:
        state.stale = True
        cid = ctx.open_conflict(path, "signature_stale", [ctx.candidate(value, base_fv)])
        return FieldResult(path, "conflict", ctx.seq, cid)
    ctx.matched_signatures.add(path)
    return FieldResult(path, "applied", ctx.seq)


def mark_stale_signatures(doc: Document, ctx: Context) -> list[str]:
    """After answers changed: every signature whose covered content no longer matches becomes stale.

    A signature this op stored and matched (:func:`merge_signature`) is not hashed again: the op
    wrote only that signature, which is never part of its own content.
    """
    opened = []
    answers: dict[str, Any] | None = None
    for item_id in ctx.index.signatures:
        state = doc.fields.get(item_id)
        if state is None or state.stale or not isinstance(state.v, dict) or item_id in ctx.matched_signatures:
            continue
        answers = answers_of(doc) if answers is None else answers
        if state.v.get("content_hash") != content_hash(ctx.template, answers, item_id):
            state.stale = True
            ctx.changed = True
            opened.append(ctx.open_conflict(item_id, "signature_stale", [ctx.current(state)]))
    return opened


def keep_locked(doc: Document, status: str, path: str, value: Any, base_fv: int, ctx: Context) -> FieldResult:
    """An edit to an approved, rejected or deleted inspection: kept as a candidate, not applied."""
    cur = doc.fields.get(path)
    candidates = [ctx.candidate(value, base_fv)]
    if cur is not None:
        candidates.insert(0, ctx.current(cur))
    cid = ctx.open_conflict(path, LOCKED[status], candidates)
    return FieldResult(path, "conflict", cur.fv if cur is not None else 0, cid)

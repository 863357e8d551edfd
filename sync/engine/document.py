"""An inspection's server-side state: answers with per-field versions, entries, comments.

Stored as one JSON document per inspection, so merging an edit costs the same
however many inspections are stored.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import Struct

from schemas.template import Group, Item, Template
from sync.engine.ops import Uncarried


class FieldState(Struct, omit_defaults=True, array_like=True, gc=False):
    """One answer: the value and its field version ``fv``, the server sequence of the op that wrote it.

    Who wrote it (user, device, clock) is that op's row in the op log. Set answers keep
    ``tags``: element → every (version, client) that added it and no remover saw; an
    element is present while it has a tag (an add-wins observed-remove set).
    Holding only JSON data, it cannot be in a reference cycle: untracked by the GC.
    """

    v: Any
    fv: int
    tags: dict[str, list[tuple[int, str]]] | None = None
    stale: bool = False


class Writer(Struct, frozen=True):
    """Who made the op at one server sequence."""

    user_id: str
    client_id: str
    op_id: str
    hlc: int
    role: str


class EntryState(Struct, omit_defaults=True):
    """A repeating-group entry: added at ``fv``; ``removed`` is the version of its tombstone (0: live)."""

    fv: int
    by: str = ""
    dev: str = ""
    removed: int = 0


class CommentState(Struct):
    """A reviewer's comment on an answer (``path``), or on the whole inspection (empty path)."""

    id: str
    path: str
    text: str
    by: str
    at: str
    seq: int


class NoteState(Struct, omit_defaults=True):
    """The inspector's note on an item: its text, who wrote it and the server sequence of the op (``fv``)."""

    text: str
    by: str
    fv: int


class Document(Struct, omit_defaults=True):
    """An inspection's merge state: field versions, group entries, review comments, item notes, the rejection reason."""

    fields: dict[str, FieldState] = {}
    entries: dict[str, EntryState] = {}
    comments: list[CommentState] = []
    reason: str = ""
    # photo SHA-256 → the answer's path it is evidence of (from ``attach`` ops that name one)
    photo_items: dict[str, str] = {}
    # photo SHA-256 → the camera file's SHA-256 it was made from, hashed at capture (``attach`` ops)
    photo_captures: dict[str, str] = {}
    # item path → the inspector's note on it (``note`` ops)
    notes: dict[str, NoteState] = {}
    # the checklist versions the draft was on before it moved to its own (oldest first), and
    # every answer a move (or an edit made on an earlier version arriving after it) could not carry
    earlier_versions: list[int] = []
    uncarried: list[Uncarried] = []


class Candidate(Struct, omit_defaults=True):
    """One value a conflict keeps: who proposed it, from which device, on which base."""

    id: str
    value: Any
    user_id: str
    client_id: str
    hlc: int
    base_fv: int
    fv: int
    received_at: str


class ConflictRecord(Struct, omit_defaults=True):
    """A field on which writers disagreed; open until a supervisor resolves it."""

    id: str
    path: str
    kind: str
    status: str
    opened_seq: int
    opened_at: str
    candidates: list[Candidate]
    winner: str = ""


doc_decoder = msgspec.json.Decoder(Document)
candidates_decoder = msgspec.json.Decoder(list[Candidate])
encoder = msgspec.json.Encoder()


def decode_document(data: str | bytes) -> Document:
    """A document from its stored JSON."""
    return doc_decoder.decode(data)


def split_path(path: str) -> tuple[str, str | None, str | None]:
    """``item`` → (item, None, None); ``group/entry`` → (group, entry, None); ``group/entry/item``."""
    parts = path.split("/")
    if len(parts) == 1:
        return parts[0], None, None
    if len(parts) == 2:
        return parts[0], parts[1], None
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    raise ValueError(f"path {path!r} has too many parts")


def resolve_item(items: dict[str, Item], path: str) -> Item | None:
    """The template item a field path names, or ``None``."""
    if "/" not in path:
        return items.get(path)
    try:
        top, entry, child = split_path(path)
    except ValueError:
        return None
    item = items.get(top)
    if entry is None:
        return item
    if not isinstance(item, Group) or child is None:
        return None
    return next((c for c in item.items if c.id == child), None)


def answers_of(doc: Document, template: Template | None = None) -> dict[str, Any]:
    """The answers as the checklist schema shapes them: groups as ``{entry_uuid: {item: value}}``.

    Cleared answers (``None``) and removed entries are left out.
    """
    answers: dict[str, Any] = {}
    for key, entry in doc.entries.items():
        if not entry.removed:
            group, entry_id, _ = split_path(key)
            answers.setdefault(group, {})[entry_id] = {}
    for path, state in doc.fields.items():
        if state.v is None:
            continue
        if "/" not in path:  # most answers: a top-level item
            answers[path] = state.v
            continue
        top, entry_id, child = split_path(path)
        if entry_id is None:
            answers[top] = state.v
        elif child is not None:
            entries = answers.get(top)
            if isinstance(entries, dict) and entry_id in entries:
                entries[entry_id][child] = state.v
    return answers

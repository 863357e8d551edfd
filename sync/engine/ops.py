"""The sync wire format: operations a device pushes and what it gets back.

Every op carries ``op_id`` (UUID, idempotency key), ``client_seq`` (gap-free per
client), the inspection it touches and a hybrid-logical-clock stamp ``hlc``
(milliseconds << 16 | counter). Field ops carry the field version their value was based
on (``base_fv``, or ``base`` per path in a ``set``): the server sequence of the last
write the device had seen, 0 for none.

Ids are any UUID; the app makes ``op_id`` and inspection ids as UUIDv7 (:func:`sync.clock.uuid7`),
time-ordered, so storing a batch appends to the op-log and inspection indexes instead
of rewriting one index page per id.

Structs that hold only decoded JSON data are ``gc=False``: they cannot be part of
a reference cycle, and a push decodes thousands of them, which would otherwise
set off the cycle collector every few hundred answers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct
from msgspec.structs import force_setattr

Uuid = Annotated[str, Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Path = Annotated[str, Meta(min_length=1, max_length=200)]
Seq = Annotated[int, Meta(ge=1)]
Fv = Annotated[int, Meta(ge=0)]
Hlc = Annotated[int, Meta(ge=0, le=2**63 - 1)]
Status = Literal["draft", "submitted", "returned", "approved", "rejected", "deleted"]
Outcome = Literal["applied", "merged", "conflict", "rejected", "gap"]
CarryReason = Literal["gone", "kind", "invalid"]

HLC_SHIFT = 16


class OpBase(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True, tag_field="kind", gc=False):
    """What every op carries: its id, the client's sequence, the inspection and the clock stamp."""

    op_id: Uuid
    client_seq: Seq
    inspection_id: Uuid
    hlc: Hlc


class Create(OpBase, tag="create", frozen=True):
    """Start an inspection of ``site_id`` on one checklist version."""

    checklist_id: Annotated[str, Meta(min_length=1, max_length=63)]
    version: Seq
    site_id: Annotated[str, Meta(min_length=1, max_length=64)]


class Change(Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True, gc=False):
    """One answer: ``path`` is an item id, or ``group/entry_uuid/item`` inside a repeating group.

    ``value`` ``None`` clears the answer.
    """

    path: Path
    value: Any
    base_fv: Fv = 0


class SetAnswers(OpBase, tag="set", frozen=True, omit_defaults=True):
    """Set one or more answers; the op is applied whole or rejected whole.

    ``answers`` maps a path to its value (``None`` clears it); ``base`` maps a path to the
    field version the device's value was based on, for the paths it had seen written (left
    out: 0). A whole inspection's answers travel as one map, about half the bytes of a list.

    The list form of earlier app builds, ``changes`` ([{path, value, base_fv}]), is still
    accepted, as their outboxes may hold it: it is read into ``answers`` and ``base`` when
    decoded, unless it names a path twice; then it is kept as sent, and the op is rejected.
    """

    answers: Annotated[dict[Path, Any], Meta(max_length=500)] = {}
    base: dict[Path, Fv] = {}
    changes: Annotated[list[Change], Meta(max_length=500)] = []

    def __post_init__(self) -> None:
        if self.changes:
            if self.answers or self.base:
                raise ValueError("a set op gives answers (with base) or changes, not both")
            answers = {c.path: c.value for c in self.changes}
            if len(answers) == len(self.changes):
                force_setattr(self, "answers", answers)
                force_setattr(self, "base", {c.path: c.base_fv for c in self.changes if c.base_fv})
                force_setattr(self, "changes", [])
        elif not self.answers:
            raise ValueError("a set op needs at least one answer")
        elif self.base and not self.base.keys() <= self.answers.keys():
            raise ValueError("base names a path that answers does not")


class AddEntry(OpBase, tag="add_entry", frozen=True):
    """Add an entry (its id made by the device) to a repeating group."""

    group: Path
    entry_id: Uuid


class RemoveEntry(OpBase, tag="remove_entry", frozen=True):
    """Remove a group entry; an edit the remover had not seen (after ``base_fv``) makes it a conflict instead."""

    group: Path
    entry_id: Uuid
    base_fv: Fv = 0


class Attach(OpBase, tag="attach", frozen=True):
    """Add a photo (by SHA-256) to a photo item; it may not have been uploaded yet.

    ``item``: the answer this photo is evidence of (a failed item, say), so its finding,
    the desk and the PDF report show the photo there rather than with every failed item.
    ``captured``: the SHA-256 of the camera's file the phone made this light version from,
    hashed at capture — what the answer records as taken (its chain of custody must agree).
    """

    path: Path
    sha256: Sha256
    item: Path | None = None
    captured: Sha256 | None = None


class Detach(OpBase, tag="detach", frozen=True):
    """Remove a photo, if the device had seen it (``base_fv`` ≥ the version it was added at)."""

    path: Path
    sha256: Sha256
    base_fv: Fv = 0


class Sign(OpBase, tag="sign", frozen=True):
    """A signature (or recorded refusal) bound to the hash of the content it covers."""

    path: Path
    value: dict[str, Any]
    base_fv: Fv = 0


class Comment(Struct, forbid_unknown_fields=True, frozen=True):
    """A supervisor's comment pinned to an item path ("" for the whole inspection)."""

    path: Annotated[str, Meta(max_length=200)]
    text: Annotated[str, Meta(min_length=1, max_length=2000)]


class Transition(OpBase, tag="transition", frozen=True):
    """Move the inspection to another status (submit, return, approve, reject)."""

    to: Status
    comments: list[Comment] = []
    reason: Annotated[str, Meta(max_length=2000)] = ""


class Delete(OpBase, tag="delete", frozen=True):
    """Delete a draft; later edits open an edit-vs-delete conflict instead of resurrecting it."""


class Note(OpBase, tag="note", frozen=True):
    """The inspector's note on one item (any kind, a group entry's child too); empty text removes it.

    Notes are free text beside the answer, not part of it: they are not scored, signed or
    validated against the item. The later note on an item wins (by server sequence).
    """

    path: Path
    text: Annotated[str, Meta(max_length=2000)] = ""


class Upgrade(OpBase, tag="upgrade", frozen=True):
    """Move a draft (or returned) inspection to a newer published ``version`` of its checklist.

    Answers are carried where the item id and kind still fit and the value is valid under
    the new version; the others are listed in the result's ``uncarried`` and kept in the
    document, never dropped. A version at or below the inspection's own changes nothing.
    """

    version: Seq


Op = Create | SetAnswers | AddEntry | RemoveEntry | Attach | Detach | Sign | Transition | Delete | Note | Upgrade


class PushBatch(Struct, forbid_unknown_fields=True, frozen=True):
    """One push: a client's ops, in any order (applied in ``client_seq`` order)."""

    client_id: Uuid
    ops: Annotated[list[Op], Meta(max_length=1000)]
    # the epoch the device last saw ("" for none yet) and the ops it re-sends or re-offers after a restore
    epoch: Annotated[str, Meta(max_length=64)] = ""
    recovered: Annotated[list[Uuid], Meta(max_length=1000)] = []


class Rejection(Struct, frozen=True, omit_defaults=True, gc=False):
    """Why an op was refused or flagged: a problem type name, a detail, pointers."""

    type: str
    detail: str
    errors: list[dict[str, str]] = []


class FieldResult(Struct, frozen=True, omit_defaults=True, gc=False):
    """What became of one field an op wrote, at which field version, and the conflict it opened or joined."""

    path: str
    outcome: Outcome
    fv: int
    conflict_id: str | None = None


class Uncarried(Struct, frozen=True, omit_defaults=True, gc=False):
    """An answer a move to a newer checklist version could not carry, with its value: kept, never dropped.

    ``reason``: ``gone`` (no such item now), ``kind`` (the item's kind changed) or ``invalid``
    (the value does not fit the new version, ``detail`` says why); ``kind`` and ``version``:
    the item's kind and the checklist version the value was answered on; ``seq``: the op that
    set it aside.
    """

    path: str
    value: Any
    kind: str
    reason: CarryReason
    version: int
    seq: int
    detail: str = ""


class OpResult(Struct, frozen=True, omit_defaults=True, gc=False):
    """The outcome of one op; stored, and returned unchanged when the op is replayed."""

    op_id: str
    client_seq: int
    outcome: Outcome
    seq: int | None = None
    fields: list[FieldResult] = []
    conflict_ids: list[str] = []
    problem: Rejection | None = None
    flags: list[str] = []
    uncarried: list[Uncarried] = []


class PushResult(Struct, frozen=True):
    """The answer to a push: each op's result, the client's last sequence, the server's clock and epoch."""

    results: list[OpResult]
    last_seq: int
    server_hlc: int
    epoch: str = ""


op_decoder = msgspec.json.Decoder(Op)
push_decoder = msgspec.json.Decoder(PushBatch)
result_decoder = msgspec.json.Decoder(OpResult)
encoder = msgspec.json.Encoder()


def hlc_millis(hlc: int) -> int:
    """The wall-clock milliseconds of a stamp."""
    return hlc >> HLC_SHIFT


def make_hlc(millis: int, counter: int = 0) -> int:
    """A clock stamp from wall-clock milliseconds and a counter."""
    return (millis << HLC_SHIFT) | (counter & 0xFFFF)

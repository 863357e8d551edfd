"""The compact checklist template format, decoded and validated with msgspec.

A template file ``schemas/templates/<checklist_id>/<version>.json`` holds one
:class:`Template`. Items are a tagged union on ``kind``; constraints are
declared with ``Meta`` so they reach msgspec's own JSON Schema too.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

Identifier = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="stable id")]
Severity = Literal["critical", "major", "minor"]
Evidence = Literal["photo", "signature"]
MergePolicy = Literal["manual", "role", "lww", "set", "items", "append", "immutable"]
Scalar = str | int | float | bool


class Label(Struct, forbid_unknown_fields=True, frozen=True):
    """A text in Chinese (zh-CN, shown first) and English."""

    zh: Annotated[str, Meta(min_length=1)]
    en: Annotated[str, Meta(min_length=1)]


class Condition(Struct, forbid_unknown_fields=True, frozen=True):
    """Show an item only when another item's answer is one of ``any_of``."""

    item: Identifier
    any_of: Annotated[list[Scalar], Meta(min_length=1)]


class Option(Struct, forbid_unknown_fields=True, frozen=True):
    """One choice of a single- or multiple-choice item: the stored value and its label."""

    value: Identifier
    label: Label


class Range(Struct, forbid_unknown_fields=True, frozen=True):
    """An interval, inclusive unless an end is marked exclusive; either end may be open."""

    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False


class ItemBase(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True, tag_field="kind"):
    """Fields every item carries."""

    id: Identifier
    label: Label
    clause: Annotated[str, Meta(min_length=1, description="source clause, e.g. 超市服务管理规范 6.2.1")]
    severity: Severity = "minor"
    weight: Annotated[float, Meta(ge=0)] = 1.0
    required: bool = True
    evidence_on_fail: list[Evidence] = []
    show_if: Condition | None = None
    merge: MergePolicy | None = None
    help: Label | None = None


class PassFail(ItemBase, tag="pass_fail", frozen=True):
    """合格 / 不合格 / 不适用."""

    allow_na: bool = True


class Number(ItemBase, tag="number", frozen=True):
    """A reading with a unit; outside ``acceptable`` it is a failed item, not invalid data.

    ``bounds`` are the physically plausible limits: a value outside them is refused.
    """

    unit: Annotated[str, Meta(min_length=1)]
    acceptable: Range | None = None
    bounds: Range | None = None
    decimals: Annotated[int, Meta(ge=0, le=6)] = 1


class SingleChoice(ItemBase, tag="single_choice", frozen=True):
    """One option of several; choosing one of ``fail_values`` fails the item."""

    options: Annotated[list[Option], Meta(min_length=2)]
    fail_values: list[Identifier] = []


class MultiChoice(ItemBase, tag="multi_choice", frozen=True):
    """A set of options, between ``min_selected`` and ``max_selected``; any of ``fail_values`` fails it."""

    options: Annotated[list[Option], Meta(min_length=2)]
    fail_values: list[Identifier] = []
    min_selected: Annotated[int, Meta(ge=0)] = 0
    max_selected: Annotated[int, Meta(ge=1)] | None = None


class Text(ItemBase, tag="text", frozen=True):
    """Free text of at most ``max_length`` characters, on one line or several."""

    max_length: Annotated[int, Meta(ge=1, le=20000)] = 2000
    multiline: bool = False


class Photo(ItemBase, tag="photo", frozen=True):
    """Evidence photos, by SHA-256: between ``min_count`` and ``max_count`` of them."""

    min_count: Annotated[int, Meta(ge=0)] = 1
    max_count: Annotated[int, Meta(ge=1, le=50)] = 10


class Signature(ItemBase, tag="signature", frozen=True):
    """A signature of ``signer`` over the answers of ``covers`` (all answers when empty)."""

    signer: Label
    covers: list[Identifier] = []
    witness_on_refusal: bool = False


class Gps(ItemBase, tag="gps", frozen=True):
    """A position (latitude, longitude, accuracy, when taken); ``max_accuracy_m`` is the form's accuracy limit."""

    max_accuracy_m: Annotated[float, Meta(gt=0)] | None = None


class DateTime(ItemBase, tag="datetime", frozen=True):
    """An RFC 3339 date-time, or only a date."""

    date_only: bool = False


LeafItem = PassFail | Number | SingleChoice | MultiChoice | Text | Photo | Signature | Gps | DateTime


class Group(ItemBase, tag="group", frozen=True):
    """A repeating group: one entry per stall, defect, …, keyed by a client UUID."""

    entry_label: Label
    items: Annotated[list[LeafItem], Meta(min_length=1)]
    min_entries: Annotated[int, Meta(ge=0)] = 0
    max_entries: Annotated[int, Meta(ge=1)] | None = None


Item = LeafItem | Group


class Section(Struct, forbid_unknown_fields=True, frozen=True):
    """A titled part of the form and its items, shown only when ``show_if`` holds."""

    id: Identifier
    title: Label
    items: Annotated[list[Item], Meta(min_length=1)]
    show_if: Condition | None = None


class Scoring(Struct, forbid_unknown_fields=True, frozen=True):
    """Score rules, part of the version: weights of answered items, N/A excluded.

    An inspection passes when its score reaches ``pass_mark`` percent and, if
    ``critical_fails_inspection``, no critical item failed.
    """

    pass_mark: Annotated[float, Meta(ge=0, le=100)] = 80.0
    critical_fails_inspection: bool = True


class Source(Struct, forbid_unknown_fields=True, frozen=True):
    """A regulation or standard the checklist draws on."""

    title: Annotated[str, Meta(min_length=1)]
    note: str = ""


class EvidencePolicy(Struct, forbid_unknown_fields=True, frozen=True):
    """How a phone sends the camera originals of photos: on Wi-Fi (or when the inspector allows), or always."""

    originals: Literal["wifi", "required"] = "wifi"


class Template(Struct, forbid_unknown_fields=True, frozen=True):
    """One published version of one checklist."""

    checklist_id: Identifier
    version: Annotated[int, Meta(ge=1)]
    title: Label
    description: Label
    sources: Annotated[list[Source], Meta(min_length=1)]
    sections: Annotated[list[Section], Meta(min_length=1)]
    scoring: Scoring = Scoring()
    site_types: list[Identifier] = []
    evidence: EvidencePolicy = EvidencePolicy()


DEFAULT_MERGE: dict[str, MergePolicy] = {
    "multi_choice": "set",
    "photo": "set",
    "signature": "immutable",
    "group": "items",
    "gps": "lww",
}


def merge_policy(item: Item) -> MergePolicy:
    """The item's declared merge policy, or its kind's default (``manual``)."""
    if item.merge is not None:
        return item.merge
    return DEFAULT_MERGE.get(kind_of(item), "manual")


def kind_of(item: Item) -> str:
    """The item's ``kind`` tag as written in templates."""
    tag = type(item).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


_decoder = msgspec.json.Decoder(Template)


def decode_template(data: bytes) -> Template:
    """Decode template JSON; raises ``msgspec.ValidationError`` naming the bad field."""
    return _decoder.decode(data)


def encode_template(template: Template) -> bytes:
    """Canonical JSON for a template (stable key order, defaults omitted)."""
    return msgspec.json.encode(msgspec.to_builtins(template, order="sorted"))

"""Check template JSON being authored: every error at once, located, in Chinese and English.

msgspec stops at a template's first error, so the template is decoded part by
part (its own fields, each section's, each item's, each group child's), then
cross-checked whole (:mod:`schemas.template_checks`) and against what is
published. The parts that decode are normalised, so the diff of a draft with
errors shows only real changes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import msgspec

from schemas.template import Item, LeafItem, Section, Template, encode_template
from schemas.template_checks import check_template_located
from schemas.template_messages import Located, from_msgspec, located

_LABEL = {"zh": "x", "en": "x"}
_DUMMY_ITEM = {"kind": "pass_fail", "id": "x", "label": _LABEL, "clause": "x"}
_DUMMY_SECTION = {"id": "x", "title": _LABEL, "items": [_DUMMY_ITEM]}


def _convert(value: Any, kind: Any, base: str, item: str | None, errors: list[Located]) -> Any:
    """``value`` converted to ``kind``, or ``None`` with the error added."""
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as exc:
        errors.append(from_msgspec(str(exc), base, item, ""))
        return None


def _item_id(raw: Any) -> str | None:
    return raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None


def _not_object(path: str, item: str | None, errors: list[Located]) -> None:
    errors.append(located(path, item, None, "此处应为一个对象", "must be an object"))


def _check_item(raw: Any, at: str, kind: Any, errors: list[Located]) -> Any:
    """The item normalised to builtins where it decodes (else as given); errors added."""
    if not isinstance(raw, dict):
        _not_object(at, None, errors)
        return raw
    item_id = _item_id(raw)
    children = raw.get("items") if raw.get("kind") == "group" else None
    probe = {**raw, "items": [_DUMMY_ITEM]} if isinstance(children, list) and children else raw
    decoded = _convert(probe, kind, at, item_id, errors)
    out = msgspec.to_builtins(decoded) if decoded is not None else dict(raw)
    if isinstance(children, list) and children:
        out["items"] = [_check_item(c, f"{at}/items/{j}", LeafItem, errors) for j, c in enumerate(children)]
    return out


def _check_section(raw: Any, at: str, errors: list[Located]) -> Any:
    if not isinstance(raw, dict):
        _not_object(at, None, errors)
        return raw
    items = raw.get("items")
    probe = {**raw, "items": [_DUMMY_ITEM]} if isinstance(items, list) and items else raw
    decoded = _convert(probe, Section, at, None, errors)
    out = msgspec.to_builtins(decoded) if decoded is not None else dict(raw)
    if isinstance(items, list) and items:
        out["items"] = [_check_item(it, f"{at}/items/{i}", Item, errors) for i, it in enumerate(items)]
    return out


def validate_doc(doc: Any, broken: frozenset[str] = frozenset()) -> tuple[Template | None, Any, list[Located]]:
    """Decode template JSON (as builtins): the template if it holds, the normalised draft, every error.

    ``broken`` names items already refused before this (a workbook row of an unsupported type):
    a condition on one of them is not reported again.
    """
    errors: list[Located] = []
    if not isinstance(doc, dict):
        _not_object("", None, errors)
        return None, doc, errors
    sections = doc.get("sections")
    has_sections = isinstance(sections, list) and bool(sections)
    probe = {**doc, "sections": [_DUMMY_SECTION]} if has_sections else doc
    head = _convert(probe, Template, "", None, errors)
    normal = msgspec.to_builtins(head) if head is not None else dict(doc)
    if has_sections:
        assert isinstance(sections, list)
        normal["sections"] = [_check_section(s, f"sections/{n}", errors) for n, s in enumerate(sections)]
    if errors:
        return None, normal, errors + _partial_checks(normal, errors, set(broken))
    template = msgspec.convert(doc, Template)
    errors.extend(e for e in check_template_located(template) if not _about(e, broken))
    return (None if errors else template), normal, errors


def _bad(path: str, errors: list[Located]) -> bool:
    return any(e.path == path or e.path.startswith(path + "/") for e in errors)


def _partial_checks(normal: Any, errors: list[Located], dropped: set[str]) -> list[Located]:
    """The cross-field checks over the parts that decoded, so they show beside the decoding errors.

    Skipped when the template's own fields fail; a finding that only says an item with errors is
    missing (a condition on it, a signature covering it) is left out.
    """
    if any(not e.path.startswith("sections/") for e in errors) or not isinstance(normal.get("sections"), list):
        return []
    sections: list[Any] = []
    where: dict[str, str] = {}
    for s, section in enumerate(normal["sections"]):
        at = f"sections/{s}"
        own = [e for e in errors if e.path.startswith(at + "/") and not e.path.startswith(at + "/items/")]
        items = section.get("items") if isinstance(section, dict) else None
        if own or not isinstance(items, list):
            continue
        kept: list[Any] = []
        for i, item in enumerate(items):
            if _bad(f"{at}/items/{i}", errors):
                dropped.add(str(item.get("id")) if isinstance(item, dict) else "")
                continue
            where[f"sections/{len(sections)}/items/{len(kept)}"] = f"{at}/items/{i}"
            kept.append(item)
        if kept:
            where[f"sections/{len(sections)}"] = at
            sections.append({**section, "items": kept})
    try:
        partial = msgspec.convert({**normal, "sections": sections}, Template)
    except msgspec.ValidationError:
        return []
    found = []
    for e in check_template_located(partial):
        if _about(e, dropped):
            continue
        parts = e.path.split("/")
        head = "/".join(parts[:4]) if "/".join(parts[:4]) in where else "/".join(parts[:2])
        found.append(msgspec.structs.replace(e, path=where.get(head, head) + e.path[len(head) :]))
    return found


def _about(found: Located, dropped: Collection[str]) -> bool:
    """Whether a finding only says that an item already refused is missing."""
    return found.field in ("show_if.item", "covers") and any(f"'{d}'" in found.en for d in dropped)


def decode_json(body: bytes) -> tuple[Any, list[Located]]:
    """The JSON body as builtins, or an error saying it is no JSON."""
    try:
        return msgspec.json.decode(body), []
    except msgspec.DecodeError as exc:
        return None, [located("", None, None, f"不是有效的 JSON:{exc}", f"not valid JSON: {exc}")]


def check_publishable(template: Template, held: Template | None, latest: Template | None) -> list[Located]:
    """What publishing would refuse: a published version with other content, a version below the latest."""
    if held is not None and encode_template(held) != encode_template(template):
        return [
            located(
                "version", None, "version",
                f"版本 {template.version} 已发布且内容不同,请改为新版本",
                f"version {template.version} is already published with different content; publish a new version",
            )
        ]  # fmt: skip
    if latest is not None and template.version < latest.version:
        return [
            located(
                "version", None, "version",
                f"版本 {template.version} 低于已发布的最新版本 {latest.version}",
                f"version {template.version} is below the latest published version {latest.version}",
            )
        ]  # fmt: skip
    return []

"""The difference between two checklist templates: items added, removed, moved, changed field by field.

Works on template JSON as builtins (``msgspec.to_builtins`` of a template, or a
draft still being written), so a draft with errors still shows its changes.
An item inside a repeating group is named ``group_id/item_id``. Moved items are
those out of the longest run kept in order (one item dragged up is one move).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

_TEMPLATE_FIELDS = ("title", "description", "sources", "scoring", "site_types")
_SECTION_FIELDS = ("title", "show_if")


class Place(Struct, frozen=True):
    """Where an item stands: its section and its position in the whole form (from 0)."""

    section: str | None
    position: int


class Moved(Struct, frozen=True):
    """An item that changed section or order."""

    item: str
    before: Place
    after: Place


class Change(Struct, frozen=True):
    """One field of one item (``item`` is ``None`` for the template's and sections' own fields)."""

    item: str | None
    field: str
    before: Any
    after: Any


class TemplateDiff(Struct, frozen=True):
    """Everything that differs from ``base_version`` (``None``: nothing published yet, all is added)."""

    base_version: int | None
    added: list[str]
    removed: list[str]
    moved: list[Moved]
    changed: list[Change]


def _flatten_items(doc: Any) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(key, section id, fields) of every item in form order; a group's children follow it."""
    out: list[tuple[str, str | None, dict[str, Any]]] = []
    sections = doc.get("sections") if isinstance(doc, dict) else None
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict) or not isinstance(section.get("items"), list):
            continue
        sid = section.get("id") if isinstance(section.get("id"), str) else None
        for item in section["items"]:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            out.append((item["id"], sid, {k: v for k, v in item.items() if k != "items"}))
            children = item.get("items")
            for child in children if isinstance(children, list) else []:
                if isinstance(child, dict) and isinstance(child.get("id"), str):
                    out.append((f"{item['id']}/{child['id']}", sid, child))
    return out


def _fields(value: Any, prefix: str) -> dict[str, Any]:
    """Dotted fields of nested objects; lists and scalars are leaves; ``None`` counts as absent."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_fields(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {} if value is None else {prefix: value}


def _changes(item: str | None, before: Any, after: Any, prefix: str = "") -> list[Change]:
    old, new = _fields(before, prefix), _fields(after, prefix)
    keys = list(old) + [k for k in new if k not in old]
    return [Change(item, k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _kept_in_order(before: list[str], after: list[str]) -> set[str]:
    """The longest common subsequence of two orders of the same keys."""
    n, m = len(before), len(after)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if before[i] == after[j] else max(table[i + 1][j], table[i][j + 1])
    kept: set[str] = set()
    i = j = 0
    while i < n and j < m:
        if before[i] == after[j]:
            kept.add(before[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] > table[i][j + 1]:  # on a tie the item that came up is the one moved
            i += 1
        else:
            j += 1
    return kept


def _sections(doc: Any) -> dict[str, dict[str, Any]]:
    sections = doc.get("sections") if isinstance(doc, dict) else None
    return {
        s["id"]: s
        for s in (sections if isinstance(sections, list) else [])
        if isinstance(s, dict) and isinstance(s.get("id"), str)
    }


def diff_templates(base: dict[str, Any] | None, new: Any) -> TemplateDiff:
    """What ``new`` changes from ``base`` (both template JSON as builtins)."""
    old_items = _flatten_items(base) if base is not None else []
    new_items = _flatten_items(new)
    old_at = {key: (pos, sid, fields) for pos, (key, sid, fields) in enumerate(old_items)}
    new_at = {key: (pos, sid, fields) for pos, (key, sid, fields) in enumerate(new_items)}
    added = [key for key, _, _ in new_items if key not in old_at]
    removed = [key for key, _, _ in old_items if key not in new_at]
    common_old = [key for key, _, _ in old_items if key in new_at]
    common_new = [key for key, _, _ in new_items if key in old_at]
    kept = _kept_in_order(common_old, common_new)
    moved = [
        Moved(key, Place(old_at[key][1], old_at[key][0]), Place(new_at[key][1], new_at[key][0]))
        for key in common_new
        if key not in kept or old_at[key][1] != new_at[key][1]
    ]
    changed: list[Change] = []
    if base is not None and isinstance(new, dict):
        for name in _TEMPLATE_FIELDS:
            changed += _changes(None, base.get(name), new.get(name), name)
        old_sections, new_sections = _sections(base), _sections(new)
        for sid in (s for s in new_sections if s in old_sections):
            for name in _SECTION_FIELDS:
                before, after = old_sections[sid].get(name), new_sections[sid].get(name)
                changed += _changes(None, before, after, f"sections.{sid}.{name}")
    for key in common_new:
        changed += _changes(key, old_at[key][2], new_at[key][2])
    version = base.get("version") if base is not None else None
    return TemplateDiff(version if isinstance(version, int) else None, added, removed, moved, changed)

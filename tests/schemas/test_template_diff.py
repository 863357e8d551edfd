"""The diff of two templates: added, removed, moved (one drag is one move), changed field by field."""

from __future__ import annotations

import copy
from typing import Any

from schemas.template_diff import diff_templates
from tests.templates import minimal_template


def _doc(*ids: str) -> dict[str, Any]:
    doc = minimal_template()
    first = doc["sections"][0]["items"][0]
    doc["sections"][0]["items"] = [{**copy.deepcopy(first), "id": i} for i in ids]
    return doc


def test_one_item_dragged_up_is_one_move_and_a_swap_blames_the_one_that_came_up() -> None:
    diff = diff_templates(_doc("a", "b", "c", "d", "e"), _doc("a", "e", "b", "c", "d"))
    assert [(m.item, m.before.position, m.after.position) for m in diff.moved] == [("e", 4, 1)]
    swap = diff_templates(_doc("a", "b", "c"), _doc("a", "c", "b"))
    assert [m.item for m in swap.moved] == ["c"]
    assert (swap.added, swap.removed, swap.changed) == ([], [], [])


def test_changes_are_field_by_field_and_a_new_checklist_is_all_added() -> None:
    base = _doc("a", "b")
    new = copy.deepcopy(base)
    new["sections"][0]["items"][1]["label"]["en"] = "Changed"
    new["sections"][0]["items"][1]["severity"] = "critical"
    new["title"]["zh"] = "新标题"
    diff = diff_templates(base, new)
    assert [(c.item, c.field, c.before, c.after) for c in diff.changed] == [
        (None, "title.zh", "夜市巡查", "新标题"),
        ("b", "label.en", "Stall hygiene", "Changed"),
        ("b", "severity", None, "critical"),
    ]
    fresh = diff_templates(None, new)
    assert (fresh.base_version, fresh.added, fresh.changed) == (None, ["a", "b"], [])
